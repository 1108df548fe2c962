"""Fan charts as inline SVG (no JavaScript): the 95 % and 80 % bands shaded, the median as a line.

Every chart is drawn from the same numbers the page shows in its data table. Numbers on the axis use the
Swedish decimal comma; the SVG has role="img" and a text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f} %"
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f} mn".replace(".", ",")
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f} tn"
    if abs(value) < 10 and value != int(value):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{value:.0f}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * exp >= value:
            return step * exp
    return 10 * exp


def fan_chart(months: Sequence[str], bands: dict[str, Sequence[float | None]], *, label: str,
              percent: bool = False, history: Sequence[float] | None = None,
              history_months: Sequence[str] = ()) -> SafeString:
    """Return an SVG fan chart of monthly bands (keys median, lo80, hi80, lo95, hi95), with optional history."""
    hist = list(history or [])
    n_hist = len(hist)
    n = n_hist + len(months)
    values = [v for k in ("hi95", "median") for v in bands.get(k, []) if v is not None] + hist
    top = 1.0 if percent else _nice_max(max(values, default=1.0) * 1.05)
    bottom = 0.0

    def x(i: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (i / max(n - 1, 1))

    def y(v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (v - bottom) / (top - bottom or 1))

    parts = [f'<svg class="fan" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
             f'xmlns="http://www.w3.org/2000/svg" width="100%" preserveAspectRatio="xMidYMid meet">',
             f"<title>{escape(label)}</title>"]
    for k in range(5):
        v = bottom + (top - bottom) * k / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#d5dbe2"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" fill="#444">'
                     f"{escape(_fmt(v, percent))}</text>")
    all_months = list(history_months) + list(months)
    step = max(1, n // 12)
    for i in range(0, n, step):
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" '
                     f'fill="#444">{escape(all_months[i] if i < len(all_months) else "")}</text>')

    def band(lo_key: str, hi_key: str, fill: str, opacity: str) -> None:
        lo, hi = bands.get(lo_key, []), bands.get(hi_key, [])
        pts = [(n_hist + i, h) for i, h in enumerate(hi) if h is not None]
        pts_lo = [(n_hist + i, v) for i, v in enumerate(lo) if v is not None]
        if not pts or not pts_lo:
            return
        coords = [f"{x(i):.1f},{y(v):.1f}" for i, v in pts] + [f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(pts_lo)]
        parts.append(f'<polygon points="{" ".join(coords)}" fill="{fill}" fill-opacity="{opacity}"/>')

    band("lo95", "hi95", "#2f6fb0", "0.18")
    band("lo80", "hi80", "#2f6fb0", "0.32")
    med = [(n_hist + i, v) for i, v in enumerate(bands.get("median", [])) if v is not None]
    if med:
        parts.append('<polyline fill="none" stroke="#173f6b" stroke-width="2.2" points="'
                     + " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in med) + '"/>')
    if hist:
        parts.append('<polyline fill="none" stroke="#333" stroke-width="1.6" stroke-dasharray="4 3" points="'
                     + " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(hist)) + '"/>')
    parts.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#666"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
