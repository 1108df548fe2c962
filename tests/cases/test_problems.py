"""Every problem code of the pure row checks (core.events) has Swedish words at the edge (cases.problems)."""

import pytest
from django.utils import translation

from stabil.cases import problems
from stabil.core.events import PROBLEM_CODES, Problem

SAMPLE_VALUES = {"kind": "first_contact", "allowed": "a, b", "text": "2026-02-30", "date": "2026-06-01",
                 "value": "K 1", "max_length": 64, "outcome": "yes", "until": "2026-05-01", "intervention": "boat",
                 "count": 500, "category": "vuxen", "birth": "2015-03-01", "child": "B1", "seen": "x", "row": 2,
                 "case": "K1", "column": "category"}


def test_every_code_is_worded():
    assert problems.check_worded() == set()


def test_the_wording_check_can_fail(monkeypatch):
    monkeypatch.setitem(PROBLEM_CODES, "made_up", ())
    assert problems.check_worded() == {"made_up"}


@pytest.mark.parametrize("code", sorted(PROBLEM_CODES))
@pytest.mark.parametrize("language", ["sv", "en"])
def test_each_code_has_a_message(code, language):
    problem = Problem("x", code, tuple((name, SAMPLE_VALUES[name]) for name in PROBLEM_CODES[code]))
    with translation.override(language):
        message = problems.text(problem)
    assert message and "%(" not in message
