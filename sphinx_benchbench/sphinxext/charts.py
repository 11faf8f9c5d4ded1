"""Bar and history charts, drawn at build time without a plotting library.

A chart is a node carrying its data (a small JSON spec).  Each builder draws
it in its own medium: inline, accessible SVG in HTML (it inherits the theme's
text colour, so light and dark modes both read), TikZ in LaTeX (vector in the
PDF), a bar of ``#`` characters in text, and its description elsewhere.  The
SVG of a spec is cached on disk by the spec's hash, so an unchanged chart is
never drawn twice.  matplotlib would cost more than a second per build to
import; these charts need rectangles, lines and text.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..data.model import moment as when
from .i18n import _

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["bar_spec", "chart", "history_spec", "setup_charts"]

#: Colours that read on white and on near-black backgrounds alike.
PALETTE = ["#3b82f6", "#f97316", "#10b981", "#e11d48", "#8b5cf6", "#eab308", "#06b6d4", "#a3a3a3"]


class chart(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """A chart: ``kind`` (bar or history), ``spec`` (JSON) and ``alt`` (a description)."""


def bar_spec(title: str, unit: str, decimals: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows of ``{"label", "value", "low", "high", "subject", "stale"}`` (low/high: sample range).

    Values are labelled with the metric's ``decimals``, as the table shows them.
    """
    return {"kind": "bar", "title": title, "unit": unit, "decimals": decimals, "rows": rows}


def history_spec(title: str, unit: str, decimals: int, series: list[dict[str, Any]]) -> dict[str, Any]:
    """Series of ``{"label", "points": [[ISO date, value], ...]}``, labelled with ``decimals``."""
    return {"kind": "history", "title": title, "unit": unit, "decimals": decimals, "series": series}


def make_node(spec: dict[str, Any], alt: str, node_id: str) -> chart:
    """A chart node; ``node_id`` (unique in the document) prefixes the ids inside its SVG."""
    return chart("", kind=spec["kind"], spec=json.dumps(spec, sort_keys=True), alt=alt, ids=[node_id])


def spec_hash(spec_json: str) -> str:
    import hashlib  # at write time only

    return hashlib.sha256(spec_json.encode()).hexdigest()[:16]


# -- SVG ----------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(value: float) -> str:
    """An axis label: a round figure, not a measured value."""
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def _value(spec: dict[str, Any], value: float) -> str:
    """A measured value, with the metric's decimals (as in the table)."""
    return f"{value:.{spec['decimals']}f}"


def bar_svg(spec: dict[str, Any], key: str, alt: str) -> str:
    rows = spec["rows"]
    width, label_w, row_h, top = 640, 200, 26, 30
    height = top + row_h * len(rows) + 10
    top_value = max([r.get("high") or r["value"] for r in rows] + [1e-12])
    scale = (width - label_w - 70) / top_value
    out = [
        f'<svg class="bb-chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="bb-{key}-t bb-{key}-d">',
        f'<title id="bb-{key}-t">{_e(spec["title"])}</title><desc id="bb-{key}-d">{_e(alt)}</desc>',
        f'<text x="{label_w}" y="18" class="bb-axis" fill="currentColor" font-size="12">{_e(spec["unit"])}</text>',
    ]
    for n, row in enumerate(rows):
        y = top + n * row_h
        w = max(row["value"] * scale, 1)
        css = " ".join(c for c, on in (("bb-bar", True), ("bb-bar-subject", row.get("subject")),
                                        ("bb-bar-stale", row.get("stale"))) if on)
        out.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="currentColor" '
                   f'font-size="13">{_e(row["label"])}</text>')
        out.append(f'<rect class="{css}" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                   f'fill="{PALETTE[0]}" fill-opacity="{0.45 if row.get("stale") else 0.9}">'
                   f'<title>{_e(row["label"])}: {_value(spec, row["value"])} {_e(spec["unit"])}</title></rect>')
        if row.get("low") is not None and row.get("high") is not None:
            x1, x2, ym = label_w + row["low"] * scale, label_w + row["high"] * scale, y + row_h / 2
            out.append(f'<path class="bb-errorbar" d="M{x1:.1f} {ym:.1f}H{x2:.1f}M{x1:.1f} {ym - 5:.1f}V{ym + 5:.1f}'
                       f'M{x2:.1f} {ym - 5:.1f}V{ym + 5:.1f}" stroke="currentColor" stroke-width="1.5" fill="none"/>')
        end = label_w + max(w, (row.get("high") or 0) * scale) + 6
        out.append(f'<text x="{end:.1f}" y="{y + 16}" fill="currentColor" font-size="12">{_value(spec, row["value"])}'
                   + (" " + _e(_("(stale)")) if row.get("stale") else "") + "</text>")
    out.append("</svg>")
    return "".join(out)


