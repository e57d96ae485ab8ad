"""Synthetic reports (with their truth) written as a file `casebook import` reads."""

from __future__ import annotations

import csv
from pathlib import Path

from casebook.linkage.compare.evaluation import truth_write
from casebook.sample.reports import reports_as_records, reports_generate, truth_rows

COLUMNS = (
    "incident_id",
    "title",
    "summary",
    "date",
    "place",
    "latitude",
    "longitude",
    "force",
    "act_id",
    "act_type",
    "number_affected",
    "number_precision",
    "legal_provision",
    "trigger_wording",
    "source_title",
    "source_kind",
    "source_channel",
)
KIND_OF_CHANNEL = {
    "news-monitor": "news_article",
    "police-statements": "police_statement",
    "social-media": "social_media",
    "court-lists": "court_record",
    "legal-observers": "legal_observer",
}


def _date(record) -> str:
    if record.date_precision == "month":
        return f"{record.date:%Y-%m}"
    if record.date_precision == "year":
        return f"{record.date:%Y}"
    return record.date.isoformat()


def reports_write(folder: Path, *, size: int, seed: int) -> tuple[Path, Path]:
    """An import CSV of `size` synthetic reports and the truth file beside it."""
    reports = reports_generate(size=size, seed=seed, photos=False)
    records = reports_as_records(reports)
    incidents, truth = folder / "reports.csv", folder / "truth.csv"
    with open(incidents, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for report, record in zip(reports, records, strict=True):
            acts = list(record.acts) or [None]
            for number, act in enumerate(acts, start=1):
                provision = (
                    record.provisions[number - 1] if number <= len(record.provisions) else ""
                )
                writer.writerow(
                    [
                        record.record_id,
                        record.title,
                        record.summary,
                        _date(record),
                        record.place,
                        record.latitude if record.latitude is not None else "",
                        record.longitude if record.longitude is not None else "",
                        record.force or "",
                        number if act else "",
                        act.act_type if act else "",
                        act.number if act and act.number is not None else "",
                        ("approximate" if act.approximate else "exact")
                        if act and act.number is not None
                        else ("unknown" if act else ""),
                        provision if act else "",
                        record.trigger_wording if act else "",
                        f"{report.channel} report {record.record_id}",
                        KIND_OF_CHANNEL.get(report.channel, "testimony"),
                        report.channel,
                    ]
                )
    truth_write(truth, truth_rows(reports))
    return incidents, truth
