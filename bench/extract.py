"""Print the extractor's speed on ~5 KB articles: a realistic news stream and the worst case.

It also times finding force names in a 100 KB article (the codebook's NameIndex, which every
article goes through) and one enormous article (~12 MB of the densest relevant text): the
extractor reads only its first MAX_CHARS characters, so that costs the same whatever the
article's length. The suite checks the results (tests/codebook/test_matching.py,
tests/monitor/test_extraction.py) without a clock; the times are printed here beside their
ceilings, as ratios.

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

from casebook.codebook.matching import NameIndex, default_codebook_path, load_codebook_file
from casebook.monitor.extraction import Extractor
from casebook.monitor.extraction.extractor import MAX_CHARS
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


FORCE_NAMES_CEILING_MS = 250.0
FORCE_PARAGRAPH = (
    "Protesters gathered on Saturday and officers from Kent Police and the Met "
    "said that several people were held; the police later issued a statement. "
)
# One enormous article must not hold a monitor worker for long (on a quiet 2-core machine).
ENORMOUS_CEILING = 10.0
DENSE = "Police arrested protesters at the march in Leeds on Saturday. "


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

    article = FORCE_PARAGRAPH * (100_000 // len(FORCE_PARAGRAPH) + 1)
    names = NameIndex.from_organisations(
        load_codebook_file(default_codebook_path())["organisations"]
    )
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        names.find_all(article)
        timings.append((time.perf_counter() - started) * 1000)
    best = min(timings)
    print(
        f"force names in a 100 KB article: {best:.0f} ms (best of 5), "
        f"ceiling {FORCE_NAMES_CEILING_MS:.0f} ms (ratio {best / FORCE_NAMES_CEILING_MS:.2f})"
    )

    enormous = DENSE * 200_000
    started = time.perf_counter()
    extractor.extract(article_id="enormous", text=enormous)
    elapsed = time.perf_counter() - started
    ratio = elapsed / ENORMOUS_CEILING
    print(
        f"enormous article ({len(enormous) / 1e6:.0f} MB, read up to {MAX_CHARS:,} characters): "
        f"{elapsed:.1f} s, ceiling {ENORMOUS_CEILING:.0f} s (ratio {ratio:.2f})"
    )


if __name__ == "__main__":
    main()
