"""Erlang C and the M/M/c stationary distribution against hand-computed values."""

import math

import pytest

from stabil.core import queueing


@pytest.mark.parametrize(
    ("lam", "mu", "c", "p_wait", "wq"),
    [
        # M/M/1: P(wait) = rho, Wq = rho / (mu - lam)
        (0.5, 1.0, 1, 0.5, 1.0),
        (0.9, 1.0, 1, 0.9, 9.0),
        # M/M/2, a = 1: P0 = 1 / (1 + 1 + 1/(2 x 0.5)) = 1/3, C = 1/(2! x 0.5) x 1/3 = 1/3, Wq = C / (2 - 1)
        (1.0, 1.0, 2, 1 / 3, 1 / 3),
        # M/M/3, a = 2: sum_{k<3} a^k/k! = 5, a^3/(3! (1 - 2/3)) = 4, P0 = 1/9, C = 4/9, Wq = C / (3 - 2)
        (2.0, 1.0, 3, 4 / 9, 4 / 9),
        # time scaling: rates per day vs per month give the same C; Wq scales by 1/mu
        (2.0 / 30, 1.0 / 30, 3, 4 / 9, 30 * 4 / 9),
    ],
)
def test_erlang_c_hand_computed(lam, mu, c, p_wait, wq):
    assert queueing.erlang_c(lam, mu, c) == pytest.approx(p_wait, rel=1e-12)
    assert queueing.mean_wait(lam, mu, c) == pytest.approx(wq, rel=1e-12)
    assert queueing.mean_queue_length(lam, mu, c) == pytest.approx(lam * wq, rel=1e-12)


def test_erlang_b_recursion():
    # B(1, a) = a / (1 + a); B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
    assert queueing.erlang_b(1.0, 1) == pytest.approx(0.5)
    assert queueing.erlang_b(1.0, 2) == pytest.approx(0.2)


@pytest.mark.parametrize(("lam", "mu", "c"), [(1.0, 1.0, 1), (3.0, 1.0, 2), (-1, 1, 1), (1, 0, 1), (0.5, 1, 0)])
def test_unstable_or_invalid_queue_raises(lam, mu, c):
    with pytest.raises(ValueError):
        queueing.mean_wait(lam, mu, c)


def test_no_arrivals_means_no_wait():
    assert queueing.erlang_c(0.0, 1.0, 3) == 0.0
    assert queueing.mean_wait(0.0, 1.0, 3) == 0.0


def test_stationary_distribution_mm1_is_geometric_and_matches_erlang_c():
    p = queueing.stationary_distribution(0.5, 1.0, 1)
    assert sum(p) == pytest.approx(1.0)
    assert p[:3] == pytest.approx([0.5, 0.25, 0.125])
    # P(all c busy) = Erlang C for M/M/c
    p = queueing.stationary_distribution(2.0, 1.0, 3)
    assert sum(p[3:]) == pytest.approx(4 / 9, rel=1e-9)
    lq = sum((n - 3) * q for n, q in enumerate(p) if n > 3)
    assert lq == pytest.approx(queueing.mean_queue_length(2.0, 1.0, 3), rel=1e-9)


def test_many_servers_do_not_overflow():
    c = queueing.erlang_c(0.97 * 500, 1.0, 500)
    assert 0 < c < 1 and math.isfinite(c)
    assert sum(queueing.stationary_distribution(0.97 * 500, 1.0, 500)) == pytest.approx(1.0)
