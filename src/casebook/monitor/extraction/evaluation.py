"""Run the extractor over labelled articles and report the scores (behind `casebook eval
extract`).

Gold files are in the extraction format plus the article (``text`` or ``html``, ``url``,
``title``). By default the extractor is *not* given the gold ``published`` date: it must find
it in the text or URL as the pipeline would (``with_published=True`` passes it, as a feed
would).

A labelled set that rules are tuned on stops measuring them. ``--part working`` and ``--part
held-out`` split a set by a fixed rule on each article's id (:func:`dev_part`), so that one half
can be studied article by article (``--errors``) while the other is only ever scored.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping
from typing import Any

from casebook.monitor.extraction.extractor import Extractor
from casebook.monitor.extraction.inputs import article_text
from casebook.monitor.extraction.scoring import TARGETS, FieldScore, score_extractions

__all__ = [
    "PARTS",
    "ROWS",
    "dev_part",
    "disagreements",
    "evaluate",
    "extract_records",
    "render_scores",
    "select_part",
]

ROWS = (
    ("relevance", "Relevance (balanced accuracy)"),
    ("force", "Event force"),
    ("location", "Event place"),
    ("date", "Event date"),
    ("total_arrests", "Event total arrests"),
    ("country", "Event country"),
    ("acts", "Acts (type, count, legal basis)"),
    ("acts_basis", "Acts (type, legal basis)"),
    ("trigger", "Act trigger"),
)
PARTS = ("working", "held-out")


def dev_part(article_id: str) -> str:
    """The half of a labelled set an article belongs to: "held-out" when the SHA-256 of its id,
    read as a number, is odd, else "working". Fixed, so that every session splits alike.

    >>> dev_part("e003"), dev_part("e006")
    ('working', 'working')
    """
    digest = hashlib.sha256(article_id.encode("utf-8")).hexdigest()
    return "held-out" if int(digest, 16) % 2 else "working"


def select_part(records: Iterable[Mapping[str, Any]], part: str | None) -> list[Mapping[str, Any]]:
    """The records of one half (see :func:`dev_part`), or all of them when *part* is None."""
    return [r for r in records if part is None or dev_part(str(r.get("id", ""))) == part]


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
    """Table rows: field, P, R, F1, accuracy (balanced, for relevance), target, status."""
    rows = []
    for key, label in ROWS:
        score = scores[key]
        accuracy = score.balanced_accuracy if score.binary else score.accuracy
        target = TARGETS.get(key)
        target_text, status = "", ""
        if target:
            measure, minimum = target
            value = getattr(score, measure)
            target_text = f"{measure.replace('_', ' ')} ≥ {minimum:.2f}"
            status = "—" if value is None else ("met" if value >= minimum else "missed")
        rows.append(
            [
                label,
                _fmt(score.precision),
                _fmt(score.recall),
                _fmt(score.f1),
                _fmt(accuracy),
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


def _event_line(event: Mapping[str, Any]) -> str:
    acts = "; ".join(
        f"{a.get('type')} {a.get('count')} {a.get('legal_basis') or '-'} "
        f"[{a.get('trigger') or '-'}]"
        for a in event.get("acts") or ()
    )
    fields = " | ".join(str(event.get(k)) for k in ("force", "location", "date", "total_arrests"))
    return f"{fields} :: {acts}"


def disagreements(
    gold: Iterable[Mapping[str, Any]], predictions: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Lines describing every article where a prediction and its label differ (for study)."""
    keys = ("force", "location", "date", "total_arrests")
    act_keys = ("type", "count", "legal_basis", "trigger")
    by_id = {p["id"]: p for p in predictions}
    lines = []
    for record in gold:
        predicted = by_id.get(record["id"], {"relevant": False, "events": []})

        def shape(article: Mapping[str, Any]) -> list[tuple[Any, ...]]:
            return sorted(
                (
                    tuple(str(e.get(k)) for k in keys),
                    tuple(sorted(tuple(str(a.get(k)) for k in act_keys) for a in e["acts"])),
                )
                for e in (article.get("events") or [] if article.get("relevant") else [])
            )

        if bool(record.get("relevant")) == bool(predicted.get("relevant")) and shape(
            record
        ) == shape(predicted):
            continue
        lines.append(
            f"{record['id']}: relevant {bool(record.get('relevant'))}, "
            f"predicted {bool(predicted.get('relevant'))}"
        )
        lines += [f"  gold: {_event_line(e)}" for e in record.get("events") or ()]
        lines += [f"  pred: {_event_line(e)}" for e in predicted.get("events") or ()]
    return lines
