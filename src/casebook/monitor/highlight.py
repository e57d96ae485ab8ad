"""Show an article with the words that support each extracted field highlighted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

Span = tuple[int, int, str]  # start, end, field label


def event_spans(event: Mapping[str, Any]) -> list[Span]:
    """Every span of an event and its acts, labelled "force", "act 2 · legal_basis"…

    >>> event_spans({"spans": {"force": [[0, 4]]},
    ...              "acts": [{"spans": {"count": [[10, 15]]}}]})
    [(0, 4, 'force'), (10, 15, 'act 1 · count')]
    """
    spans: list[Span] = []

    def collect(spans_by_field: Any, prefix: str) -> None:
        if not isinstance(spans_by_field, Mapping):
            return
        for name, ranges in spans_by_field.items():
            for pair in ranges or ():
                if (
                    isinstance(pair, list | tuple)
                    and len(pair) == 2
                    and all(isinstance(n, int) for n in pair)
                ):
                    spans.append((pair[0], pair[1], f"{prefix}{name}"))

    collect(event.get("spans"), "")
    for number, act in enumerate(event.get("acts") or (), start=1):
        if isinstance(act, Mapping):
            collect(act.get("spans"), f"act {number} · ")
    return spans


def highlight(text: str, spans: Iterable[Span]) -> SafeString:
    """The text, HTML-escaped, with each span wrapped in <mark> naming its field(s).

    Overlapping spans are split at every boundary, so marks never nest; a stretch covered by
    two fields names both. Spans outside the text are clipped or dropped.

    >>> str(highlight("Met held 3 <b>", [(0, 3, "force"), (9, 10, "act 1 · count")]))
    '<mark data-field="force" title="force">Met</mark> held <mark data-field="count" \
title="act 1 · count">3</mark> &lt;b&gt;'
    """
    length = len(text)
    clipped = [
        (max(0, s), min(length, e), label)
        for s, e, label in spans
        if e > s and s < length and e > 0
    ]
    if not clipped:
        return mark_safe(escape(text, quote=False))  # noqa: S308 (escaped just now)
    cuts = sorted({0, length, *(s for s, _, _ in clipped), *(e for _, e, _ in clipped)})
    parts = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[start:end], quote=False)
        labels = [label for s, e, label in clipped if s <= start and end <= e]
        if labels:
            # The country is usually read off the force's name: name the force first.
            labels = sorted(dict.fromkeys(labels), key=lambda label: label == "country")
            field = labels[0].rsplit("· ", 1)[-1]
            title = escape(", ".join(labels))
            piece = f'<mark data-field="{escape(field)}" title="{title}">{piece}</mark>'
        parts.append(piece)
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text escaped above)


def analysed_text(*, title: str, text: str, extraction: Mapping[str, Any] | None) -> str:
    """The string the extractor's spans point into: the text, or the title, a blank line and
    the text (the extractor says which in "span_base")."""
    if (extraction or {}).get("span_base") == "title+text" and title:
        return f"{title.strip()}\n\n{text}"
    return text
