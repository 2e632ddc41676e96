"""Charts as server-side SVG: no JavaScript, no network, readable without CSS.

Each function takes plain rows and returns markup marked safe (every label is escaped here).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

EXPORT_COLOR = "#1f4e8c"
IMPORT_COLOR = "#b3261e"
BALANCE_COLOR = "#222"
MIDWEST_STROKE = "#e0a100"

#: A 12 × 8 tile grid of the US states and DC (column, row).
US_TILES: dict[str, tuple[int, int]] = {
    "AK": (0, 0), "ME": (11, 0),
    "WI": (6, 1), "VT": (10, 1), "NH": (11, 1),
    "WA": (1, 2), "ID": (2, 2), "MT": (3, 2), "ND": (4, 2), "MN": (5, 2), "IL": (6, 2),
    "MI": (7, 2), "NY": (9, 2), "MA": (10, 2),
    "OR": (1, 3), "NV": (2, 3), "WY": (3, 3), "SD": (4, 3), "IA": (5, 3), "IN": (6, 3),
    "OH": (7, 3), "PA": (8, 3), "NJ": (9, 3), "CT": (10, 3), "RI": (11, 3),
    "CA": (1, 4), "UT": (2, 4), "CO": (3, 4), "NE": (4, 4), "MO": (5, 4), "KY": (6, 4),
    "WV": (7, 4), "VA": (8, 4), "MD": (9, 4), "DE": (10, 4),
    "AZ": (2, 5), "NM": (3, 5), "KS": (4, 5), "AR": (5, 5), "TN": (6, 5), "NC": (7, 5),
    "SC": (8, 5), "DC": (9, 5),
    "OK": (4, 6), "LA": (5, 6), "MS": (6, 6), "AL": (7, 6), "GA": (8, 6),
    "HI": (1, 7), "TX": (4, 7), "FL": (9, 7),
}  # fmt: skip


def money_short(value: Decimal | int | float) -> str:
    v = float(value)
    sign = "−" if v < 0 else ""
    v = abs(v)
    for limit, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if v >= limit:
            return f"{sign}${v / limit:,.1f}{suffix}"
    return f"{sign}${v:,.0f}"


@dataclass(frozen=True)
class SeriesPoint:
    label: str
    exports: Decimal
    imports: Decimal

    @property
    def balance(self) -> Decimal:
        return self.exports - self.imports


def series_chart(
    points: Sequence[SeriesPoint],
    *,
    label: str,
    exports_label: str,
    imports_label: str,
    balance_label: str,
) -> SafeString:
    """Exports as columns above the axis, imports below, the balance as a line."""
    width, height, left, top, bottom = 760, 280, 64, 16, 40
    plot_h = height - top - bottom
    peak = max([p.exports for p in points] + [p.imports for p in points] + [Decimal(1)])
    scale = float(plot_h / 2) / float(peak)
    mid = top + plot_h / 2
    n = max(len(points), 1)
    step = (width - left - 10) / n
    bar = max(step * 0.7, 1)
    parts = [
        f'<svg class="chart series" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{left}" x2="{width - 10}" y1="{mid:.1f}" y2="{mid:.1f}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="11">'
        f"{escape(money_short(peak))}</text>",
        f'<text x="{left - 6}" y="{mid + 4:.1f}" text-anchor="end" font-size="11">0</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" font-size="11">'
        f"−{escape(money_short(peak))}</text>",
    ]
    line: list[str] = []
    every = max(1, n // 12)
    for i, p in enumerate(points):
        x = left + i * step + (step - bar) / 2
        he, hi = float(p.exports) * scale, float(p.imports) * scale
        tip = escape(
            f"{p.label}: {exports_label} {money_short(p.exports)}, {imports_label} "
            f"{money_short(p.imports)}, {balance_label} {money_short(p.balance)}"
        )
        parts.append(
            f"<g><title>{tip}</title>"
            f'<rect x="{x:.1f}" y="{mid - he:.1f}" width="{bar:.1f}" height="{he:.1f}" fill="{EXPORT_COLOR}"/>'
            f'<rect x="{x:.1f}" y="{mid:.1f}" width="{bar:.1f}" height="{hi:.1f}" fill="{IMPORT_COLOR}"/></g>'
        )
        line.append(f"{x + bar / 2:.1f},{mid - float(p.balance) * scale:.1f}")
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'font-size="10">{escape(p.label)}</text>'
            )
    if line:
        parts.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{BALANCE_COLOR}" '
            'stroke-width="2"/>'
        )
    legend_y = height - 6
    for i, (color, text) in enumerate(
        (
            (EXPORT_COLOR, exports_label),
            (IMPORT_COLOR, imports_label),
            (BALANCE_COLOR, balance_label),
        )
    ):
        x = left + i * 180
        parts.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="{legend_y}" font-size="11">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label escaped above


def tile_map(
    values: dict[str, Decimal],
    *,
    names: dict[str, str],
    midwest: set[str],
    label: str,
    midwest_label: str,
) -> SafeString:
    """The states as a tile grid, shaded by value; Midwest tiles outlined in amber."""
    size, gap = 52, 4
    width, height = 12 * (size + gap) + 4, 8 * (size + gap) + 34
    peak = max([v for v in values.values() if v > 0] + [Decimal(1)])
    parts = [
        f'<svg class="chart tilemap" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for code, (col, row) in US_TILES.items():
        x, y = 2 + col * (size + gap), 2 + row * (size + gap)
        value = values.get(code, Decimal(0))
        share = float(value / peak) if value > 0 else 0.0
        fill = f"rgba(31,78,140,{0.08 + 0.92 * share:.2f})"
        text_fill = "#fff" if share > 0.5 else "#111"
        stroke = (
            f'stroke="{MIDWEST_STROKE}" stroke-width="3"'
            if code in midwest
            else 'stroke="#ccc" stroke-width="1"'
        )
        tip = escape(
            f"{names.get(code, code)}: {money_short(value)}"
            + (f" ({midwest_label})" if code in midwest else "")
        )
        parts.append(
            f'<g class="tile{" midwest" if code in midwest else ""}" data-state="{code}">'
            f"<title>{tip}</title>"
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="4" fill="{fill}" {stroke}/>'
            f'<text x="{x + size / 2}" y="{y + 22}" text-anchor="middle" font-size="13" '
            f'font-weight="600" fill="{text_fill}">{code}</text>'
            f'<text x="{x + size / 2}" y="{y + 40}" text-anchor="middle" font-size="10" '
            f'fill="{text_fill}">{escape(money_short(value)) if value else ""}</text></g>'
        )
    ly = height - 12
    parts.append(
        f'<rect x="4" y="{ly - 11}" width="14" height="14" rx="3" fill="none" '
        f'stroke="{MIDWEST_STROKE}" stroke-width="3"/><text x="24" y="{ly}" font-size="12">'
        f"{escape(midwest_label)}</text></svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every label escaped above


LABEL_UNITS_MAX = 48


def _text_units(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _truncate_units(text: str, limit: int) -> str:
    if _text_units(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        used += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used > limit - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def bar_chart(
    rows: Sequence[tuple[str, Decimal, Decimal]],
    *,
    label: str,
    exports_label: str,
    imports_label: str,
) -> SafeString:
    """Horizontal paired bars (exports, imports) per row label."""
    # Labels are measured in half-width units (a Chinese character counts two), so Chinese
    # chapter names get the room they need instead of being clipped.
    longest = max([_text_units(name) for name, _e, _i in rows] + [10])
    label_units = min(longest, LABEL_UNITS_MAX)
    row_h, left = 30, int(label_units * 6.6) + 16
    width = left + 530
    height = max(len(rows), 1) * row_h + 30
    peak = max([max(e, i) for _l, e, i in rows] + [Decimal(1)])
    scale = float(width - left - 90) / float(peak)
    parts = [
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for i, (name, exp, imp) in enumerate(rows):
        y = 4 + i * row_h
        short = _truncate_units(name, LABEL_UNITS_MAX)
        we, wi = float(exp) * scale, float(imp) * scale
        parts.append(
            f"<g><title>{escape(f'{name}: {exports_label} {money_short(exp)}, {imports_label} {money_short(imp)}')}</title>"
            f'<text x="{left - 6}" y="{y + 17}" text-anchor="end" font-size="12">{escape(short)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{max(we, 0):.1f}" height="11" fill="{EXPORT_COLOR}"/>'
            f'<rect x="{left}" y="{y + 15}" width="{max(wi, 0):.1f}" height="11" fill="{IMPORT_COLOR}"/>'
            f'<text x="{left + max(we, wi, 0) + 6:.1f}" y="{y + 18}" font-size="11">'
            f"{escape(money_short(exp))} / {escape(money_short(imp))}</text></g>"
        )
    ly = height - 8
    parts.append(
        f'<rect x="{left}" y="{ly - 9}" width="10" height="10" fill="{EXPORT_COLOR}"/>'
        f'<text x="{left + 14}" y="{ly}" font-size="11">{escape(exports_label)}</text>'
        f'<rect x="{left + 180}" y="{ly - 9}" width="10" height="10" fill="{IMPORT_COLOR}"/>'
        f'<text x="{left + 194}" y="{ly}" font-size="11">{escape(imports_label)}</text></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every label escaped above
