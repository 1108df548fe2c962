from datetime import date

import pytest

from stabil.core import simulation as core

SMALL_BASE = {
    "name": "Enhet A", "start_on": "2025-01-01", "months": 6, "reports_per_month": 30.0, "annual_growth": 0.1,
    "staff": [{"count": 5, "experience_years": 5.0}, {"count": 1, "consultant": True}],
    "open_allocated": {"investigation": [10, 20, 30]}, "open_unallocated": {"investigation": [5]},
}


@pytest.fixture
def scenario(personas):
    from stabil.simulation import services

    return services.scenario_create(by=personas.unit_manager, unit=personas.org.unit_a, name="Scenario A",
                                    on=date(2025, 1, 15), months=6, base=dict(SMALL_BASE))


@pytest.fixture
def other_scenario(personas):
    from stabil.simulation import services

    return services.scenario_create(by=personas.outsider_manager, unit=personas.org.unit_b, name="Scenario B",
                                    on=date(2025, 1, 15), months=6, base=dict(SMALL_BASE))


__all__ = ["core"]
