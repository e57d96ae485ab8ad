"""Recognise duplicate and syndicated copies of the same story.

Two checks, cheapest first:

1. **Exact**: the SHA-256 of the normalised text (case, spacing and punctuation folded), so a
   copy re-published with different markup or curly quotes is still the same text.
2. **Near-duplicate**: a *bottom-k sketch* (the k smallest hashes of the text's five-word
   shingles). Syndicated copies share most shingles even when one adds a by-line, drops the
   last paragraphs or rewrites the headline; two different reports of the same protest share
   almost none, which is what we want here (linking those is the casebook's job, not the
   monitor's).

One hash per shingle and a partial sort keep this at well under a millisecond per article in
pure Python (a classic MinHash with 64 permutations costs 64 hashes per shingle). The sketch
values are stored in an indexed table, so the possible originals of a new page are the pages
that share a few values with it, found by one query.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import zlib
from dataclasses import dataclass

SKETCH_SIZE = 64
SHINGLE_WORDS = 5
# Pages sharing fewer sketch values than this are not even compared.
MIN_SHARED_VALUES = 4
# A copy whose shingles are mostly contained in the original (or the other way round) is a
# syndicated copy: a truncated version has Jaccard ~0.5 but containment ~1.
NEAR_DUPLICATE_CONTAINMENT = 0.7

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-cased words, punctuation dropped.

    >>> words("Police said: “Three were ARRESTED.”")
    ['police', 'said', 'three', 'were', 'arrested']
    """
    return _WORD.findall(text.casefold())


def text_fingerprint(text: str) -> str:
    """SHA-256 of the text's words, so markup, case and punctuation changes do not matter.

    >>> text_fingerprint("Three arrested.") == text_fingerprint("three  ARRESTED")
    True
    """
    return hashlib.sha256(" ".join(words(text)).encode()).hexdigest()


@dataclass(frozen=True)
class Sketch:
    """The k smallest shingle hashes of a text, and how many distinct shingles it has."""

    values: tuple[int, ...]
    shingles: int


def sketch(text: str, *, size: int = SKETCH_SIZE, width: int = SHINGLE_WORDS) -> Sketch:
    """The bottom-k sketch of a text's word shingles.

    Texts shorter than one shingle are sketched as one shingle of all their words.

    >>> s = sketch("one two three four five six")
    >>> s.shingles, len(s.values)
    (2, 2)
    """
    tokens = words(text)
    if len(tokens) < width:
        grams = {" ".join(tokens)} if tokens else set()
    else:
        grams = {" ".join(tokens[i : i + width]) for i in range(len(tokens) - width + 1)}
    hashes = {zlib.crc32(gram.encode()) for gram in grams}
    return Sketch(values=tuple(sorted(heapq.nsmallest(size, hashes))), shingles=len(hashes))


def jaccard(a: Sketch, b: Sketch, *, size: int = SKETCH_SIZE) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets.

    The k smallest values of the union are a random sample of it; the share of them present
    in both sketches estimates |A ∩ B| / |A ∪ B|.

    >>> s = sketch("the march went from the park to the square and back again")
    >>> jaccard(s, s)
    1.0
    """
    if not a.values or not b.values:
        return 0.0
    set_a, set_b = set(a.values), set(b.values)
    union = heapq.nsmallest(size, set_a | set_b)
    both = sum(1 for value in union if value in set_a and value in set_b)
    return both / len(union)


def containment(a: Sketch, b: Sketch) -> float:
    """Estimated share of the smaller text's shingles that the other text also has.

    From the Jaccard estimate J and the set sizes: |A ∩ B| = J (|A| + |B|) / (1 + J).
    """
    similarity = jaccard(a, b)
    if not similarity:
        return 0.0
    common = similarity * (a.shingles + b.shingles) / (1 + similarity)
    return min(1.0, common / max(1, min(a.shingles, b.shingles)))


def is_near_duplicate(a: Sketch, b: Sketch) -> bool:
    """Is one text a (possibly shortened or lightly edited) copy of the other?

    >>> story = " ".join(f"word{n}" for n in range(300))
    >>> is_near_duplicate(sketch(story), sketch("By a staff reporter. " + story[:1500]))
    True
    >>> is_near_duplicate(sketch(story), sketch(" ".join(f"other{n}" for n in range(300))))
    False
    """
    return containment(a, b) >= NEAR_DUPLICATE_CONTAINMENT
