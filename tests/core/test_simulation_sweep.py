"""Scenario sweeps: every combination of measures, serially and on a local Dask cluster (same answers)."""

from datetime import date

from stabil.core import simulation as sim

BASE = sim.Scenario(
    name="Enhet", start_on=date(2025, 1, 1), reports_per_month=60.0, annual_growth=0.2, months=6,
    staff=(sim.StaffGroup(count=8, experience_years=6), sim.StaffGroup(count=2, consultant=True)),
)
MEASURES = (
    sim.Measure("hire", date(2025, 2, 1), count=3, label="tre erfarna"),
    sim.Measure("admin_support", date(2025, 2, 1), count=1, label="administratör"),
)


def test_every_combination_of_measures():
    scenarios = sim.measure_combinations(BASE, MEASURES)
    assert [len(s.measures) for s in scenarios] == [0, 1, 1, 2]
    assert scenarios[0].name == "Enhet: utan åtgärder"
    assert scenarios[3].name == "Enhet: tre erfarna + administratör"


def test_serial_sweep_reports_progress_and_summaries():
    seen = []
    out = sim.sweep(sim.measure_combinations(BASE, MEASURES), runs=20, seed=4, progress=seen.append)
    assert len(out) == 4 and seen[-1] == 1.0
    assert out[3]["total_cost_sek"]["median"] > out[0]["total_cost_sek"]["median"]


def test_dask_local_cluster_gives_the_same_answers_as_serial():
    # dask[distributed] is a declared test dependency (pyproject: test extra)
    assert sim.dask_available()
    from distributed import Client, LocalCluster

    scenarios = sim.measure_combinations(BASE, MEASURES)
    serial = sim.sweep(scenarios, runs=20, seed=4)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        distributed = sim.sweep(scenarios, runs=20, seed=4, client=client)
    assert distributed == serial
