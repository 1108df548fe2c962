"""Kolada's JSON (issue 14, docs/feeds.md): reading the v3 API's data response and writing Stabil's KPIs in
the same shape. No Django here.

The v3 API answers ``GET /v3/data/kpi/{kpi}/municipality/{ids}/year/{years}`` with::

    {"total_count": 2,
     "values": [{"kpi": "N00945", "municipality": "1280", "period": 2023,
                 "values": [{"gender": "T", "count": 1, "status": "", "value": 61.3},
                            {"gender": "K", "count": 1, "status": "", "value": 64.0}]}],
     "next_url": null, "previous_url": null}

``gender`` is T (total), K (women) or M (men); ``value`` is a number or null (no value); ``count`` how many
observations the value rests on; ``status`` a note (empty as a rule). ``parse_response`` checks every item and
raises ``KoladaError`` with every problem, each named by its place (``values[3].values[1].gender``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

GENDERS = ("T", "K", "M")
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
MAX_PROBLEMS = 200
KPI_ID = re.compile(r"^[A-Za-z0-9_]{1,16}$")
MUNICIPALITY_ID = re.compile(r"^[0-9]{4}$")
SOURCE_LABEL = "Källa: Kolada"


class KoladaError(ValueError):
    """A Kolada file or setting cannot be used; ``problems`` are Swedish, each naming its place."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems[:5]) + (f" … och {len(problems) - 5} fel till" if len(problems) > 5 else ""))


@dataclass(frozen=True)
class KoladaRow:
    kpi: str
    municipality: str
    period: int
    gender: str
    value: float | None
    count: int | None
    status: str


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_response(data: bytes, *, name: str) -> list[KoladaRow]:
    """Parse a v3 data response (the bytes of a file or of the API's answer) into rows, all or nothing."""
    if len(data) > MAX_RESPONSE_BYTES:
        raise KoladaError([f"{name}: filen är större än {MAX_RESPONSE_BYTES // (1024 * 1024)} MB"])
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise KoladaError([f"{name}: filen är inte UTF-8-text"]) from None
    except (ValueError, RecursionError) as exc:
        where = f", rad {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise KoladaError([f"{name}{where}: filen är inte giltig JSON"]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("values"), list):
        raise KoladaError([f"{name}: svaret ska vara ett objekt med listan values (Koladas v3-format)"])
    rows: list[KoladaRow] = []
    problems: list[str] = []
    seen: set[tuple] = set()

    def problem(text: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(f"{name}: {text}")

    for i, item in enumerate(doc["values"]):
        place = f"values[{i}]"
        if not isinstance(item, dict):
            problem(f"{place} ska vara ett objekt")
            continue
        kpi, municipality, period = item.get("kpi"), item.get("municipality"), item.get("period")
        ok = True
        if not isinstance(kpi, str) or not KPI_ID.match(kpi):
            problem(f"{place}.kpi ska vara ett nyckeltals-id som N00945")
            ok = False
        if not isinstance(municipality, str) or not MUNICIPALITY_ID.match(municipality):
            problem(f"{place}.municipality ska vara en kommunkod med fyra siffror, som \"0180\"")
            ok = False
        if not isinstance(period, int) or isinstance(period, bool) or not 1900 <= period <= 2200:
            problem(f"{place}.period ska vara ett år, som 2024")
            ok = False
        values = item.get("values")
        if not isinstance(values, list):
            problem(f"{place}.values ska vara en lista")
            continue
        for j, entry in enumerate(values):
            at = f"{place}.values[{j}]"
            if not isinstance(entry, dict):
                problem(f"{at} ska vara ett objekt")
                continue
            gender, value, count = entry.get("gender"), entry.get("value"), entry.get("count")
            status = entry.get("status") or ""
            if gender not in GENDERS:
                problem(f"{at}.gender ska vara T, K eller M")
                continue
            if value is not None and not _number(value):
                problem(f"{at}.value ska vara ett tal eller null")
                continue
            if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
                problem(f"{at}.count ska vara ett heltal, 0 eller mer")
                continue
            if not isinstance(status, str) or len(status) > 32:
                problem(f"{at}.status ska vara en kort text")
                continue
            if not ok:
                continue
            key = (kpi, municipality, period, gender)
            if key in seen:
                problem(f"{at}: {kpi} för {municipality} år {period} ({gender}) finns två gånger")
                continue
            seen.add(key)
            rows.append(KoladaRow(kpi, municipality, period, gender, None if value is None else float(value),
                                  count, status))
    if problems:
        raise KoladaError(problems)
    return rows


def parse_kpi_map(text: str) -> dict[str, str]:
    """Parse ``STABIL_KOLADA_KPIS`` ("stabil_code=N12345, ..."): Stabil's KPI code -> Kolada's KPI id."""
    mapping: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        code, sep, kolada_id = (s.strip() for s in part.partition("="))
        if not sep or not code or not KPI_ID.match(kolada_id):
            raise KoladaError([(f"STABIL_KOLADA_KPIS: '{part}' ska skrivas STABIL-KOD=KOLADA-ID, som "
                                "investigation_within_4_months=N00000")])
        mapping[code] = kolada_id
    return mapping


def parse_municipalities(text: str) -> list[str]:
    """Parse a list of municipality codes ("0180, 1280"); raise ``KoladaError`` for anything else."""
    codes = [c.strip() for c in text.split(",") if c.strip()]
    bad = [c for c in codes if not MUNICIPALITY_ID.match(c)]
    if bad:
        raise KoladaError([f"'{c[:20]}' är ingen kommunkod med fyra siffror" for c in bad])
    return list(dict.fromkeys(codes))


def export_document(*, municipality: str, year: int, values: Iterable[tuple[str, float | None, int | None]]) -> dict:
    """Return Stabil's KPIs for ``year`` as a v3 data response: one item per KPI (Kolada id or Stabil's code),
    gender T; a value that is not published (no value, or suppressed) is null with a null count."""
    items = [{"kpi": kpi, "municipality": municipality, "period": year,
              "values": [{"gender": "T", "count": count if value is not None else None, "status": "",
                          "value": None if value is None else round(value, 2)}]}
             for kpi, value, count in values]
    return {"total_count": len(items), "values": items, "next_url": None, "previous_url": None}
