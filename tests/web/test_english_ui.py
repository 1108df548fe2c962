"""The English UI is complete (issue 13): key pages, rendered in English for the roles that use them, show no
Swedish text that Stabil controls. Swedish words may appear only in data (names of units, boards, risks,
what the access log recorded) and in the citations of laws and reports, which keep their Swedish titles."""

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry

from stabil.audit.models import AccessRecord
from stabil.core import kpi as core_kpi
from stabil.governance.models import Board, Goal, Kpi, Perspective, Risk, Scorecard
from stabil.organisation.models import Administration, Department, Municipality, Team, Unit
from tests.conftest import client_for
from tests.governance.conftest import add_case, governance_data  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

SWEDISH_WORD = re.compile(r"[\w-]*[åäöÅÄÖ][\w-]*")

PAGES = {
    "caseworker": ["/arenden/mina/", "/arenden/"],
    "unit_manager": ["/arenden/arende/{case}/", "/arenden/egenkontroll/", "/arbetsbelastning/", "/styrning/",
                     "/styrning/matetal/?first_day=2026-01-01&last_day=2026-06-30", "/personal/"],
    "hr": ["/personal/", "/personal/omsattning/", "/personal/sjukfranvaro/", "/personal/konsulter/",
           "/personal/behorighet/", "/personal/kompetens/", "/personal/ny/"],
    "board": ["/styrning/namndrapport/", "/styrning/namndrapport/?period=2026-01..2026-06", "/styrning/styrkort/{card}/", "/styrning/risker/", "/styrning/egenkontroll/",
              "/styrning/statistik/", "/simulering/"],
    "sysadmin": ["/", "/granskning/", "/anvandare/", "/organisation/"],
}


def _visible(body: str) -> str:
    body = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", body)
    body = re.sub(r'(?s)<option value="sv" lang="sv">Svenska</option>', " ", body)  # the language's own name
    return re.sub(r"(?s)<[^>]+>", " ", body)


def _data_words() -> set[str]:
    """Swedish words Stabil does not write: the data's names and texts, and the sources' titles."""
    texts = [s.source for s in core_kpi.REGISTRY.values()]
    for model, fields in ((Municipality, ["name"]), (Administration, ["name"]), (Department, ["name"]),
                          (Unit, ["name"]), (Team, ["name"]), (Board, ["name"]), (Scorecard, ["title"]),
                          (Perspective, ["name"]), (Goal, ["text"]), (Kpi, ["name"]), (Risk, ["title"])):
        for values in model.objects.values_list(*fields):
            texts.extend(values)
    texts.extend(AccessRecord.objects.values_list("what", flat=True))
    texts.extend(LogEntry.objects.values_list("object_repr", flat=True))
    return {word for text in texts for word in SWEDISH_WORD.findall(str(text))}


def test_key_pages_in_english_show_no_swedish_text_of_stabils_own(personas, governance_data, add_case, org):  # noqa: F811
    case = add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 2, 2)),
                                         ("investigation_opened", dt.date(2026, 2, 10)),
                                         ("intervention_started", dt.date(2026, 3, 2), "foster_home")])
    found = {}
    for name, urls in PAGES.items():
        client = client_for(personas[name])
        client.post("/sprak/", {"language": "en", "next": "/"})
        for url in urls:
            response = client.get(url.format(case=case.case_id, card=governance_data["card"].pk))
            assert response.status_code == 200, url
            words = set(SWEDISH_WORD.findall(_visible(response.content.decode())))
            if words:
                found[url] = words
    allowed = _data_words()
    assert {url: sorted(words - allowed) for url, words in found.items() if words - allowed} == {}
