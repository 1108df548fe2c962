"""Reads of the feeds area (issue 14): the nightly feeds' runs a user may see, and stored Kolada values."""

from __future__ import annotations

from collections.abc import Sequence

from stabil.accounts.policy import sees_feed
from stabil.jobs import selectors as job_selectors

from .models import KoladaValue

FEED_JOB_KIND = "feed"


def feed_runs_for(user, limit: int = 200) -> list:
    """Return the latest feed jobs whose source ``user`` may see (``accounts.policy.sees_feed``), newest first."""
    return [job for job in job_selectors.jobs_of_kind(FEED_JOB_KIND, limit)
            if sees_feed(user, (job.params or {}).get("unit_ids") or [])]


def kolada_values(*, kpis: Sequence[str], municipalities: Sequence[str], year: int,
                  gender: str = "T") -> dict[tuple[str, str], float | None]:
    """Return the stored Kolada values {(kpi, municipality): value} of one year and gender (public figures)."""
    rows = KoladaValue.objects.filter(kpi__in=list(kpis), municipality__in=list(municipalities), period=year,
                                      gender=gender).values_list("kpi", "municipality", "value")
    return {(kpi, municipality): value for kpi, municipality, value in rows}


def kolada_years() -> list[int]:
    """Return the years of which some Kolada value is stored, latest first."""
    return sorted(set(KoladaValue.objects.values_list("period", flat=True)), reverse=True)
