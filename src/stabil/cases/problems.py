"""The Swedish words for the case-event row problems of ``stabil.core.events`` (the edge of the pure checks).

The core says what is wrong as a code and the values it quotes; ``text`` words it here, wrapped for
translation, for the file import (``importers``), the forms and the services alike.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stabil.common.parsing import date_problem, id_problem
from stabil.core import events
from stabil.core.caseflow import INTERVENTION_KINDS, OUTCOMES
from stabil.core.events import PROBLEM_CODES, Problem

from .labels import EVENT_LABELS, INTERVENTION_LABELS, OUTCOME_LABELS

# Codes worded by the shared date rule (``common.parsing.date_problem`` of the value ``text``).
_DATE_CODES = frozenset({"date_invalid", "until_invalid", "birth_date_invalid"})
# Codes worded as "<prefix>: <the shared id rule's message>" (``common.parsing.id_problem``).
_ID_PREFIXES = {
    "staff_id_invalid": gettext_lazy("personal-id: %(problem)s"),
    "case_id_invalid": gettext_lazy("ärende-id: %(problem)s"),
    "child_id_invalid": gettext_lazy("barn-id: %(problem)s"),
    "unit_invalid": gettext_lazy("enhetskod: %(problem)s"),
}
MESSAGES = {
    "event_missing": gettext_lazy("händelse saknas"),
    "event_unknown": gettext_lazy("okänd händelse '%(kind)s'; tillåtna: %(allowed)s"),
    "date_missing": gettext_lazy("datum saknas"),
    "date_implausible": gettext_lazy("datumet %(date)s är orimligt"),
    "staff_id_required": gettext_lazy("personal-id krävs för %(kind)s"),
    "outcome_required": gettext_lazy("utfall krävs för %(kind)s: %(allowed)s"),
    "outcome_unknown": gettext_lazy("okänt utfall '%(outcome)s' för %(kind)s; tillåtna: %(allowed)s"),
    "outcome_unused": gettext_lazy("utfall används inte för %(kind)s (bara för %(decided)s och %(closed)s)"),
    "until_required": gettext_lazy("nytt slutdatum (until) krävs för %(kind)s"),
    "until_not_after": gettext_lazy("nytt slutdatum %(until)s måste vara efter beslutsdagen %(date)s"),
    "reason_required": gettext_lazy("en förlängning kräver ett särskilt skäl (reason)"),
    "until_unused": gettext_lazy("until används bara för %(extended)s, inte för %(kind)s"),
    "intervention_required": gettext_lazy("insats krävs för %(kind)s: %(allowed)s"),
    "intervention_unknown": gettext_lazy("okänd insats '%(intervention)s'; tillåtna: %(allowed)s"),
    "review_not_placement": gettext_lazy("övervägande gäller bara placeringar, inte öppenvård (outpatient)"),
    "intervention_unused": gettext_lazy("insats används inte för %(kind)s"),
    "reason_too_long": gettext_lazy("skälet är längre än %(count)d tecken"),
    "case_id_missing": gettext_lazy("ärende-id saknas"),
    "child_id_personnummer": gettext_lazy("barn-id ser ut som ett personnummer; använd ett pseudonymt id"),
    "category_unknown": gettext_lazy("okänd kategori '%(category)s'; tillåtna: %(allowed)s"),
    "event_before_birth": gettext_lazy("händelsen %(date)s är före barnets födelsedatum %(birth)s"),
    "child_birth_conflict": gettext_lazy("barnet %(child)s har födelsedatum %(seen)s på rad %(row)d, här %(birth)s"),
    "case_conflict": gettext_lazy("ärendet %(case)s har %(column)s '%(seen)s' på rad %(row)d, här '%(value)s'"),
}


def _kind_text(kind: str) -> str:
    """An event kind by its Swedish name with the file's code: "Förhandsbedömning beslutad (preliminary_decided)"."""
    return f"{EVENT_LABELS[kind]} ({kind})" if kind in EVENT_LABELS else kind


def _interventions_text() -> str:
    """The intervention kinds by name and code: "Öppenvård (outpatient), Jourhem (emergency_foster_home), …"."""
    return ", ".join(f"{INTERVENTION_LABELS[value]} ({value})" for value in INTERVENTION_KINDS)


def _outcomes_text(kind: str) -> str:
    """The outcomes an event allows, by name and code, joined with "eller" (issue 13: no bare English codes)."""
    separator = " " + _("eller") + " "
    return separator.join(f"{OUTCOME_LABELS[value]} ({value})" for value in OUTCOMES[kind])


def _worded_values(problem: Problem) -> dict:
    """The values a message quotes, with event kinds, outcomes and interventions by name and code (issue 13)."""
    values = dict(problem.values)
    code = problem.code
    if code in {"staff_id_required", "outcome_required", "outcome_unknown", "outcome_unused", "until_unused"}:
        values["kind"] = _kind_text(values["kind"])
    if code in {"outcome_required", "outcome_unknown"} and problem.values["kind"] in OUTCOMES:
        values["allowed"] = _outcomes_text(problem.values["kind"])
    if code == "outcome_unused":
        values.update(decided=_kind_text("preliminary_decided"), closed=_kind_text("investigation_closed"))
    if code == "until_required":
        values["kind"] = _kind_text("investigation_extended")
    if code == "until_unused":
        values["extended"] = _kind_text("investigation_extended")
    if code == "intervention_required":
        values["kind"] = _kind_text("intervention_started")
    if code in {"intervention_required", "intervention_unknown"}:
        values["allowed"] = _interventions_text()
    return values


def text(problem: Problem) -> str:
    """Return the message of ``problem`` in the active language (Swedish by default)."""
    values = _worded_values(problem)
    if problem.code in _DATE_CODES:
        return date_problem(values["text"])
    prefix = _ID_PREFIXES.get(problem.code)
    if prefix is not None:
        return str(prefix) % {"problem": id_problem(values["value"], max_length=values["max_length"])}
    message = MESSAGES[problem.code]
    return str(message) % values if values else str(message)


def field_problems(problems: list[Problem]) -> list[tuple[str, str]]:
    """Return [(column, message)] for ``problems`` (the form's and the service's shape)."""
    return [(problem.column, text(problem)) for problem in problems]


def check_worded() -> set[str]:
    """Return the codes of ``core.events.PROBLEM_CODES`` this module cannot word (empty: all worded)."""
    return set(PROBLEM_CODES) - set(MESSAGES) - set(_ID_PREFIXES) - _DATE_CODES


def check_event_fields(kind: str, on_text: str, staff_id: str, outcome: str, until_text: str, intervention: str,
                       reason: str, ignored: list[str] | None = None) -> tuple[tuple | None, list[tuple[str, str]]]:
    """``core.events.check_event_fields`` with its problems worded: (parsed tuple or None, [(column, message)])."""
    parsed, found = events.check_event_fields(kind, on_text, staff_id, outcome, until_text, intervention, reason,
                                              ignored=ignored)
    return parsed, field_problems(found)
