"""The shape linkage works on: one incident (or one report of one) flattened into plain values.

Framework-free on purpose: the casebook, an import file and the synthetic generator all turn
what they hold into `LinkageRecord`s, and everything after that (blocking, comparison,
training, clustering, explanations) sees only these. People appear only as the keyed hashes
of the blind index (`people.keys.blind_index`), never as names: linkage never decrypts anyone.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

EPOCH = dt.date(1970, 1, 1)

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans("", "", "'’`")
# Words that say nothing about which event a text describes.
STOPWORDS = frozenset(
    """a about after against all also an and any are as at be been before being but by
    can could did do does during each for from had has have he her here him his how i if
    in into is it its just me more most my no not of on one or other our out over said
    she so some such than that the their them then there these they this those through to
    up very was we were what when where which while who whom why will with would you your
    police officers officer protest protesters protester people person man woman later
    today yesterday day week during told says say""".split()  # noqa: SIM905
)


def _words(text: str) -> list[str]:
    text = text or ""
    if text.isascii():  # most text: nothing to take apart (ten times faster)
        plain = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(plain.translate(_APOSTROPHES).casefold())


def fold(text: str) -> str:
    """Lower case, no accents, no apostrophes: how names and words are compared.

    >>> fold("  King’s Cross STATION ")
    'kings cross station'
    """
    return " ".join(_words(text))


def content_words(text: str) -> list[str]:
    """The distinct words of a text that can tell one event from another, in order.

    Numbers are left out (counts are compared on their own, with a tolerance), and so are
    words that every report uses ("police", "the").

    >>> content_words("Police arrested 3 people over a placard reading 'Free speech'")
    ['arrested', 'placard', 'reading', 'free', 'speech']
    """
    return list(dict.fromkeys(w for w in _words(text) if w not in STOPWORDS and not w.isdigit()))


def word_hashes(words: list[str]) -> list[int]:
    """Words as 32-bit checksums: backends compare lists of numbers twice as fast as lists
    of strings, and a collision between two words of the same texts is vanishingly rare.

    >>> word_hashes(["placard", "placard"]) == word_hashes(["placard"]) * 2
    True
    """
    return [_word_hash(word) for word in words]


@functools.lru_cache(maxsize=1 << 17)
def _word_hash(word: str) -> int:
    # Texts share most of their words: each is hashed once (a casebook's vocabulary is small).
    return zlib.crc32(word.encode())


@functools.lru_cache(maxsize=1 << 14)
def place_key(place: str) -> str:
    """A place name as blocking and comparison see it: folded, the town kept.

    >>> place_key("Parliament Square, London")
    'parliament square london'
    """
    return fold(place)


@functools.lru_cache(maxsize=1 << 14)
def town_of(place: str) -> str:
    """The town of a place written 'spot, town' (or the place itself).

    >>> town_of("Parliament Square, London"), town_of("Leeds")
    ('london', 'leeds')
    """
    return fold(place.rpartition(",")[2]) if place else ""


# A street as reports name one: up to three capitalised words and a kind of street ("Mill
# Lane", "Upper Brook Street"). Where within a town an incident happened tells apart two
# incidents of one protest, which agree on the day, the place given and the town.
_STREET = re.compile(
    r"\b(?:[A-Z][\w’'-]*\s+){1,3}?(?:Road|Street|Lane|Close|Avenue|Terrace|Gardens|Row|Way|"
    r"Place|Square|Drive|Crescent|Walk|Hill|Grove|Parade|Circus|Embankment)\b"
)
# Words quoted from a placard, chant or post ('Hands off our High Street'), not a place.
_QUOTED = re.compile(r"(?<!\w)['‘\"“][^'’\"”]+['’\"”](?!\w)")


def streets_named(text: str) -> list[str]:
    """The streets a text names (folded, distinct, in order), quotations left out.

    >>> streets_named("Arrests near Upper Brook Street; a sign read 'Save our High Street'.")
    ['upper brook street']
    """
    return list(dict.fromkeys(fold(m.group(0)) for m in _STREET.finditer(_QUOTED.sub(" ", text))))


@dataclass(frozen=True)
class ActSummary:
    """One act as linkage sees it: its type, and how many people when a source says."""

    act_type: str
    number: int | None = None
    approximate: bool = False


@dataclass(frozen=True)
class LinkageRecord:
    """An incident flattened for comparison.

    `force`, `act_types` and `provisions` are codebook slugs (aliases already resolved);
    `evidence_sha256` and `evidence_phash` come from the evidence vault (the perceptual hash
    as 16 hexadecimal digits, images only); `people_hashes` are blind-index tokens of the
    people's whole names and contacts.
    """

    record_id: str
    date: dt.date | None
    date_precision: str = "day"  # day, month or year
    force: str | None = None
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    protest: str | None = None
    acts: Sequence[ActSummary] = ()
    provisions: Sequence[str] = ()
    trigger_wording: str = ""
    title: str = ""
    summary: str = ""
    evidence_sha256: Sequence[str] = ()
    evidence_phash: Sequence[str] = ()
    people_hashes: Sequence[str] = ()
    channels: Sequence[str] = field(default=())
    time: dt.time | None = None  # of day, when the source says

    @property
    def main_act(self) -> ActSummary | None:
        """The first act, as the incident ranks its acts (an import's order, the editor's
        positions): what the report is about, its follow-ups after it."""
        return self.acts[0] if self.acts else None

    @property
    def headline_count(self) -> int | None:
        """How many people the main act names (None when it gives no number).

        Not the largest number of any act: a report that leaves out a follow-up (the 12
        people pushed back besides the 3 arrested) would then compare another act's count.
        """
        return self.acts[0].number if self.acts else None

    @property
    def act_types(self) -> list[str]:
        return sorted({a.act_type for a in self.acts})


PHASH_BAND_DIGITS = 4  # four 16-bit bands: see phash_bands
# Bits two perceptual hashes may differ in and still be one photo. Re-encoded and resized
# copies of real photographs differ in 0 bits, slightly cropped ones in up to about 10,
# different photographs in 24 or more (out of 64; tests/linkage/test_photos.py).
SAME_PHOTO_BITS = 8


def phash_value(phash: str) -> int:
    """A perceptual hash (16 hex digits) as a signed 64-bit integer, which backends XOR.

    >>> phash_value("0000000000000003"), phash_value("ffffffffffffffff")
    (3, -1)
    """
    value = phash.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{16}", value):
        raise ValueError("a perceptual hash is 16 hexadecimal digits")
    number = int(value, 16)
    return number - (1 << 64) if number >= 1 << 63 else number


def phash_distance(a: str, b: str) -> int:
    """How many of the 64 bits two perceptual hashes differ in (Hamming distance).

    >>> phash_distance("fe6eb943d4a0005f", "fe6eb943d4a0005e")
    1
    """
    return bin((phash_value(a) ^ phash_value(b)) & (1 << 64) - 1).count("1")


def phash_bands(phash: str) -> list[str]:
    """A 64-bit perceptual hash cut into four 16-bit bands, each tagged with its place.

    For blocking: two hashes that differ in at most three bits leave at least one band whole
    (four bands, three changes), so copies of one photo meet on a band, while two different
    photos share a given band about once in 65,536. The comparison then counts the bits.

    >>> phash_bands("fe6eb943d4a0005f")
    ['0fe6e', '1b943', '2d4a0', '3005f']
    """
    phash_value(phash)  # checks the form
    value, width = phash.strip().lower(), PHASH_BAND_DIGITS
    return [f"{i}{value[width * i : width * (i + 1)]}" for i in range(16 // width)]


# Columns of the table every backend is given, in order (see `record_row`).
COLUMNS = (
    "unique_id",
    "force",
    "date",
    "date_precision",
    "month_key",
    "day",
    "minute",
    "place_key",
    "town_key",
    "latitude",
    "longitude",
    "protest",
    "act_types",
    "main_act",
    "headline_count",
    "count_approximate",
    "provisions",
    "trigger_words",
    "text_words",
    "streets",
    "evidence_sha256",
    "evidence_phash",
    "phash_values",
    "phash_bands",
    "people_hashes",
)


# Words in more than this share of the records say little about which event a text
# describes ("spokesperson", "Saturday", "London"): left out of the comparison of texts and
# of trigger wording, which then weighs the words particular to an event (a street, an
# organiser, what a placard said). Measured on synthetic reports, leaving them out takes the
# share of a text's words kept from all to about half and separates matches from
# non-matches markedly better.
COMMON_WORD_SHARE = 0.05
# Below this many records the shares mean little: no word is set aside.
COMMON_WORDS_FROM = 500


@dataclass(frozen=True)
class CommonWords:
    """Word checksums (see `word_hashes`) too common to tell events apart, per field."""

    text: frozenset[int] = frozenset()
    trigger: frozenset[int] = frozenset()

    def as_dict(self) -> dict[str, list[int]]:
        return {"text": sorted(self.text), "trigger": sorted(self.trigger)}

    @classmethod
    def from_dict(cls, data: dict | None) -> CommonWords:
        data = data or {}
        return cls(frozenset(data.get("text", ())), frozenset(data.get("trigger", ())))


@dataclass(frozen=True)
class RecordWords:
    """The checksums of a record's content words: of its title and summary, of its trigger
    wording. Worked out once per record (the costliest part of making a table)."""

    text: list[int]
    trigger: list[int]

    @classmethod
    def of(cls, record: LinkageRecord) -> RecordWords:
        return cls(
            text=word_hashes(content_words(f"{record.title} {record.summary}")),
            trigger=word_hashes(content_words(record.trigger_wording)),
        )


def common_words(
    records: Sequence[LinkageRecord], words: Sequence[RecordWords] | None = None
) -> CommonWords:
    """The words of texts and of trigger wording found in more than COMMON_WORD_SHARE of
    `records` (none when there are fewer than COMMON_WORDS_FROM records).

    Learnt with the model from the casebook and kept with it, so that a few records
    compared later against the casebook leave out the same words.
    """
    if len(records) < COMMON_WORDS_FROM:
        return CommonWords()
    most = COMMON_WORD_SHARE * len(records)
    text: Counter[int] = Counter()
    trigger: Counter[int] = Counter()
    for found in words or [RecordWords.of(record) for record in records]:
        text.update(set(found.text))
        trigger.update(set(found.trigger))
    return CommonWords(
        text=frozenset(word for word, count in text.items() if count > most),
        trigger=frozenset(word for word, count in trigger.items() if count > most),
    )


def record_row(
    record: LinkageRecord, common: CommonWords | None = None, words: RecordWords | None = None
) -> dict:
    """The row a backend gets for one record: plain values and arrays, empty as NULL.

    Empty strings and arrays become NULL so that splink treats them as "not known" (the
    comparison's null level, weight 0) rather than as a disagreement. Words in `common`
    are left out.
    """
    common = common or CommonWords()
    words = words or RecordWords.of(record)
    date = record.date
    main = record.main_act
    phashes = record.evidence_phash
    # A month- or year-precise date is the first of its month; it has no day number (it
    # would meet the wrong days), only the month.
    precise = date is not None and record.date_precision == "day"
    place = record.place
    return {
        "unique_id": record.record_id,
        "force": record.force or None,
        "date": date,
        "date_precision": record.date_precision if date else None,
        "month_key": f"{date.year:04d}-{date.month:02d}"
        if date and record.date_precision != "year"
        else None,
        "day": (date - EPOCH).days if precise else None,
        # The time of day as minutes after midnight: two incidents of one protest (arrests
        # as the march set off, more at its end) differ in it where little else does.
        "minute": record.time.hour * 60 + record.time.minute if record.time else None,
        "place_key": (place_key(place) or None) if place else None,
        "town_key": (town_of(place) or None) if place else None,
        "latitude": record.latitude,
        "longitude": record.longitude,
        "protest": record.protest or None,
        "act_types": record.act_types or None,
        "main_act": main.act_type if main else None,
        "headline_count": main.number if main else None,
        "count_approximate": bool(main and main.number is not None and main.approximate),
        "provisions": _distinct(record.provisions),
        "trigger_words": [w for w in words.trigger if w not in common.trigger] or None,
        "text_words": [w for w in words.text if w not in common.text] or None,
        "streets": _distinct(streets_named(f"{record.title} {record.summary}")),
        "evidence_sha256": _distinct(record.evidence_sha256),
        "evidence_phash": _distinct(phashes),
        "phash_values": sorted({phash_value(p) for p in phashes}) if phashes else None,
        "phash_bands": sorted({band for p in phashes for band in phash_bands(p)})
        if phashes
        else None,
        "people_hashes": _distinct(record.people_hashes),
    }


def _distinct(values: Sequence[str]) -> list[str] | None:
    """Sorted and distinct, or None for none (splink's "not known")."""
    return sorted(set(values)) if values else None


def records_table(
    records: Sequence[LinkageRecord],
    common: CommonWords | None = None,
    words: Sequence[RecordWords] | None = None,
):
    """The records as one pyarrow table with a fixed schema (so an all-NULL column keeps
    its type, and DuckDB and Spark read the same thing); words in `common` left out."""
    import pyarrow as pa

    strings = pa.list_(pa.string())
    numbers = pa.list_(pa.int64())
    schema = pa.schema(
        [
            ("unique_id", pa.string()),
            ("force", pa.string()),
            ("date", pa.date32()),
            ("date_precision", pa.string()),
            ("month_key", pa.string()),
            ("day", pa.int64()),
            ("minute", pa.int64()),
            ("place_key", pa.string()),
            ("town_key", pa.string()),
            ("latitude", pa.float64()),
            ("longitude", pa.float64()),
            ("protest", pa.string()),
            ("act_types", strings),
            ("main_act", pa.string()),
            ("headline_count", pa.int64()),
            ("count_approximate", pa.bool_()),
            ("provisions", strings),
            ("trigger_words", numbers),
            ("text_words", numbers),
            ("streets", strings),
            ("evidence_sha256", strings),
            ("evidence_phash", strings),
            ("phash_values", numbers),
            ("phash_bands", strings),
            ("people_hashes", strings),
        ]
    )
    found = words or [RecordWords.of(record) for record in records]
    rows = [record_row(r, common, w) for r, w in zip(records, found, strict=True)]
    return pa.Table.from_pydict(
        {name: [row[name] for row in rows] for name in schema.names}, schema=schema
    )
