"""The scenario board paper explains itself (issue 13): no pointer to the documentation, the figures, the
uncertainty band and the assumptions said in the paper, in Swedish and English, and each scenario's period."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from stabil.simulation import services
from stabil.simulation.models import ScenarioMeasure, SimulationRun
from tests.conftest import client_for

SWEDISH = ["Så läser du underlaget", "Osäkerheten", "Antaganden", "Det mörka bandet visar var 80 %",
           "Personalkostnaden med arbetsgivaravgifter", "inom fyra månader", "Fler slutar när arbetsbelastningen",
           "Ett streck (–) betyder", "Handläggare slutar oftare när belastningen är hög",
           "Mål: andelen utredningar i tid minst 90 % i snitt över de sista 12 månaderna."]
ENGLISH = ["How to read this paper", "Uncertainty", "Assumptions", "The dark band shows where 80 %",
           "Goal: the share of investigations on time at least 90 % on average over the last 12 months."]


@pytest.fixture
def run_scenario(scenario):
    ScenarioMeasure.objects.create(scenario=scenario, kind="hire", start_on=date(2025, 2, 1), count=2)
    services.run_execute(run=SimulationRun.objects.create(scenario=scenario, runs=20, seed=1))
    return scenario


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_the_paper_explains_its_figures_without_sending_the_board_elsewhere(personas, run_scenario):
    client = client_for(personas.board)
    page = " ".join(client.get("/simulering/namndunderlag/").content.decode().split())
    pdf = _pdf_text(client.get("/simulering/namndunderlag/?format=pdf").content)
    for text in (page, pdf):
        assert "docs/" not in text and "simulation.md" not in text and "dokumentationen" not in text
        for phrase in SWEDISH:
            assert phrase in text, phrase
        # The scenario's simulated period: SMALL_BASE starts 2025-01-01, six months.
        assert "2025, januari–juni" in text


@pytest.mark.django_db
def test_the_paper_explains_itself_in_english(personas, run_scenario):
    client = client_for(personas.board)
    client.post("/sprak/", {"language": "en", "next": "/"})
    page = " ".join(client.get("/simulering/namndunderlag/").content.decode().split())
    for phrase in ENGLISH:
        assert phrase in page, phrase
    assert "2025, January–June" in page
