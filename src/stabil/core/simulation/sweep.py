"""Sweeps over many scenarios: every combination of measures, run here or on a Dask cluster.

Used by ``tests/core/test_simulation_sweep.py`` and ``bench/simulation_bench.py``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from .engine import simulate
from .scenario import MEASURE_LABELS_SV, Measure, Scenario


def measure_combinations(base: Scenario, measures: Sequence[Measure]) -> list[Scenario]:
    """Return one scenario per subset of ``measures`` (2^n, the empty set first), named by their labels."""
    out = []
    n = len(measures)
    for mask in range(2**n):
        chosen = tuple(m for i, m in enumerate(measures) if mask >> i & 1)
        label = " + ".join(m.label or MEASURE_LABELS_SV[m.kind] for m in chosen) or "utan åtgärder"
        out.append(replace(base, name=f"{base.name}: {label}", measures=chosen))
    return out


def summarise(scenario: Scenario, runs: int, seed: int, months: int | None = None) -> dict[str, Any]:
    """Run one scenario and return only its summary (small enough to send back from a Dask worker)."""
    return simulate(scenario, runs=runs, seed=seed, months=months).summary()


def sweep(scenarios: Sequence[Scenario], *, runs: int = 1000, seed: int = 0, months: int | None = None,
          client: Any = None, progress: Callable[[float], None] | None = None) -> list[dict[str, Any]]:
    """Run many scenarios (every scenario with the same seed, so they share random numbers) and return
    their summaries in order. With a ``dask.distributed`` client the scenarios run on its workers;
    without one they run one after another here."""
    if client is not None:
        futures = client.map(summarise, list(scenarios), runs=runs, seed=seed, months=months, pure=False)
        results = []
        for i, future in enumerate(futures):
            results.append(future.result())
            if progress:
                progress((i + 1) / len(futures))
        return results
    results = []
    for i, sc in enumerate(scenarios):
        results.append(summarise(sc, runs, seed, months))
        if progress:
            progress((i + 1) / len(scenarios))
    return results


def dask_available() -> bool:
    """Return whether the optional Dask extra (dask.distributed) is installed (found, not imported)."""
    return importlib.util.find_spec("distributed") is not None
