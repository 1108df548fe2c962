"""The API's reads beyond the deadline feed (issue 14): egenkontroll, workload, KPIs, statistics — each behind
its scope, limited to the client's units, public figures unless the client may read exact ones."""

from __future__ import annotations

import pytest

from stabil.audit.models import AccessRecord

from .conftest import Api, make_client
from .test_api import TODAY, _day, _store, event

pytestmark = pytest.mark.django_db

YEAR = TODAY.year
PERIOD = {"from": f"{YEAR - 1}-01-01", "to": f"{YEAR}-12-31"}


@pytest.fixture
def stored(org):
    _store(org, [event("KA-1", "UA", on=_day(-40)), event("KB-1", "UB", on=_day(-40))])
    return org


@pytest.mark.parametrize("path,scope,params", [
    ("/api/v1/egenkontroll/", "deadlines:read", PERIOD),
    ("/api/v1/workload/", "workload:read", {}),
    ("/api/v1/kpi/", "kpi:read", PERIOD),
    ("/api/v1/statistics/", "statistics:read", {"years": f"{YEAR - 1}-{YEAR}"}),
])
def test_each_read_needs_its_scope_and_shows_no_other_units_id(stored, path, scope, params):
    _client, without = make_client("Utan", ["events:read"], [stored.unit_a, stored.unit_b])
    refused = Api(without).get(path, params)
    assert refused.status_code == 403 and "KA-1" not in refused.content.decode()
    _client, token = make_client("Med", [scope], [stored.unit_a])
    response = Api(token).get(path, params)
    assert response.status_code == 200, response.content
    assert "KB-1" not in response.content.decode()


def test_egenkontroll_lists_the_breaches_of_the_clients_units(stored):
    _client, token = make_client("Med", ["deadlines:read"], [stored.unit_a])
    data = Api(token).get("/api/v1/egenkontroll/", PERIOD).json()
    assert {b["case_id"] for b in data["breaches"]} == {"KA-1"}
    assert AccessRecord.objects.filter(channel="api", what__startswith="API: egenkontroll").latest("pk").object_ids == [
        "KA-1"]
    assert Api(token).get("/api/v1/egenkontroll/", {"from": "2026-02-01", "to": "2026-01-01"}).status_code == 422
    # Another unit by filter: nothing, not an error.
    data = Api(token).get("/api/v1/egenkontroll/", {**PERIOD, "unit": "UB"}).json()
    assert data["breaches"] == []


def test_kpis_are_public_without_statistics_exact(stored):
    _client, public = make_client("Offentlig", ["kpi:read"], [stored.unit_a])
    rows = Api(public).get("/api/v1/kpi/", PERIOD).json()
    assert rows and all(row["numerator"] is None and row["denominator"] is None for row in rows)
    _client, exact = make_client("Exakt", ["kpi:read", "statistics:exact"], [stored.unit_a])
    rows = Api(exact).get("/api/v1/kpi/", PERIOD).json()
    assert any(row["denominator"] is not None for row in rows)


def test_statistics_public_or_exact_by_scope(stored):
    _client, public = make_client("Offentlig", ["statistics:read"], [stored.unit_a])
    assert Api(public).get("/api/v1/statistics/", {"years": f"{YEAR - 1}-{YEAR}"}).json()["public"] is True
    _client, exact = make_client("Exakt", ["statistics:read", "statistics:exact"], [stored.unit_a])
    assert Api(exact).get("/api/v1/statistics/", {"years": f"{YEAR - 1}-{YEAR}"}).json()["public"] is False
    assert Api(exact).get("/api/v1/statistics/", {"years": "1200-3000"}).status_code == 422
    assert Api(exact).get("/api/v1/statistics/", {"years": f"{YEAR}", "months": "9-2"}).status_code == 422


def test_scenarios_of_the_clients_units_only(org):
    from stabil.simulation import services as sim
    from tests.simulation.conftest import SMALL_BASE

    for unit, name in ((org.unit_a, "MX-SCEN-A"), (org.unit_b, "MX-SCEN-B")):
        sim.scenario_create(by=None, unit=unit, name=name, on=TODAY, months=6, base=dict(SMALL_BASE))
    _client, token = make_client("Sim", ["scenarios:read"], [org.unit_a])
    rows = Api(token).get("/api/v1/scenarios/").json()
    assert [row["name"] for row in rows] == ["MX-SCEN-A"] and rows[0]["latest_run"] is None
    _client, without = make_client("Utan", ["kpi:read"], [org.unit_a, org.unit_b])
    refused = Api(without).get("/api/v1/scenarios/")
    assert refused.status_code == 403 and "MX-SCEN" not in refused.content.decode()
