"""Reading articles for extraction: JSON Lines of ``{id, url, title, published, text or html}``.

HTML is reduced to its main text with trafilatura when it is installed (it drops navigation,
adverts and comments); without it, a plain fallback strips tags, scripts and styles.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["article_text", "main_text", "read_jsonl"]

_DROP = re.compile(
    r"<(script|style|noscript|template|svg|nav|footer|header|aside)\b.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK = re.compile(
    r"</?(?:p|div|br|li|h[1-6]|tr|section|article|blockquote)\b[^>]*>", re.IGNORECASE
)
_TAG = re.compile(r"<[^>]+>")


def main_text(markup: str) -> str:
    """The readable main text of an HTML page ("" when there is none).

    >>> main_text("<html><body><nav>Menu</nav><p>Police arrested 3 people.</p></body></html>")
    'Police arrested 3 people.'
    """
    if not markup or not markup.strip():
        return ""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - trafilatura is a dependency; this is a safety net
        trafilatura = None
    if trafilatura is not None:
        try:
            extracted = trafilatura.extract(
                markup, include_comments=False, include_tables=False, favor_precision=True
            )
        except Exception:  # noqa: BLE001 - a page that breaks the parser falls back below
            extracted = None
        if extracted:
            return extracted
    text = _DROP.sub(" ", markup)
    text = _BLOCK.sub("\n", text)
    text = html_lib.unescape(_TAG.sub(" ", text))
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def article_text(record: Mapping[str, Any]) -> str:
    """The text of an input record: its ``text``, else the main text of its ``html``."""
    text = record.get("text")
    if isinstance(text, str) and text.strip():
        return text
    markup = record.get("html")
    return main_text(markup) if isinstance(markup, str) else ""


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Yield ``(line number, record, error)`` for each non-blank line of a JSON Lines file."""
    with Path(path).open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, None, f"not JSON: {error.msg}"
                continue
            if not isinstance(record, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, record, None
