"""Run the extractor over labelled articles and report the scores (behind `casebook eval
extract`).

Gold files are in the extraction format plus the article (``text`` or ``html``, ``url``,
``title``). By default the extractor is *not* given the gold ``published`` date: it must find
it in the text or URL as the pipeline would (``with_published=True`` passes it, as a feed
would).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from casebook.monitor.extraction.extractor import Extractor
from casebook.monitor.extraction.inputs import article_text
from casebook.monitor.extraction.scoring import TARGETS, FieldScore, score_extractions

__all__ = ["ROWS", "extract_records", "render_scores"]

ROWS = (
    ("relevance", "Relevance"),
    ("force", "Event force"),
    ("location", "Event place"),
    ("date", "Event date"),
    ("total_arrests", "Event total arrests"),
    ("country", "Event country"),
    ("acts", "Acts (type, count, legal basis)"),
    ("trigger", "Act trigger"),
)


def extract_records(
    records: Iterable[Mapping[str, Any]],
    extractor: Extractor,
    *,
    with_published: bool = False,
) -> tuple[list[dict[str, Any]], float]:
    """Extract every record; return the predictions and the seconds spent extracting."""
    predictions = []
    elapsed = 0.0
    for record in records:
        text = article_text(record)
        started = time.perf_counter()
        predictions.append(
            extractor.extract(
                article_id=str(record.get("id", "")),
                text=text,
                title=record.get("title") or "",
                url=record.get("url") or "",
                published=record.get("published") if with_published else None,
            )
        )
        elapsed += time.perf_counter() - started
    return predictions, elapsed


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def render_scores(scores: Mapping[str, FieldScore]) -> list[list[str]]:
    """Table rows: field, P, R, F1, accuracy, target, status."""
    rows = []
    for key, label in ROWS:
        score = scores[key]
        target = TARGETS.get(key)
        target_text, status = "", ""
        if target:
            measure, minimum = target
            value = getattr(score, measure)
            target_text = f"{measure} ≥ {minimum:.2f}"
            status = "—" if value is None else ("met" if value >= minimum else "missed")
        rows.append(
            [
                label,
                _fmt(score.precision),
                _fmt(score.recall),
                _fmt(score.f1),
                _fmt(score.accuracy),
                target_text,
                status,
            ]
        )
    return rows


def evaluate(
    gold: list[Mapping[str, Any]], extractor: Extractor, *, with_published: bool = False
) -> tuple[dict[str, FieldScore], list[dict[str, Any]], float]:
    """Scores, predictions and extraction time for *gold*."""
    predictions, elapsed = extract_records(gold, extractor, with_published=with_published)
    return score_extractions(gold, predictions), predictions, elapsed
