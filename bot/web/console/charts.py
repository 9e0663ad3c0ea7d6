"""Server-rendered SVG charts (no JavaScript, no CDN): horizontal bars and a weekly two-series column chart."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

ROW, LABEL_W, BAR_W, GAP = 24, 130, 300, 6
COLORS = ("#1f5fbf", "#f0b429")


def bars(items: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> Markup:
    """A horizontal bar chart of (label, value) with the value written after each bar."""
    if not items:
        return Markup('<p class="muted">（无数据）</p>')
    top = max(v for _, v in items) or 1
    height = ROW * len(items) + GAP
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {LABEL_W + BAR_W + 70} '
             f'{height}" width="100%" preserveAspectRatio="xMinYMin meet">']
    for n, (label, value) in enumerate(items):
        y, width = n * ROW + GAP, max(1.0, BAR_W * value / top)
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end">{escape(_clip(label))}</text>'
                     f'<rect x="{LABEL_W}" y="{y}" width="{width:.1f}" height="{ROW - GAP * 2 + 6}" '
                     f'fill="{COLORS[0]}"><title>{escape(label)}：{_num(value)}{unit}</title></rect>'
                     f'<text x="{LABEL_W + width + 4:.1f}" y="{y + 13}">{_num(value)}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def weekly(rows: Sequence[tuple[str, int, int]], *, title: str, series: tuple[str, str]) -> Markup:
    """Two columns per week (e.g. demands submitted, matches made) with a legend."""
    if not rows:
        return Markup('<p class="muted">（无数据）</p>')
    top = max(max(a, b) for _, a, b in rows) or 1
    step, plot_h = 36, 120
    width = max(300, step * len(rows) + 40)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {plot_h + 60}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet">']
    for n, (week, first, second) in enumerate(rows):
        x = 30 + n * step
        for k, value in enumerate((first, second)):
            h = plot_h * value / top
            parts.append(f'<rect x="{x + k * 13}" y="{20 + plot_h - h:.1f}" width="12" height="{h:.1f}" '
                         f'fill="{COLORS[k]}"><title>{escape(week)} {escape(series[k])}：{value}</title></rect>')
        if n % max(1, len(rows) // 8) == 0:
            parts.append(f'<text x="{x}" y="{plot_h + 36}">{escape(week[5:])}</text>')
    for k, name in enumerate(series):
        parts.append(f'<rect x="{30 + k * 110}" y="{plot_h + 44}" width="10" height="10" fill="{COLORS[k]}"/>'
                     f'<text x="{44 + k * 110}" y="{plot_h + 53}">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _num(value: float) -> str:
    """A count without decimals, a ratio with one."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _clip(label: str, limit: int = 9) -> str:
    """Shorten long labels (the full label is in the bar's tooltip)."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
