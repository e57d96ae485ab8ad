"""The statistics report: the page's figures for outside use, as a PDF (WeasyPrint) or HTML.

    made = report_make(filters=form.filters(), unit="month", method="dga", reader=user,
                       actor=user, described=[("Police force", "Metropolitan Police Service")])
    made.content, made.content_type, made.filename, made.version

One function for the command (`casebook report`) and the statistics page's download: it
computes the figures (the page's own, cached, plus one table per breakdown), suppresses
small cells, draws the charts to SVG on the server, renders the template
`analysis/report.html` and, for a PDF, lays it out with WeasyPrint. The data version (a hash
of the records behind the figures and the codebook's version, reports/version.py) is printed
in the margin of every page. Each report made is one entry in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from casebook.analysis.capture import CaptureReport
from casebook.analysis.freshness import cached, data_version
from casebook.analysis.reports import charts
from casebook.analysis.reports.content import Content, content_compute
from casebook.analysis.reports.version import DataVersion, data_version_of
from casebook.analysis.services import statistics_compute
from casebook.analysis.stats.mse import METHOD_NAMES
from casebook.analysis.undercount import undercount_compute
from casebook.audit.services import audit_record
from casebook.cases.models import Incident
from casebook.cases.search import search_scope
from casebook.cases.selectors import incidents_filtered

FORMATS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    content_type: str
    filename: str
    version: DataVersion


def _css_string(text: str) -> str:
    """`text` as a CSS string literal's inside (for the page margins' content)."""
    return "".join(c if c.isalnum() or c in " .·,:-_()" else f"\\{ord(c):x} " for c in text)


def _charts(content: Content) -> dict[str, str]:
    threshold = content.threshold
    drawn = {}
    if content.series_values:
        drawn["series"] = charts.series_svg(
            content.series_values, unit=content.unit, threshold=threshold
        )
    if content.breakdown_chart and content.breakdown_chart[1]:
        label, largest = content.breakdown_chart
        drawn["breakdown"] = charts.breakdown_svg(largest, label=label, threshold=threshold)
    return drawn


def report_html(
    content: Content,
    *,
    figures,
    version: DataVersion,
    described: list[tuple[str, str]],
    method: str,
) -> str:
    drawn = _charts(content)
    funnel = figures.funnel
    if funnel.arrests:
        drawn["funnel"] = charts.funnel_svg(
            funnel, hidden=content.funnel_hidden, threshold=content.threshold
        )
        if content.times_shown and any(time.curve for time in funnel.times):
            drawn["survival"] = charts.survival_svg(funnel.times)
    return render_to_string(
        "analysis/report.html",
        {
            "c": content,
            "charts": drawn,
            "version": version,
            "version_css": _css_string(f"Data version {version}"),
            "described": described,
            "method_name": METHOD_NAMES[method],
            "undercount": content.undercount,
            "growth": content.growth,
        },
    )


def report_pdf(html: str) -> bytes:
    import weasyprint  # Pango and friends: loaded only when a PDF is made

    return weasyprint.HTML(string=html).write_pdf()


def _compute(
    *,
    filters: dict,
    unit: str,
    measure: str,
    seasonal: bool,
    method: str,
    reader,
    key,
    described: list[tuple[str, str]],
    format: str,
    progress: Progress,
) -> tuple[bytes, DataVersion]:
    progress("Counting")
    figures = statistics_compute(
        filters=filters, unit=unit, measure=measure, seasonal=seasonal, key=key, reader=reader
    )
    progress("Estimating what went unrecorded")
    undercount: CaptureReport = undercount_compute(
        filters=filters, key=key, reader=reader, method=method
    )
    progress("Breaking down")
    content = content_compute(
        figures,
        filters=filters,
        reader=reader,
        threshold=settings.SMALL_CELL_THRESHOLD,
        undercount=undercount,
        generated=timezone.now(),
    )
    progress("Hashing the records")
    version = data_version_of(
        incidents_filtered(**{k: v for k, v in filters.items() if k != "sort"}, reader=reader)
    )
    progress("Drawing the charts and the pages")
    html = report_html(
        content, figures=figures, version=version, described=described, method=method
    )
    if format == "html":
        return html.encode(), version
    return report_pdf(html), version


def report_make(
    *,
    filters: dict,
    unit: str = "month",
    measure: str = "incidents",
    seasonal: bool = False,
    method: str = "dga",
    reader=None,
    actor=None,
    key: object = None,
    described: list[tuple[str, str]] | None = None,
    format: str = "pdf",
    progress: Progress | None = None,
) -> ReportFile:
    """The report for the incident list's `filters` (words searched as `reader` may), as a
    PDF or HTML file. `key` (the request's parameters as plain text) caches the figures and
    the file until the record changes; with a key, `method` may not be LCMCR (see
    analysis/undercount.py). `described` names the filters for the first page."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose pdf or html")
    options = {
        "filters": filters,
        "unit": unit,
        "measure": measure,
        "seasonal": seasonal,
        "method": method,
        "reader": reader,
        "key": key,
        "described": described or [],
        "format": format,
        "progress": progress or (lambda _stage: None),
    }
    if key is None:
        content, version = _compute(**options)
    else:
        scope = search_scope(reader) if filters.get("q") else ""
        today = str(dt.date.today())
        content, version = cached(
            "report",
            [key, scope, today, format, method],
            lambda: _compute(**options),
            version=data_version(),
        )
    audit_record(
        action="analysis.report.made",
        instance=Incident,
        actor=actor,
        changes={
            "format": format,
            "data_version": version.digest,
            "codebook": version.codebook,
            "filters": sorted(filters),
            "method": method,
        },
    )
    return ReportFile(
        content=content,
        content_type=FORMATS[format],
        filename=f"casebook-report-{version.short}.{format}",
        version=version,
    )
