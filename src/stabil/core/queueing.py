"""Closed-form results for the M/M/c queue, used to validate the simulation.

An M/M/c queue has Poisson arrivals (rate ``arrival_rate``), exponential service
times (rate ``service_rate`` per server) and ``servers`` identical servers. In
Stabil's terms: reports arrive at random, a case occupies one caseload slot for an
exponential time, and there are ``servers`` slots. Erlang's C formula gives the
probability that an arriving case must wait unallocated and the mean wait.
"""

from __future__ import annotations

import math

__all__ = [
    "erlang_b",
    "erlang_c",
    "mean_queue_length",
    "mean_wait",
    "stationary_distribution",
]


def _check(arrival_rate: float, service_rate: float, servers: int) -> float:
    if servers < 1 or int(servers) != servers:
        raise ValueError("servers must be a positive integer")
    if arrival_rate < 0 or service_rate <= 0:
        raise ValueError("rates must be positive")
    offered = arrival_rate / service_rate
    if offered >= servers:
        raise ValueError("the queue is unstable: arrival_rate >= servers * service_rate")
    return offered


def erlang_b(offered_load: float, servers: int) -> float:
    """Return Erlang's B (blocking) probability, computed by the stable recursion."""
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Return the probability that an arrival has to wait (Erlang's C formula).

    C = B / (1 - rho * (1 - B)) with B Erlang's B and rho = arrival_rate / (servers * service_rate).
    """
    offered = _check(arrival_rate, service_rate, servers)
    if offered == 0:
        return 0.0
    b = erlang_b(offered, servers)
    rho = offered / servers
    return b / (1.0 - rho * (1.0 - b))


def mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Return the mean wait before service, Wq = C / (servers * service_rate - arrival_rate)."""
    c = erlang_c(arrival_rate, service_rate, servers)
    return c / (servers * service_rate - arrival_rate)


def mean_queue_length(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Return the mean number waiting, Lq = arrival_rate * Wq (Little's law)."""
    return arrival_rate * mean_wait(arrival_rate, service_rate, servers)


def stationary_distribution(
    arrival_rate: float, service_rate: float, servers: int, *, tail: float = 1e-12
) -> list[float]:
    """Return P(N = n) for n = 0, 1, ... of the number in system, truncated where the tail is below ``tail``.

    Used to start simulation runs in the steady state, so no warm-up period biases the estimate.
    """
    offered = _check(arrival_rate, service_rate, servers)
    rho = offered / servers
    # Unnormalised weights, computed in log space to avoid overflow for many servers.
    log_w = []
    for n in range(servers + 1):
        log_w.append(n * math.log(offered) - math.lgamma(n + 1) if offered > 0 else (0.0 if n == 0 else -math.inf))
    n = servers
    probs_tail_ratio = rho
    max_n = servers + (int(math.log(tail) / math.log(rho)) + 1 if 0 < rho < 1 else 0)
    for n in range(servers + 1, max_n + 1):
        log_w.append(log_w[servers] + (n - servers) * math.log(probs_tail_ratio))
    top = max(log_w)
    w = [math.exp(v - top) for v in log_w]
    total = sum(w)
    return [v / total for v in w]
