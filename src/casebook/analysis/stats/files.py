"""Reading the small text files the command line hands to the statistics."""

from __future__ import annotations

from pathlib import Path


def text_read(path: str | Path, *, error: type[ValueError]) -> str:
    """The file's text as UTF-8, or `error` with a sentence saying why it cannot be read."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise error(f"Cannot read {path}: {problem}") from None
