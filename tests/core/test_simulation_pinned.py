"""The simulation's results pinned: the same scenario, seed and runs give exactly these numbers.

The expectations below were computed with the single-module ``core/simulation.py`` before it became the
package ``core/simulation/`` (issue 12), so that the refactor could not change a single random draw or sum
without a test failing. They are not hand-computed (nothing about a stochastic model's exact draws is):
what they pin is that refactoring the code keeps its behaviour. The scenarios are chosen to reach every
path of the engine: every kind of measure, staff with supervisees, trainees and consultants, vacancies,
open cases of every phase at many ages, long queues (the FIFO look-up's binary search beyond its short
window), long geometric phases (the sparse scheduling paths), an M/M/c start from given counts, the
baseline run on common random numbers, a forecast inflow and the municipality's non-default deadline rules.

Each result is reduced to a SHA-256 digest of every array it holds (monthly outputs, phase statistics,
met and completed, and the baseline's) plus a few readable totals that say where a difference lies. If a
NumPy upgrade changes its random streams (NumPy does not promise stable streams across versions), every
digest changes at once: recompute them with ``_fingerprint`` and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import numpy as np
import pytest

from stabil.core import simulation as sim
from stabil.core.deadlines import DeadlineConfig

START = date(2025, 1, 1)


def busy_unit() -> sim.Scenario:
    """An understaffed unit with every kind of measure, so queues form and every staff rule acts."""
    return sim.Scenario(
        name="Belastad enhet", start_on=START, reports_per_month=140.0, annual_growth=0.25, months=15,
        staff=(
            sim.StaffGroup(count=9, experience_years=6.0),
            sim.StaffGroup(count=2, experience_years=0.5, fte=0.8),
            sim.StaffGroup(count=1, experience_years=12.0, supervisees=6),
            sim.StaffGroup(count=1, experience_years=0.0, trainee=True),
            sim.StaffGroup(count=2, experience_years=1.5, consultant=True),
        ),
        vacancies=3, consultant_cap=4, start_absence_share=0.11, caseload_cap_per_fte=14.0,
        open_allocated={"preliminary_assessment": (1, 3, 8), "investigation": tuple(range(0, 130, 3)),
                        "follow_up": tuple(range(0, 390, 4))},
        open_unallocated={"preliminary_assessment": (0, 2, 20), "investigation": (5, 15, 40, 90, 150)},
        measures=(
            sim.Measure("hire", date(2025, 3, 10), count=3, experienced=True, cost_sek=90_000.0),
            sim.Measure("hire", date(2025, 5, 1), count=2, experienced=False),
            sim.Measure("summer_temps", date(2025, 6, 2), count=4, weeks=9),
            sim.Measure("trainees", date(2025, 2, 1), count=3, months=6, conversion_share=0.6),
            sim.Measure("specialists", date(2025, 4, 1), count=2, months=8),
            sim.Measure("admin_support", date(2025, 2, 1), count=1, monthly_cost_sek=1_000.0),
            sim.Measure("pay_rise", date(2025, 7, 1), sek_per_month=1_500.0),
            sim.Measure("retention", date(2025, 1, 1), turnover_factor=0.9, months=10),
            sim.Measure("consultant_cap", date(2025, 9, 1), cap=1.0),
            sim.Measure("caseload_cap", date(2025, 11, 1), cap=12.0, months=2),
            sim.Measure("hire", date(2026, 6, 1), count=5),  # after the horizon: no effect, no cost
        ),
        deadline_config=DeadlineConfig(move_to_working_day=False, protection_assessment_days=1,
                                       first_contact_guarantee=False),
    )


def long_phases() -> sim.Scenario:
    """Few reports and long geometric phases: the sparse scheduling paths and the ring's cap."""
    return sim.Scenario(
        name="Långa faser", start_on=date(2024, 11, 15), reports_per_month=0.0, months=8,
        inflow_forecast=(6.0, 2.0, 0.0, 9.0, 4.0, 3.0, 5.0, 1.0, 7.0),
        staff=(sim.StaffGroup(count=2, experience_years=3.0),),
        sick_leave_share=0.0, consultants_fill_vacancies=False, recruitment_lead_months=0,
        phases=(
            sim.Phase("assessment", mean_days=5.0, shape=1.0, deadline="preliminary_assessment",
                      next_share=0.8, counts_toward_cap=False),
            sim.Phase("investigation", mean_days=300.0, shape=1.0, deadline="investigation", next_share=0.5,
                      work_type="investigation"),
            sim.Phase("follow_up", mean_days=340.0, shape=0.5, hours_per_month=3.0, counts_toward_cap=True),
        ),
        open_allocated={"follow_up": (0, 50, 399)},
    )


