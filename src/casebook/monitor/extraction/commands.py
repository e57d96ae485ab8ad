"""`casebook extract` and `casebook eval extract`: pure functions of their input files.

Neither needs Django, a database, a secret key or an installation (`casebook init`): the
`casebook` command runs them before it sets Django up, so that anyone can run the extractor
over a file of articles. The management commands of the same names call these functions too.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from casebook.monitor.extraction.evaluation import (
    PARTS,
    ROWS,
    disagreements,
    evaluate,
    render_scores,
    select_part,
)
from casebook.monitor.extraction.extractor import Extractor
from casebook.monitor.extraction.inputs import article_text, read_jsonl

__all__ = ["UsageError", "eval_main", "extract_file", "extract_main", "load_gold"]


class UsageError(Exception):
    """A problem with the command's input, told to the user in one line."""


def extract_file(path: str | Path, out: IO[str], *, extractor: Extractor | None = None) -> dict:
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
        out.write(_dumps(result) + "\n")
    return counts


def extract_to(file: str, output: str | None, stdout: IO[str]) -> dict:
    """Extract *file* to *output* (written whole or not at all), or to *stdout*."""
    if not Path(file).is_file():
        raise UsageError(f"No such file: {file}")
    if not output:
        return extract_file(file, stdout)
    target = Path(output)
    partial = target.with_name(target.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        counts = extract_file(file, out)
    partial.replace(target)
    return counts


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Labelled articles from a JSON Lines file; a bad line stops with its number."""
    if not Path(path).is_file():
        raise UsageError(f"No such file: {path}")
    gold = []
    for number, record, error in read_jsonl(path):
        if record is None:
            raise UsageError(f"{path}, line {number}: {error}")
        if "id" not in record:
            raise UsageError(f"{path}, line {number}: no 'id'; every labelled article needs one")
        gold.append(record)
    return gold


def evaluate_file(
    gold_path: str,
    stdout: IO[str],
    *,
    with_published: bool = False,
    predictions: str | None = None,
    as_json: bool = False,
    part: str | None = None,
    errors: bool = False,
) -> None:
    """Score the extractor on a labelled file and print the table (or JSON) to *stdout*."""
    if errors and part == "held-out":
        raise UsageError(
            "The held-out half is scored, never shown: --errors works on --part working "
            "(or on a whole file)."
        )
    records = select_part(load_gold(gold_path), part)
    if not records:
        raise UsageError(f"{gold_path}: no labelled articles to score")
    scores, predicted, elapsed = evaluate(records, Extractor(), with_published=with_published)
    if predictions:
        Path(predictions).write_text("".join(_dumps(p) + "\n" for p in predicted), encoding="utf-8")
    if as_json:
        stdout.write(_dumps({key: scores[key].as_dict() for key, _ in ROWS}) + "\n")
        return
    if errors:
        for line in disagreements(records, predicted):
            stdout.write(line + "\n")
    _table(stdout, scores, len(records), elapsed, part)


def _table(stdout: IO[str], scores, articles: int, elapsed: float, part: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    which = f" ({part} half)" if part else ""
    table = Table(title=f"Extraction scores on {articles} articles{which}")
    for column in ("Field", "Precision", "Recall", "F1", "Accuracy", "Target", ""):
        table.add_column(column, justify="left" if column in {"Field", "Target"} else "right")
    for row in render_scores(scores):
        table.add_row(*row)
    console = Console(file=stdout, width=120, force_terminal=False)
    console.print(table)
    rate = articles / elapsed if elapsed else float("inf")
    console.print(f"{elapsed * 1000:.0f} ms extracting ({rate:.0f} articles/s)")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def extract_parser(prog: str = "casebook extract") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Extract candidate incidents from articles in a JSON Lines file of "
        "{id, url, title, published, text or html}; write the extraction format as JSON "
        "Lines, with the spans of the words behind every field.",
    )
    parser.add_argument("file", help="JSON Lines input.")
    parser.add_argument("-o", "--output", help="File to write (default: standard output).")
    return parser


def eval_parser(prog: str = "casebook eval") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="`casebook eval extract GOLD.jsonl` runs the extractor over labelled "
        "articles and prints precision, recall and F1 per field beside the targets.",
    )
    add_eval_arguments(parser)
    return parser


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
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
    parser.add_argument(
        "--part",
        choices=PARTS,
        help="Score one half of the file, split by a hash of each id: study the working half, "
        "keep the held-out half out of sight.",
    )
    parser.add_argument(
        "--errors",
        action="store_true",
        help="Also print every article where the extractor and the label disagree "
        "(refused on the held-out half).",
    )


def extract_main(argv: Sequence[str], stdout: IO[str] = sys.stdout) -> int:
    options = extract_parser().parse_args(list(argv))
    try:
        counts = extract_to(options.file, options.output, stdout)
    except UsageError as error:
        print(f"casebook extract: {error}", file=sys.stderr)
        return 2
    print(
        f"{counts['read']} articles, {counts['relevant']} relevant, "
        f"{counts['skipped']} lines skipped",
        file=sys.stderr,
    )
    return 0


def eval_main(argv: Sequence[str], stdout: IO[str] = sys.stdout) -> int:
    options = eval_parser().parse_args(list(argv))
    try:
        evaluate_file(
            options.gold,
            stdout,
            with_published=options.with_published,
            predictions=options.predictions,
            as_json=options.json,
            part=options.part,
            errors=options.errors,
        )
    except UsageError as error:
        print(f"casebook eval: {error}", file=sys.stderr)
        return 2
    return 0


# The `casebook` commands that run without Django: name -> main(argv after the name).
PURE_COMMANDS = {"extract": extract_main, "eval": eval_main}
