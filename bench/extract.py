"""Print the extractor's speed on ~5 KB articles: a realistic news stream and the worst case.

    .venv/bin/python bench/extract.py [--articles N] [--gold ../shared/eval-dev/articles.jsonl]

The stream mixes, like the monitor's feeds, about 5% articles about protest policing, 15% that
mention protests without police action, and 80% general news. Article bodies come from the
labelled development set when it is there (read at run time, never copied) or from the test
fixtures, padded to ~5 KB with general-news paragraphs written for this benchmark.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from casebook.monitor.extraction import Extractor
from casebook.monitor.extraction.inputs import article_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT.parent / "shared" / "eval-dev" / "articles.jsonl"
FIXTURES = ROOT / "tests" / "monitor" / "fixtures" / "articles.jsonl"

FILLER = [
    "The council confirmed on Tuesday that the budget for road repairs would rise by four per "
    "cent next year, after a consultation in which residents complained about potholes on "
    "several main routes into the town centre.",
    "Shares in the retailer fell sharply in early trading after it warned that sales over the "
    "summer had been weaker than expected, blaming wet weather and cautious shoppers.",
    "Forecasters said temperatures would climb into the mid-twenties by the weekend, with the "
    "warmest conditions expected in the south-east before showers move in from the west.",
    "The club's manager said he was pleased with the squad's fitness ahead of the new season, "
    "although two first-team players are still recovering from injuries picked up in training.",
    "A new library opened in the village last month after a fundraising campaign by local "
    "volunteers, who collected books, furniture and computers from dozens of donors.",
    "Hospital leaders said waiting times for routine operations had fallen slightly, but warned "
    "that staff shortages in several departments were still causing delays for patients.",
    "The rail operator apologised for cancellations on the line and said engineering work on "
    "the signalling system was expected to finish before the end of the month.",
    "Planning officers recommended approval for the housing scheme, which would include a new "
    "primary school, a health centre and more than three hundred homes on the edge of the town.",
]


def _pad(text: str, rng: random.Random, size: int = 5000) -> str:
    parts = [text]
    while sum(len(p) for p in parts) < size:
        parts.append(rng.choice(FILLER))
    return "\n\n".join(parts)


def _general(rng: random.Random, size: int = 5000) -> str:
    return _pad(rng.choice(FILLER), rng, size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    args = parser.parse_args()
    source = args.gold if args.gold.is_file() else FIXTURES
    records = [
        json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    relevant = [article_text(r) for r in records if r.get("relevant", True)]
    mentions = [article_text(r) for r in records if r.get("relevant") is False] or relevant
    rng = random.Random(7)

    started = time.perf_counter()
    extractor = Extractor()
    print(f"building the extractor: {(time.perf_counter() - started) * 1000:.0f} ms")

    stream = []
    for _ in range(args.articles):
        roll = rng.random()
        if roll < 0.05:
            stream.append(_pad(rng.choice(relevant), rng))
        elif roll < 0.20:
            stream.append(_pad(rng.choice(mentions), rng))
        else:
            stream.append(_general(rng))
    worst = [_pad(text, rng) for text in relevant] * max(1, 200 // max(1, len(relevant)))

    for name, texts in (("news stream (5% relevant)", stream), ("relevant articles only", worst)):
        started = time.perf_counter()
        for number, text in enumerate(texts):
            extractor.extract(article_id=str(number), text=text)
        elapsed = time.perf_counter() - started
        size = sum(len(t) for t in texts) / len(texts) / 1000
        print(
            f"{name}: {len(texts) / elapsed:,.0f} articles/s "
            f"({len(texts)} articles of {size:.1f} KB, one core)"
        )


if __name__ == "__main__":
    main()