def _fingerprint(result: sim.SimulationResult) -> dict:
    """Return the digest of every array of a result (and of its baseline) and a few readable totals."""
    digest = hashlib.sha256()

    def add(array) -> None:
        digest.update(np.ascontiguousarray(np.asarray(array, dtype=float)).tobytes())

    for res in (result, result.baseline) if result.baseline is not None else (result,):
        for key in sim.OUTPUT_KEYS:
            add(res.monthly[key])
        for key, stats in res.phase_stats.items():
            digest.update(key.encode())
            for array in (stats.arrivals, stats.allocated, stats.wait_days_total, stats.queue_days_total,
                          stats.allocated_by_arrival_month, stats.wait_days_by_arrival_month,
                          stats.arrivals_by_month):
                add(array)
            add(res.met[key])
            add(res.completed[key])
    digest.update(json.dumps(result.summary(), sort_keys=True, default=str).encode())
    monthly = result.monthly
    return {
        "digest": digest.hexdigest(),
        "reports": float(monthly["reports"].sum()),
        "unallocated_end": float(monthly["unallocated"][:, -1].sum()),
        "leavers": float(monthly["leavers"].sum()),
        "cost_sek": float(monthly["cost_sek"].sum()),
        "load": round(float(monthly["load"].sum()), 9),
        "completed": {k: int(v.sum()) for k, v in result.completed.items()},
        "met": {k: int(v.sum()) for k, v in result.met.items()},
    }


def _busy():
    seen: list[float] = []
    result = sim.simulate(busy_unit(), runs=12, seed=5, with_baseline=True, progress=seen.append)
    assert len(seen) == 2 * 15 and seen[-1] == 1.0  # progress about once a month, for both halves
    return result


def _mmc():
    servers = 5
    sc = sim.mmc_scenario(load=0.95, servers=servers, mean_days=20.0, months=6)
    n0 = np.arange(50) % 9
    return sim.simulate(sc, runs=50, seed=2,
                        initial_counts={"case": (np.minimum(n0, servers), np.maximum(n0 - servers, 0))})


def _long():
    return sim.simulate(long_phases(), runs=7, seed=9, months=7)


def _overloaded():
    # An M/M/c queue above capacity for 40 months: waiting cases are allocated in batches whose due days
    # straddle the end of the completion ring (more than 1,024 days in).
    return sim.simulate(sim.mmc_scenario(load=1.1, servers=12, mean_days=90.0, months=40), runs=10, seed=4)


PINNED = [
    ("busy unit with every measure, baseline, non-default deadline rules", _busy, {
        "digest": "77cfe6732b549afeb3fb2dde60621247ad8609a12abd47e00d5cb9485b7a2387",
        "reports": 29051.0, "unallocated_end": 10033.0, "leavers": 288.0, "cost_sek": 166745081.12903225,
        "load": 494.04641335,
        "completed": {"preliminary_assessment": 28047, "investigation": 7969, "follow_up": 1371},
        "met": {"preliminary_assessment": 22196, "investigation": 5207, "follow_up": 1371},
    }),
    ("M/M/c from given counts", _mmc, {
        "digest": "15a0c09e834d49dd4637f9d150056fa826926a18defa8e823dbc6f804b762fdf",
        "reports": 2231.0, "unallocated_end": 219.0, "leavers": 0.0, "cost_sek": 67500000.0, "load": 0.0,
        "completed": {"case": 1965}, "met": {"case": 1965},
    }),
    ("long geometric phases, forecast inflow, months overridden", _long, {
        "digest": "107ad130cc0e8be55dc8eeb6ed5d52c83252970050e4939c23424ccc1da17a1a",
        "reports": 187.0, "unallocated_end": 0.0, "leavers": 0.0, "cost_sek": 4410000.0, "load": 18.536699392,
        "completed": {"assessment": 182, "investigation": 38, "follow_up": 21},
        "met": {"assessment": 175, "investigation": 32, "follow_up": 21},
    }),
    ("overloaded queue past the ring's end", _overloaded, {
        "digest": "dcd0cffca0dc7364e9ef634aa516f61c611c93a61259307fab282a836e761346",
        "reports": 1812.0, "unallocated_end": 170.0, "leavers": 0.0, "cost_sek": 216000000.0, "load": 0.0,
        "completed": {"case": 1522}, "met": {"case": 1522},
    }),
]


@pytest.mark.parametrize(("what", "run", "expected"), PINNED, ids=[p[0] for p in PINNED])
def test_results_are_the_ones_pinned_before_the_refactor(what, run, expected):
    assert _fingerprint(run()) == expected, what


def test_a_turnover_calibration_is_pinned():
    # Twelve unit-months whose exits rise with load: the Poisson fit by Newton's method is deterministic.
    observations = [(0.6 + 0.05 * i, 20.0, i // 2) for i in range(12)]
    model, info = sim.calibrate_turnover(observations)
    assert (model.annual_rate_at_reference, model.load_sensitivity, info["load_sensitivity_se"]) == (
        1.030958599721992, 4.342417010711239, 1.235997189584915)