def _label(moment: dt.datetime, same_day: bool) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if same_day else f"{moment:%Y-%m-%d}"


def history_svg(spec: dict[str, Any], key: str, alt: str) -> str:
    series = spec["series"]
    width, height, left, right, top, bottom = 640, 300, 60, 170, 20, 40
    points = [(when(d), v) for s in series for d, v in s["points"]]
    d0, d1 = min(p[0] for p in points), max(p[0] for p in points)
    span = max((d1 - d0).total_seconds(), 1.0)
    same_day = d0.date() == d1.date()
    vmax = max(v for _, v in points) * 1.1 or 1
    plot_w, plot_h = width - left - right, height - top - bottom
    over_time = _("{unit} over time").format(unit=spec["unit"])

    def xy(moment: dt.datetime, value: float) -> tuple[float, float]:
        x = left + ((moment - d0).total_seconds() / span) * plot_w if d1 != d0 else left + plot_w / 2
        return x, top + plot_h - value / vmax * plot_h

    out = [
        f'<svg class="bb-chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="bb-{key}-t bb-{key}-d">',
        f'<title id="bb-{key}-t">{_e(spec["title"])}</title><desc id="bb-{key}-d">{_e(alt)}</desc>',
        f'<path d="M{left} {top}V{top + plot_h}H{left + plot_w}" stroke="currentColor" fill="none" opacity="0.6"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="currentColor" font-size="11">{_fmt(vmax)}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" fill="currentColor" font-size="11">0</text>',
        f'<text x="{left}" y="{height - 18}" fill="currentColor" font-size="11">{_label(d0, same_day)}</text>',
        f'<text x="{left + plot_w}" y="{height - 18}" text-anchor="end" fill="currentColor" font-size="11">'
        f"{_label(d1, same_day)}</text>",
        f'<text x="{left + plot_w / 2}" y="{height - 4}" text-anchor="middle" fill="currentColor" font-size="11">'
        f'{_e(over_time)}</text>',
    ]
    named = _named(series)
    for n, s in enumerate(series):
        colour = PALETTE[n] if n < named else PALETTE[-1]
        coords = [xy(when(d), v) for d, v in s["points"]]
        path = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in coords)
        out.append(f'<path d="{path}" stroke="{colour}" stroke-width="{2 if n < named else 1}" fill="none"/>')
        for (x, y), (d, v) in zip(coords, s["points"], strict=True):
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{3.5 if n < named else 2}" fill="{colour}">'
                       f'<title>{_e(s["label"])}, {_e(d[:10])}: {_value(spec, v)} {_e(spec["unit"])}</title></circle>')
        if n >= named:
            continue
        ly = top + 14 + n * 18
        out.append(f'<rect x="{width - right + 12}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{width - right + 28}" y="{ly}" fill="currentColor" font-size="12">'
                   f'{_e(s["label"])}</text>')
    if named < len(series):  # one legend entry for the rest, in grey: the legend stays in its box
        ly = top + 14 + named * 18
        out.append(f'<rect x="{width - right + 12}" y="{ly - 9}" width="10" height="10" fill="{PALETTE[-1]}"/>')
        out.append(f'<text x="{width - right + 28}" y="{ly}" fill="currentColor" font-size="12">'
                   f'{_e(_("{count} others").format(count=len(series) - named))}</text>')
    out.append("</svg>")
    return "".join(out)


