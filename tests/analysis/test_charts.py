"""The statistics page's charts: a Vega-Lite specification in the page for the browser, the
same drawn to SVG by the server for readers without JavaScript, and the chart library served
from our own static files."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import rows_shared

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    """One sample for the module's tests, which only read it (see `rows_shared`)."""
    from casebook.sample.generator import sample_generate

    yield from rows_shared(django_db_blocker, lambda: sample_generate(size=150, seed=3))


def test_each_chart_has_its_specification_and_a_server_drawing(sample, client_for):
    client = client_for("analyst")
    response = client.get(reverse("analysis:statistics"), {"by": "force", "unit": "year"})
    text = response.content.decode()
    names = re.findall(r'<figure class="chart" data-chart="chart-([a-z]+)">', text)
    assert set(names) >= {"series", "breakdown", "funnel"}
    for name in names:
        spec_text = re.search(
            rf'<script id="chart-{name}" type="application/json">(.*?)</script>', text, re.S
        )[1]
        spec = json.loads(spec_text)
        assert spec["data"]["values"], name
        # The drawing the page shows until (or unless) JavaScript replaces it.
        src = re.search(
            rf'data-chart="chart-{name}">\s*<div class="chart-drawing"><img src="([^"]+)"', text
        )[1]
        svg = client.get(src.replace("&amp;", "&"))
        assert svg.status_code == 200
        assert svg["Content-Type"] == "image/svg+xml"
        assert svg.content.lstrip().startswith(b"<svg")
    # The series chart's bars carry the yearly figures of the table, with their links.
    series = json.loads(
        re.search(r'<script id="chart-series" type="application/json">(.*?)</script>', text, re.S)[
            1
        ]
    )
    assert all(v["url"].startswith("/incidents/?") for v in series["data"]["values"])


def test_no_script_on_the_page_is_inline(sample, client_for):
    text = client_for("caseworker").get(reverse("analysis:statistics")).content.decode()
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", text, re.S):
        assert 'type="application/json"' in attributes or (
            body.strip() == "" and "src=" in attributes
        )
    assert "/static/web/vendor/vega-embed.js" in text


def test_an_unknown_chart_is_not_found(sample, client_for):
    response = client_for("analyst").get(reverse("analysis:chart", args=["nonsense"]))
    assert response.status_code == 404


def test_the_committed_chart_library_is_the_installed_vl_convert_bundle():
    sys.path.insert(0, str(ROOT / "tools"))
    import vega_bundle

    head = vega_bundle.BUNDLE.read_text(encoding="utf-8").split("\n", 1)[0] + "\n"
    assert head == vega_bundle.bundle_header(), "run tools/vega_bundle.py"
