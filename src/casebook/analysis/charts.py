"""The statistics page's charts as Vega-Lite specifications, and their SVG for readers
without JavaScript (and for reports).

The specifications are written here by hand, as plain dicts: each is a few lines and the
page needs nothing altair would add. The browser draws them with vega-embed from our own
static files (web/static/web/vendor/, see tools/vega_bundle.py) under the strict content
security policy: `ast: true` evaluates expressions without `eval`, and tooltips and the
actions menu, which add inline styles, are off. The server draws the same specification to
SVG with vl-convert (the same Vega, in Rust), cached by the specification's hash.

Every chart stands beside the table of its figures, which is its text alternative; bars
link to the incident list as the table's numbers do.
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache

WIDTH = 720
COLOURS = {"bar": "#33658a", "accent": "#c8553d", "band": "#86bbd8"}
BASE = {
    "width": WIDTH,
    "background": "white",
    "config": {
        "font": "sans-serif",
        "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": False},
        "view": {"stroke": None},
    },
}
HOVER = {"name": "hover", "select": {"type": "point", "on": "pointerover", "clear": "pointerout"}}


def _spec(**parts) -> dict:
    return {**BASE, **parts}


def _highlight() -> dict:
    return {"condition": {"param": "hover", "empty": False, "value": 1}, "value": 0.8}


def series_chart(lines, *, unit: str, stretches=()) -> dict:
    """Bars of incidents per period; the changepoint search's steady rates as lines."""
    values = [
        {"period": line.label, "n": line.incidents.value, "url": line.incidents.url}
        for line in lines
    ]
    layers: list[dict] = [
        {
            "params": [HOVER],
            "mark": {"type": "bar", "color": COLOURS["bar"], "cursor": "pointer"},
            "encoding": {
                "x": {
                    "field": "period",
                    "type": "ordinal",
                    "title": unit.capitalize(),
                    "sort": None,
                },
                "y": {"field": "n", "type": "quantitative", "title": "Incidents"},
                "href": {"field": "url"},
                "opacity": _highlight(),
            },
        }
    ]
    if len(stretches) > 1:
        layers.append(
            {
                "data": {
                    "values": [
                        {"first": s.first, "last": s.last, "rate": s.rate} for s in stretches
                    ]
                },
                "mark": {"type": "rule", "color": COLOURS["accent"], "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "first", "type": "ordinal", "sort": None},
                    "x2": {"field": "last"},
                    "y": {"field": "rate", "type": "quantitative"},
                },
            }
        )
    return _spec(
        height=220,
        data={"values": values},
        layer=layers,
        description=f"Incidents per {unit}; the table below gives every figure.",
    )


def breakdown_chart(lines, *, label: str, limit: int = 15) -> dict:
    """Horizontal bars of incidents for the largest values of a breakdown."""
    values = [
        {"value": line.label, "n": line.incidents.value, "url": line.incidents.url}
        for line in lines[:limit]
        if line.incidents.url
    ]
    return _spec(
        height={"step": 18},
        data={"values": values},
        params=[HOVER],
        mark={"type": "bar", "color": COLOURS["bar"], "cursor": "pointer"},
        encoding={
            "y": {"field": "value", "type": "nominal", "title": label, "sort": None},
            "x": {"field": "n", "type": "quantitative", "title": "Incidents"},
            "href": {"field": "url"},
            "opacity": _highlight(),
        },
        description=f"Incidents by {label.lower()}; the table beside gives every figure.",
    )


def funnel_chart(steps) -> dict:
    """Each outcome's share of arrests with its Wilson 95% interval."""
    values = [
        {
            "outcome": step.label,
            "share": step.step.share.proportion,
            "lower": step.step.share.lower,
            "upper": step.step.share.upper,
            "url": step.arrests_figure.url,
        }
        for step in steps
    ]
    y = {"field": "outcome", "type": "nominal", "title": None, "sort": None}
    return _spec(
        height={"step": 22},
        data={"values": values},
        layer=[
            {
                "params": [HOVER],
                "mark": {"type": "bar", "color": COLOURS["bar"]},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "share",
                        "type": "quantitative",
                        "title": "Share of arrests (95% interval)",
                        "axis": {"format": ".0%"},
                        "scale": {"domain": [0, 1]},
                    },
                    "href": {"field": "url"},
                    "opacity": _highlight(),
                },
            },
            {
                "mark": {"type": "rule", "color": COLOURS["accent"], "strokeWidth": 2},
                "encoding": {
                    "y": y,
                    "x": {"field": "lower", "type": "quantitative"},
                    "x2": {"field": "upper"},
                },
            },
        ],
        description="Outcomes of arrests as shares; the table beside gives every figure.",
    )


def survival_chart(times) -> dict:
    """Share of arrests that reached each outcome by day t (1 − Kaplan–Meier), with bands."""
    values = []
    for time in times:
        curve = time.curve
        if curve is None:
            continue
        values.append({"what": time.what, "day": 0, "reached": 0.0, "low": 0.0, "high": 0.0})
        for day, s, low, high in zip(
            curve.times, curve.survival, curve.lower, curve.upper, strict=True
        ):
            values.append(
                {
                    "what": time.what,
                    "day": float(day),
                    "reached": float(1 - s),
                    "low": None if high != high else float(1 - high),
                    "high": None if low != low else float(1 - low),
                }
            )
    colour = {"field": "what", "type": "nominal", "title": None}
    x = {"field": "day", "type": "quantitative", "title": "Days after the arrest"}
    return _spec(
        height=220,
        data={"values": values},
        layer=[
            {
                "mark": {"type": "area", "interpolate": "step-after", "opacity": 0.25},
                "encoding": {
                    "x": x,
                    "y": {"field": "low", "type": "quantitative"},
                    "y2": {"field": "high"},
                    "color": colour,
                },
            },
            {
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "reached",
                        "type": "quantitative",
                        "title": "Share reached (95% band)",
                        "axis": {"format": ".0%"},
                    },
                    "color": colour,
                },
            },
        ],
        description="Kaplan–Meier curves of time to an outcome; the figures are given beside.",
    )


def chart_svg(spec: dict) -> str:
    """The specification drawn to SVG on the server (cached: a drawing takes ~50 ms)."""
    text = json.dumps(spec, sort_keys=True)
    key = "analysis:svg:" + hashlib.sha256(text.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        import vl_convert  # a 30 MB extension module: loaded only when a chart is drawn

        svg = vl_convert.vegalite_to_svg(spec)
        cache.set(key, svg, 3600)
    return svg