def _named(series: list[dict[str, Any]]) -> int:
    """How many series get their own colour and legend entry: all that the palette has colours for,
    else one fewer, the rest drawn thin and grey as "others" (the series come best first).  A thousand
    entries would run the legend far past the chart's 300 units."""
    return len(series) if len(series) <= len(PALETTE) else len(PALETTE) - 1


def cached_svg(doctreedir: Path, spec_json: str, alt: str, prefix: str) -> str:
    """The SVG of a spec, from the on-disk cache (beside the doctrees) when it was drawn before.

    The cache holds one drawing per spec, its element ids made from the spec's
    hash; they are renamed with ``prefix`` here, so that two identical charts
    on one page do not share ids (and ``aria-labelledby`` finds its own).
    """
    # The translated words drawn are part of the key: a build in another language draws its own.
    key = spec_hash(spec_json + alt + _("(stale)") + _("{unit} over time") + _("{count} others"))
    folder = doctreedir / "benchbench-charts"
    path = folder / f"{key}.svg"
    if path.is_file():
        svg = path.read_text(encoding="utf-8")
    else:
        spec = json.loads(spec_json)
        svg = (bar_svg if spec["kind"] == "bar" else history_svg)(spec, key, alt)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(svg, encoding="utf-8")
        os.replace(tmp, path)  # parallel writers produce the same bytes; the last rename wins
    return svg.replace(f"bb-{key}-", f"{prefix}-")


# -- builders ---------------------------------------------------------------


def visit_chart_html(self: Any, node: chart) -> None:
    node_id = node["ids"][0]
    svg = cached_svg(Path(self.builder.doctreedir), node["spec"], node["alt"], node_id)
    # The description is the SVG's <desc>, read out through aria-labelledby: shown as a caption
    # it would repeat the table's numbers a third time.
    self.body.append(f'<figure class="bb-figure" id="{_e(node_id)}">{svg}</figure>\n')
    raise nodes.SkipNode


def _tex(text: object) -> str:
    from sphinx.util.texescape import escape

    return escape(str(text))


def _tikz_bars(spec: dict[str, Any]) -> list[str]:
    """Bars from x=0.1 to 8.1 cm, the unit above them; a value is written past its bar *and* its
    error bar, so the bar never crosses it out."""
    top = max([r.get("high") or r["value"] for r in spec["rows"]] + [1e-12])
    n_rows = len(spec["rows"])
    lines = [rf"\node[anchor=south west] at (0.1,0.3) {{{_tex(spec['unit'])}}};",
             rf"\draw (0.1,0.3) -- (0.1,{-0.6 * (n_rows - 1) - 0.3:.2f});"]
    for n, row in enumerate(spec["rows"]):
        y = -0.6 * n
        w = 8 * (row["value"] / top)
        lines.append(rf"\node[anchor=east] at (0,{y:.2f}) {{{_tex(row['label'])}}};")
        lines.append(rf"\fill[blue!{35 if row.get('stale') else 60}] (0.1,{y - 0.2:.2f}) rectangle "
                     rf"({0.1 + w:.2f},{y + 0.2:.2f});")
        end = w
        if row.get("low") is not None and row.get("high") is not None:
            a, b = 0.1 + 8 * (row["low"] / top), 0.1 + 8 * (row["high"] / top)
            lines.append(rf"\draw ({a:.2f},{y:.2f}) -- ({b:.2f},{y:.2f}); "
                         rf"\draw ({a:.2f},{y - 0.1:.2f}) -- ({a:.2f},{y + 0.1:.2f}); "
                         rf"\draw ({b:.2f},{y - 0.1:.2f}) -- ({b:.2f},{y + 0.1:.2f});")
            end = max(w, b - 0.1)
        label = _value(spec, row["value"]) + (" " + _("(stale)") if row.get("stale") else "")
        lines.append(rf"\node[anchor=west] at ({0.25 + end:.2f},{y:.2f}) {{{_tex(label)}}};")
    return lines


