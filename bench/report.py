"""How long a statistics report takes to make, stage by stage, at scale.

    .venv/bin/python bench/report.py --size 100000            # SQLite, temp folder
    .venv/bin/python bench/report.py --size 100000 --reuse    # keep the data
    .venv/bin/python bench/report.py --size 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/casebook_bench   # PostgreSQL

The database is built (and reused) as `bench/incident_list.py` builds it. Each kind of report
(no filter, one force, one act type, one year by week) is made `--requests` times with the
cache emptied (what `casebook report` and the page's first download cost; later downloads of
the same data are cached), timing the stages `report_make` reports: the figures (the page's,
the undercount estimate, one breakdown table each), the data version (hashing the records)
and drawing (charts to SVG, the template, WeasyPrint's layout). The floor is WeasyPrint laying
out the same HTML alone, which no report can skip; the ratio says what the rest adds.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import incident_list as base  # noqa: E402  (the bench next door builds the database)
import stats_page  # noqa: E402  (its way of emptying the cache)


def kinds() -> dict[str, dict]:
    from django.db.models import Count

    from casebook.cases.models import Incident

    force = (
        Incident.objects.exclude(force=None)
        .values("force__slug")
        .annotate(n=Count("id"))
        .order_by("-n")[0]["force__slug"]
    )
    years = sorted(d.year for d in Incident.objects.dates("date", "year"))
    return {
        "no filter, month": {},
        "one force, quarter": {"force": force, "unit": "quarter"},
        "arrests, month": {"act_type": "arrest"},
        "one year, week": {"period": str(years[len(years) // 2]), "unit": "week"},
    }


def make(params: dict) -> tuple[dict[str, float], bytes, str]:
    """One report, uncached: seconds per stage, the PDF and the HTML it laid out."""
    from casebook.analysis.forms import StatisticsForm
    from casebook.analysis.reports import report_make

    form = StatisticsForm(params)
    assert form.is_valid(), form.errors
    stages: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def progress(stage: str) -> None:
        now = time.perf_counter()
        if last[1]:
            stages[str(last[1])] = now - float(last[0])
        last[:] = [now, stage]

    options = {
        "filters": form.filters(),
        "unit": form.cleaned_data["unit"],
        "measure": form.cleaned_data["measure"],
        "described": form.described(),
    }
    stats_page.cache_empty()
    started = time.perf_counter()
    made = report_make(**options, progress=progress)
    progress("")
    stages["total"] = time.perf_counter() - started
    stats_page.cache_empty()
    html = report_make(**options, format="html").content.decode()
    return stages, made.content, html


def main() -> None:
    args = base.parse_args()
    console, description, generated = base.casebook_ready(args, width=160)
    if generated and not args.no_analyze:
        base.analyze()
    from pypdf import PdfReader
    from rich.table import Table

    from casebook.analysis.reports import report_pdf
    from casebook.cases.models import Incident

    incidents = Incident.objects.count()
    console.print(f"{base.machine_line(description)}; {incidents:,} incidents")
    rounds = max(1, min(args.requests, 5))
    report_pdf("<p>warm-up</p>")  # WeasyPrint's first call loads fonts
    table = Table(
        title=f"casebook report: {incidents:,} incidents, {rounds} each", title_justify="left"
    )
    for column in (
        "report",
        "pages",
        "figures",
        "data version",
        "drawing",
        "total",
        "floor",
        "ratio",
    ):
        table.add_column(column, justify="left" if column == "report" else "right")
    for kind, params in kinds().items():
        runs = []
        floors = []
        pages = 0
        for _ in range(rounds):
            stages, pdf, html = make(params)
            runs.append(stages)
            started = time.perf_counter()
            report_pdf(html)
            floors.append(time.perf_counter() - started)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)

        def median(name: str, runs=runs) -> float:
            return statistics.median(run.get(name, 0.0) for run in runs)

        figures = sum(
            median(stage)
            for stage in ("Counting", "Estimating what went unrecorded", "Breaking down")
        )
        total, floor = median("total"), statistics.median(floors)
        table.add_row(
            kind,
            str(pages),
            f"{figures:.2f} s",
            f"{median('Hashing the records'):.2f} s",
            f"{median('Drawing the charts and the pages'):.2f} s",
            f"{total:.2f} s",
            f"{floor:.2f} s",
            f"{total / floor:.1f}×" if floor else "—",
        )
    console.print(table)
    console.print(
        "Medians, cache emptied before each report. figures: the page's figures, the undercount "
        "estimate (dga) and the breakdown tables; data version: hashing the records; drawing: "
        "charts, template and PDF layout; floor: WeasyPrint laying out the same HTML alone."
    )


if __name__ == "__main__":
    main()
