"""The computed KPIs on /styrning/matetal/ in the reader's language (issue 13).

The Swedish page showed every definition in English (core's text), counts with a decimal ("Täljare 1 577,0")
and a consultant cost with a "Nämnare" (consultant FTE) that means nothing beside a sum in kronor.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from stabil.core import kpi as core_kpi
from stabil.governance import kpi_texts
from tests.conftest import client_for

URL = reverse("governance:kpis") + "?first_day=2026-01-01&last_day=2026-06-30"


def test_every_computed_kpi_has_a_swedish_name_definition_and_an_english_one_equal_to_cores():
    assert set(kpi_texts.LABELS) == set(kpi_texts.DEFINITIONS) == set(core_kpi.REGISTRY)
    for code, core in core_kpi.REGISTRY.items():
        with translation.override("sv"):
            swedish, swedish_label = kpi_texts.definition(code), kpi_texts.label(code)
            assert swedish != core.definition and " the " not in swedish, code
        with translation.override("en"):
            english = kpi_texts.definition(code)
            # The English page shows core's own definition (for a sum in kronor without its denominator).
            assert core.definition.startswith(english.removesuffix(" summed over the consultants.")), code
            assert kpi_texts.label(code) != swedish_label, code


def _rows(body: str) -> dict[str, list[str]]:
    rows = {}
    for name, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', body, re.DOTALL):
        rows[name] = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells,
                                                                                   re.DOTALL)]
    return rows


@pytest.mark.django_db
def test_the_swedish_page_shows_swedish_definitions_and_counts_as_people_read_them(personas, add_case, org):
    for number in range(3):
        add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 2, 2)),
                                      ("preliminary_decided", dt.date(2026, 2, 5 + 10 * number), "",
                                       "no_investigation")])
    body = client_for(personas.unit_manager).get(URL + "&unit=UA").content.decode()
    rows = _rows(body)
    value, numerator, denominator, definition = rows["Förhandsbedömningar inom 14 dagar"]
    assert (numerator, denominator) == ("2", "3")  # not "2,0" and "3,0"
    assert definition.startswith("Förhandsbedömningar vars frist") and "Numerator" not in body
    assert "Local service guarantee" not in body and "Lokal tjänstegaranti" in body
    # A sum in kronor has no numerator or denominator.
    cost = rows["Kostnad för inhyrda konsulter"]
    assert cost[1:3] == ["–", "–"] and 'title="Ett belopp, ingen kvot"' in body


@pytest.mark.django_db
def test_the_english_page_shows_the_english_names_and_definitions(personas):
    client = client_for(personas.unit_manager)
    client.post("/sprak/", {"language": "en", "next": "/"})
    body = client.get(URL).content.decode()
    assert "Preliminary assessments within 14 days" in body
    assert core_kpi.REGISTRY["staff_turnover_rate"].definition in body
    assert "Förhandsbedömningar vars frist" not in body and "Personalomsättning" not in body