def _tikz_history(spec: dict[str, Any]) -> list[str]:
    """Lines over a 10 x 5 cm plot, both axes labelled: the value scale (0 and its top, in the unit) and
    the first and last dates."""
    points = [(when(d), v) for s in spec["series"] for d, v in s["points"]]
    d0, d1 = min(p[0] for p in points), max(p[0] for p in points)
    span = max((d1 - d0).total_seconds(), 1.0)
    vmax = max(v for _, v in points) * 1.1 or 1
    same_day = d0.date() == d1.date()
    recorded = _("recorded")  # the time axis
    lines = [r"\draw[->] (0,0) -- (10.5,0); \draw[->] (0,0) -- (0,5.5);",
             r"\node[anchor=east] at (0,0) {0}; \draw (-0.1,5) -- (0,5);",
             rf"\node[anchor=east] at (-0.1,5) {{{_tex(_fmt(vmax))}}};",
             rf"\node[anchor=south,rotate=90] at (-0.9,2.5) {{{_tex(spec['unit'])}}};",
             rf"\node[anchor=north west] at (0,-0.1) {{{_tex(_label(d0, same_day))}}};",
             rf"\node[anchor=north east] at (10,-0.1) {{{_tex(_label(d1, same_day))}}};",
             rf"\node[anchor=north] at (5,-0.6) {{{_tex(recorded)}}};"]
    named = _named(spec["series"])
    for n, s in enumerate(spec["series"]):
        colour = ["blue", "orange", "teal", "red", "violet", "olive", "cyan", "gray"][min(n, 7)]
        coords = [(10 * (when(d) - d0).total_seconds() / span, 5 * v / vmax) for d, v in s["points"]]
        lines.append(rf"\draw[{colour},thick] " + " -- ".join(f"({x:.2f},{y:.2f})" for x, y in coords) + ";")
        lines += [rf"\fill[{colour}] ({x:.2f},{y:.2f}) circle (2pt);" for x, y in coords]
        label = s["label"] if n < named else _("{count} others").format(count=len(spec["series"]) - named)
        if n <= named:
            lines.append(rf"\node[{colour},anchor=west] at (10.7,{5 - 0.5 * n:.2f}) {{{_tex(label)}}};")
    return lines


def visit_chart_latex(self: Any, node: chart) -> None:
    """TikZ, vector in the PDF, its title under it; the description is not printed (the table beside
    it has the same numbers)."""
    spec = json.loads(node["spec"])
    lines = [r"\begin{center}\begin{tikzpicture}[x=1cm,y=1cm,font=\small]",
             *(_tikz_bars(spec) if spec["kind"] == "bar" else _tikz_history(spec)),
             r"\end{tikzpicture}\end{center}",
             rf"\begin{{center}}\small {_tex(spec['title'])}\end{{center}}"]
    self.body.append("\n" + "\n".join(lines) + "\n")
    raise nodes.SkipNode


def visit_chart_text(self: Any, node: chart) -> None:
    """Bars of ``#`` under the title; a history chart, which text cannot draw, by its description."""
    spec = json.loads(node["spec"])
    self.new_state(0)
    if spec["kind"] == "bar":
        top = max([r["value"] for r in spec["rows"]] + [1e-12])
        width = max(len(r["label"]) for r in spec["rows"])
        self.add_text(f"{spec['title']} ({spec['unit']})\n")
        for row in spec["rows"]:
            bar = "#" * max(1, round(40 * (row["value"] / top)))
            stale = " " + _("(stale)") if row.get("stale") else ""
            self.add_text(f"{row['label']:<{width}} {bar} {_value(spec, row['value'])}{stale}\n")
    else:
        self.add_text(f"[{node['alt']}]\n")
    self.end_state(wrap=False)
    raise nodes.SkipNode


def visit_chart_fallback(self: Any, node: chart) -> None:
    """Builders that cannot draw (man, texinfo) get the chart's description as a paragraph."""
    para = nodes.paragraph("", node["alt"], classes=["bb-chart-alt"])
    para.parent, para.document = node.parent, node.document
    para.walkabout(self)
    raise nodes.SkipNode


def setup_charts(app: Sphinx) -> None:
    app.add_node(chart, html=(visit_chart_html, None), latex=(visit_chart_latex, None),
                 text=(visit_chart_text, None), man=(visit_chart_fallback, None),
                 texinfo=(visit_chart_fallback, None))
    app.add_latex_package("tikz")
