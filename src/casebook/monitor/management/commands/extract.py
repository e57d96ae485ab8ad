"""`casebook extract FILE.jsonl [-o OUT]`: articles in, candidate incidents out (JSON Lines)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casebook.monitor.extraction import Extractor
from casebook.monitor.extraction.inputs import article_text, read_jsonl


def extract_file(path: str | Path, out, *, extractor: Extractor | None = None) -> dict[str, int]:
    """Extract every article of a JSON Lines file to *out* (one JSON object per line).

    A line that is not a JSON object is reported on standard error and skipped; it never
    stops the run. Returns counts of articles read, relevant and skipped.
    """
    extractor = extractor or Extractor()
    counts = {"read": 0, "relevant": 0, "skipped": 0}
    for number, record, error in read_jsonl(path):
        if record is None:
            counts["skipped"] += 1
            print(f"line {number}: skipped ({error})", file=sys.stderr)
            continue
        counts["read"] += 1
        result = extractor.extract(
            article_id=str(record.get("id", number)),
            text=article_text(record),
            title=record.get("title") or "",
            url=record.get("url") or "",
            published=record.get("published"),
        )
        counts["relevant"] += result["relevant"]
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return counts


class Command(BaseCommand):
    help = (
        "Extract candidate incidents from articles in a JSON Lines file of "
        "{id, url, title, published, text or html}; write the extraction format as JSON "
        "Lines, with the spans of the words behind every field."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines input.")
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")

    def handle(self, *args, file, output, **options):
        if not Path(file).is_file():
            raise CommandError(f"No such file: {file}")
        if output:
            # Written beside the target and moved into place: never a half-written file.
            target = Path(output)
            partial = target.with_name(target.name + ".partial")
            with partial.open("w", encoding="utf-8") as out:
                counts = extract_file(file, out)
            partial.replace(target)
        else:
            counts = extract_file(file, self.stdout)
        self.stderr.write(
            f"{counts['read']} articles, {counts['relevant']} relevant, "
            f"{counts['skipped']} lines skipped"
        )
