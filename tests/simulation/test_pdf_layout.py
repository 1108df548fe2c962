"""The scenario board paper fits A4 (issue 13): no word past a page edge, every column header in the text.

The demo's scenario paper clipped "Avgångar" and lost "Kostnad per procentenhet (kr)" at the right edge.
Scenarios here have names as long as the demo's and measures, so every column has a figure.
"""

from datetime import date

import pytest

from stabil.simulation import services
from stabil.simulation.models import ScenarioMeasure, SimulationRun
from tests import pdfcheck
from tests.conftest import client_for

from .conftest import SMALL_BASE

NAMED_HEADERS = ["Avgångar", "Kostnad per procentenhet (kr)", "Förhandsbedömningar i tid", "Sannolikhet att nå målet"]


#: A unit short of staff, so that hiring raises the share on time and every column has a figure.
SHORT_BASE = {**SMALL_BASE, "reports_per_month": 45.0,
              "staff": [{"count": 3, "experience_years": 5.0}, {"count": 1, "consultant": True}]}


@pytest.fixture
def scenarios(personas):
    made = []
    for name, count in (("Sex tillsvidareanställda socialsekreterare och mentorsprogram", 6),
                        ("Traineeprogram för nyexaminerade socionomer", 4)):
        scenario = services.scenario_create(by=personas.unit_manager, unit=personas.org.unit_a, name=name,
                                            on=date(2025, 1, 15), months=6, base=dict(SHORT_BASE))
        ScenarioMeasure.objects.create(scenario=scenario, kind="hire", start_on=date(2025, 2, 1), count=count,
                                       label="Rekrytering av erfarna handläggare", monthly_cost_sek=310000)
        services.run_execute(run=SimulationRun.objects.create(scenario=scenario, runs=20, seed=1))
        made.append(scenario)
    return made


def test_scenario_paper_fits_a4(personas, scenarios):
    client = client_for(personas.board)
    response = client.get("/simulering/namndunderlag/?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    # The paper's side margins are 15 mm: a table wider than the text column shows there first.
    outside = pdfcheck.words_outside(pdf, side_margin=15 * pdfcheck.MM)
    assert not outside, "words past the page edge: " + ", ".join(f"p{w.page} '{w.text}'" for w in outside[:12])
    page = client.get("/simulering/namndunderlag/").content.decode()
    # Every column has a figure for these scenarios (a column of dashes would fit trivially).
    assert "–</td>" not in page
    headers = pdfcheck.column_headers(page)
    assert set(NAMED_HEADERS) <= set(headers)
    assert not pdfcheck.missing(pdf, headers)
