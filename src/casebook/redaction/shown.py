"""Free text as readers who may not see people read it: redacted, on every page and search.

For each free-text field (FREE_TEXT) the reader gets the approved redaction of the text as it
is now, where a coordinator approved one (incident title and summary, source title and
text), and otherwise the machine's redaction, marked as unreviewed (`ShownText.unreviewed`).

The machine's redaction of a text is computed once and stored (`AutomaticRedaction`, keyed
by the text's hash and the detection settings), so a page of 50 incidents costs one query,
not 50 runs of the language model; the search index for these readers is built from the
same redactions (`redaction/searching.py`).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import DatabaseError, models, transaction

from casebook.redaction import text as text_redaction
from casebook.redaction.models import AutomaticRedaction, RedactedDerivative, sha256_text

# Bump when detection changes in a way that should redo every stored redaction.
AUTOMATIC_VERSION = 1

# Model label -> its free-text fields: where people's names, addresses or birth dates can be
# typed. Codebook labels, dates, numbers, statuses and grades are not free text.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "cases.incident": ("title", "summary", "place"),
    "cases.act": ("offence_wording", "trigger_wording", "perpetrator_unit"),
    "cases.outcome": ("note",),
    "cases.protest": ("name", "place", "organiser", "cause"),
    "sources.source": ("title", "text", "publisher", "author"),
    "sources.incidentsource": ("supports",),
}
# Fields a coordinator can approve a redaction of (models.TEXT_FIELDS), by derivative FK.
_APPROVABLE = {"cases.incident": "incident", "sources.source": "source"}

_BATCH = 500


class ShownText(str):
    """A redacted text; `unreviewed` when it is the machine's redaction, not yet approved."""

    unreviewed: bool

    def __new__(cls, value: str, *, unreviewed: bool) -> ShownText:
        shown = super().__new__(cls, value)
        shown.unreviewed = unreviewed
        return shown


def detection_settings() -> tuple[list[str], bool]:
    from casebook.redaction.services import _keep_collar_numbers, public_figures

    return public_figures(), _keep_collar_numbers()


def _settings_fingerprint(figures: list[str], keep_collars: bool) -> str:
    content = json.dumps([AUTOMATIC_VERSION, sorted(figures), keep_collars])
    return hashlib.sha256(content.encode()).hexdigest()


def current_fingerprint() -> str:
    """What the machine's redactions made now depend on, as one hash."""
    return _settings_fingerprint(*detection_settings())


def _key(fingerprint: str, text: str) -> str:
    return hashlib.sha256(f"{fingerprint}\0{text}".encode()).hexdigest()


def automatic_redactions(texts: Iterable[str]) -> dict[str, str]:
    """Each text -> the machine's redaction of it: stored ones read in one query per 500,
    the others computed once and stored. Empty texts map to themselves."""
    wanted = {t for t in texts if t and t.strip()}
    if not wanted:
        return {}
    figures, keep_collars = detection_settings()
    fingerprint = _settings_fingerprint(figures, keep_collars)
    keys = {t: _key(fingerprint, t) for t in wanted}
    stored: dict[str, str] = {}
    key_list = list(keys.values())
    for start in range(0, len(key_list), _BATCH):
        stored |= dict(
            AutomaticRedaction.objects.filter(key__in=key_list[start : start + _BATCH]).values_list(
                "key", "text"
            )
        )
    result, new = {}, []
    for original, key in keys.items():
        if key in stored:
            result[original] = stored[key]
            continue
        redacted = text_redaction.redact_text(
            original, public_figures=figures, keep_collar_numbers=keep_collars
        ).text
        result[original] = redacted
        new.append(AutomaticRedaction(key=key, text=redacted))
    _store(new)
    return result


def _store(new: list[AutomaticRedaction]) -> None:
    if not new:
        return
    try:
        with transaction.atomic():
            AutomaticRedaction.objects.bulk_create(new, ignore_conflicts=True, batch_size=_BATCH)
    except DatabaseError:
        # A busy database: the reader still gets the redaction, computed again next time.
        pass


def approved_redactions(label: str, ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """(record id, field) -> approved redacted text, for incidents or sources; whether each
    is still current (its original unchanged) is for the caller to check by hash."""
    target = _APPROVABLE.get(label)
    ids = list(ids)
    if target is None or not ids:
        return {}
    found: dict[tuple[int, str], list[RedactedDerivative]] = defaultdict(list)
    for start in range(0, len(ids), _BATCH):
        rows = (
            RedactedDerivative.objects.approved()
            .filter(**{f"{target}_id__in": ids[start : start + _BATCH]})
            .order_by("-decided_at", "-id")
            .only(f"{target}_id", "field", "original_sha256", "text")
        )
        for row in rows:
            found[(getattr(row, f"{target}_id"), row.field)].append(row)
    return {key: _by_hash(rows) for key, rows in found.items()}  # type: ignore[misc]


def _by_hash(rows: list[RedactedDerivative]) -> dict[str, str]:
    by_hash: dict[str, str] = {}
    for row in rows:  # newest first: the newest approval of a given original wins
        by_hash.setdefault(row.original_sha256, row.text)
    return by_hash


def approved_current(approved: dict, pk: int, field: str, original: str) -> str | None:
    """The approved redaction of exactly this original text, if any."""
    return approved.get((pk, field), {}).get(sha256_text(original))


def redact_objects(objects: Iterable[models.Model]) -> None:
    """Give each object its free text as a reader who may not see people reads it.

    In place, for showing only (`cases.reading.redact_free_text` is the entry point): each
    free-text attribute becomes a `ShownText`; saving such an object is refused (receivers.py).
    """
    objects = [o for o in objects if o is not None]
    by_label: dict[str, list[models.Model]] = defaultdict(list)
    for obj in objects:
        label = obj._meta.label_lower
        if label not in FREE_TEXT:
            raise TypeError(f"{label} has no free text to redact")
        by_label[label].append(obj)
    approved = {
        label: approved_redactions(label, {o.pk for o in objs}) for label, objs in by_label.items()
    }
    pending: list[tuple[models.Model, str, str]] = []
    for label, objs in by_label.items():
        for obj in objs:
            if getattr(obj, "_casebook_redacted", False):
                continue
            for field in FREE_TEXT[label]:
                if field in obj.get_deferred_fields():
                    # Not loaded (a list loads few columns): never let it load raw later.
                    setattr(obj, field, ShownText("", unreviewed=False))
                    continue
                original = getattr(obj, field)
                if not original or isinstance(original, ShownText):
                    continue
                chosen = approved_current(approved[label], obj.pk, field, original)
                if chosen is not None:
                    setattr(obj, field, ShownText(chosen, unreviewed=False))
                else:
                    pending.append((obj, field, original))
    machine = automatic_redactions(original for _obj, _field, original in pending)
    for obj, field, original in pending:
        setattr(obj, field, ShownText(machine.get(original, ""), unreviewed=True))
    for obj in objects:
        obj._casebook_redacted = True  # type: ignore[attr-defined]
