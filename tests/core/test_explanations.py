"""Explanations as parts (issue 13): core returns codes and values, the edge translates them."""

import datetime as dt
import pickle

import pytest

from stabil.core.caseflow import Event, case_state
from stabil.core.explanations import TEXTS, Explanation, moved, part, render

D = dt.date


@pytest.mark.parametrize(("parts", "swedish"), [
    ([part("preliminary", report=D(2026, 1, 2), raw=D(2026, 1, 16), moved=None)],
     "Anmälan 2026-01-02 + 14 dagar = 2026-01-16."),
    ([part("preliminary", report=D(2025, 12, 13), raw=D(2025, 12, 27), moved=moved(D(2025, 12, 27), D(2025, 12, 29))),
      part("decided_by_opening")],
     "Anmälan 2025-12-13 + 14 dagar = 2025-12-27 (2025-12-27 är inte en arbetsdag; flyttad till 2025-12-29, "
     "lag (1930:173) 2 §). (beslut att inleda utredning)"),
    ([part("care_plan", intervention="foster_home", started=D(2026, 3, 1))],
     "Placering (familjehem) 2026-03-01; vårdplan senast placeringsdagen."),
    ([part("protection_days", report=D(2026, 3, 2), days=2, raw=D(2026, 3, 4), moved=None)],
     "Anmälan 2026-03-02; skyddsbedömning genast + 2 dagar, senast 2026-03-04."),
])
def test_parts_render_in_swedish_by_default(parts, swedish):
    assert render(parts) == swedish == Explanation(parts)


def test_every_text_is_translated_through_the_function_given():
    seen = []
    text = render([part("care_plan", intervention="residential", started=D(2026, 3, 1))],
                  lambda msgid: seen.append(msgid) or f"<{msgid}>")
    assert seen == ["HVB", TEXTS["care_plan"]] and text.startswith("<Placering (<HVB>) 2026-03-01")


def test_an_explanation_reads_as_the_swedish_text_and_keeps_its_parts_through_pickling():
    state = case_state([Event("report_received", D(2026, 1, 2)), Event("investigation_opened", D(2026, 1, 5))],
                       D(2026, 2, 1))
    why = next(d.why for d in state.deadlines if d.kind == "investigation")
    assert why == "Utredning inledd 2026-01-05 + 4 månader = 2026-05-05." == str(why)
    assert "+ 4 månader" in why and why
    assert [p.code for p in why.parts] == ["investigation"]
    assert pickle.loads(pickle.dumps(why)).parts == why.parts


def test_an_unknown_text_code_is_refused():
    with pytest.raises(KeyError):
        part("no_such_text")
