"""The statistics page's charts (analysis/charts.py), made fit for outside use and drawn to SVG.

A bar's height gives its count away as surely as the number, so a report's charts draw no
bar for a hidden count: its place on the axis is kept, marked "<5" (or "[c]"), and the links
to the incident list are removed. The specifications are the page's own, changed only so.
"""

from __future__ import annotations

import base64
import copy

from casebook.analysis import charts
from casebook.analysis.pages import Figure, FunnelLine, Line

MARK = "hidden"


def _line(label: str, value: int) -> Line:
    figure = Figure(value, None)
    return Line(label, figure, figure, figure, 0)


# The PDF draws a chart's text with the fonts it has: measure it with the same one, or long
# labels run off the drawing's edge.
FONT = "DejaVu Sans"
HIDDEN_COLOUR = "#8a8a8a"


def outside_use(
    spec: dict,
    *,
    key: str,
    values: tuple[str, ...],
    hidden: dict[str, str],
    marker: str = "text",
) -> dict:
    """`spec` with the numbers of the `hidden` keys (key value -> mark shown) taken out, a
    mark at zero in their place (the text, or for a long series a grey dot), and no links."""
    spec = copy.deepcopy(spec)
    spec["config"] = {**spec.get("config", {}), "font": FONT}
    order = list(dict.fromkeys(datum[key] for datum in spec["data"]["values"]))
    for datum in spec["data"]["values"]:
        datum.pop("url", None)
        if datum[key] in hidden:
            for name in values:
                datum[name] = None
            datum[MARK] = hidden[datum[key]]
    if "layer" not in spec:
        spec["layer"] = [
            {part: spec.pop(part) for part in ("params", "mark", "encoding") if part in spec}
        ]
    for layer in spec["layer"]:
        layer.pop("params", None)
        encoding = layer.get("encoding", {})
        encoding.pop("href", None)
        encoding.pop("opacity", None)
        if isinstance(layer.get("mark"), dict):
            layer["mark"].pop("cursor", None)
    first = spec["layer"][0]["encoding"]
    band = next((name for name in ("x", "y") if first.get(name, {}).get("field") == key), None)
    if band is None or not hidden:
        return spec
    # Bars with no number are left out of the scale: keep every category in its place.
    first[band]["scale"] = {**first[band].get("scale", {}), "domain": order}
    if band == "x":
        first[band]["axis"] = {
            **first[band].get("axis", {}),
            "labelOverlap": "greedy",
            "labelSeparation": 2,
        }
    other = "y" if band == "x" else "x"
    if marker == "text":
        mark = {
            "type": "text",
            "color": HIDDEN_COLOUR,
            "fontSize": 10,
            **({"dy": -6} if band == "x" else {"align": "left", "dx": 4}),
        }
        extra = {"text": {"field": MARK}}
    else:
        mark = {"type": "point", "filled": True, "size": 30, "color": HIDDEN_COLOUR}
        extra = {}
    spec["layer"].append(
        {
            "transform": [{"filter": f"datum.{MARK} != null"}],
            "mark": mark,
            "encoding": {
                band: {"field": key, "type": first[band]["type"], "sort": None},
                other: {"datum": 0, "type": "quantitative"},
                **extra,
            },
        }
    )
    return spec


def series_svg(values: list[tuple[str, int, bool]], *, unit: str, threshold: int) -> str:
    lines = [_line(label, n) for label, n, _hidden in values]
    hidden = {
        label: (f"<{threshold}" if 0 < n < threshold else "[c]")
        for label, n, is_hidden in values
        if is_hidden
    }
    spec = charts.series_chart(lines, unit=unit)
    marker = "text" if len(values) <= 24 else "point"
    return svg(outside_use(spec, key="period", values=("n",), hidden=hidden, marker=marker))


def breakdown_svg(largest: list[tuple[str, int]], *, label: str, threshold: int) -> str:
    lines = [_line(name, n) for name, n in largest]
    # breakdown_chart draws only lines that link to the list: give each a placeholder link.
    lines = [
        Line(line.label, Figure(line.incidents.value, "#"), line.acts, line.people, 0)
        for line in lines
    ]
    hidden = {name: f"<{threshold}" for name, n in largest if 0 < n < threshold}
    spec = charts.breakdown_chart(lines, label=label)
    return svg(outside_use(spec, key="value", values=("n",), hidden=hidden))


def funnel_svg(funnel, *, hidden: set[str], threshold: int) -> str:
    steps = [
        FunnelLine(step.label, step, Figure(step.arrests, None), "", "", "")
        for step in funnel.steps
    ]
    spec = charts.funnel_chart(steps)
    marks = {label: f"<{threshold}" for label in hidden}
    return svg(outside_use(spec, key="outcome", values=("share", "lower", "upper"), hidden=marks))


def survival_svg(times) -> str:
    spec = outside_use(charts.survival_chart(times), key="what", values=(), hidden={})
    return svg(spec)


def svg(spec: dict) -> str:
    """The specification drawn on the server, as a data: address for an <img>."""
    drawing = charts.chart_svg(spec)
    return "data:image/svg+xml;base64," + base64.b64encode(drawing.encode()).decode()
