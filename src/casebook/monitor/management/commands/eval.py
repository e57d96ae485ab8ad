"""`casebook eval extract GOLD.jsonl`: precision, recall and F1 of the extractor, per field."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casebook.monitor.extraction import Extractor
from casebook.monitor.extraction.evaluation import ROWS, evaluate, render_scores
from casebook.monitor.extraction.inputs import read_jsonl


def load_gold(path: str | Path) -> list[dict]:
    gold = []
    for number, record, error in read_jsonl(path):
        if record is None:
            raise CommandError(f"{path}, line {number}: {error}")
        gold.append(record)
    return gold


class Command(BaseCommand):
    help = (
        "Evaluate: `casebook eval extract GOLD.jsonl` runs the extractor over labelled "
        "articles and prints precision, recall and F1 per field beside the targets."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["extract"], help="What to evaluate.")
        parser.add_argument("gold", help="Labelled articles (JSON Lines, extraction format).")
        parser.add_argument(
            "--with-published",
            action="store_true",
            help="Give the extractor the gold 'published' date, as a feed "
            "would (default: it must find the date in the text or URL).",
        )
        parser.add_argument("--predictions", help="Also write the predictions to this file.")
        parser.add_argument("--json", action="store_true", help="Print the scores as JSON.")

    def handle(self, *args, what, gold, with_published, predictions, json: bool, **options):
        if not Path(gold).is_file():
            raise CommandError(f"No such file: {gold}")
        records = load_gold(gold)
        scores, predicted, elapsed = evaluate(records, Extractor(), with_published=with_published)
        if predictions:
            Path(predictions).write_text(
                "".join(_dumps(p) + "\n" for p in predicted), encoding="utf-8"
            )
        if json:
            self.stdout.write(_dumps({key: scores[key].as_dict() for key, _ in ROWS}))
            return
        self._table(scores, len(records), elapsed)

    def _table(self, scores, articles: int, elapsed: float) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Extraction scores on {articles} articles")
        for column in ("Field", "Precision", "Recall", "F1", "Accuracy", "Target", ""):
            table.add_column(column, justify="left" if column in {"Field", "Target"} else "right")
        for row in render_scores(scores):
            table.add_row(*row)
        console = Console(file=self.stdout, width=110, force_terminal=False)
        console.print(table)
        rate = articles / elapsed if elapsed else float("inf")
        console.print(f"{elapsed * 1000:.0f} ms extracting ({rate:.0f} articles/s)")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
