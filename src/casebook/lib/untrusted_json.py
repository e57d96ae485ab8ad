"""JSON from outside (an uploaded file, a request body, a line of a feed dump), read safely.

Python's parser raises `RecursionError` on a few thousand nested brackets ("[[[[…") and a
plain `ValueError` on an integer of more than 4,300 digits; neither is a `JSONDecodeError`,
so code that catches only that let them through as a server error. `json_loads_untrusted`
turns both, and anything nested deeper than any of our layouts needs, into one exception
with a message for the person who made the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

# Deeper than any layout Casebook reads (an incident's act's person is 5 levels down), and
# far below the interpreter's recursion limit, so that no later walk over the data recurses
# into trouble either.
MAX_DEPTH = 64


class UntrustedJsonError(ValueError):
    """The text is not JSON we can read; the message says why, in words for its author.

    `syntax` is the parser's own error when the text is simply not JSON (its position helps
    to word the message for one line of a JSON Lines file), None for a hostile text.
    """

    def __init__(self, message: str, syntax: json.JSONDecodeError | None = None) -> None:
        super().__init__(message)
        self.syntax = syntax


def json_loads_untrusted(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads`, refusing hostile nesting and numbers with a readable message.

    >>> json_loads_untrusted('{"a": [1, 2]}')
    {'a': [1, 2]}
    >>> try:
    ...     json_loads_untrusted("[" * 100 + "]" * 100)
    ... except UntrustedJsonError as error:
    ...     print(str(error)[:34])
    is nested more than 64 levels deep
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UntrustedJsonError(
            f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}).",
            syntax=error,
        ) from None
    except RecursionError:
        raise _too_deep(max_depth) from None
    except UnicodeDecodeError:
        raise UntrustedJsonError("is not UTF-8 text.") from None
    except ValueError:
        # int() refuses numbers of more than sys.get_int_max_str_digits() digits.
        raise UntrustedJsonError(
            "holds a number with thousands of digits, which is no count or "
            "coordinate; check the file."
        ) from None
    if _depth_exceeds(data, max_depth):
        raise _too_deep(max_depth)
    return data


def _too_deep(max_depth: int) -> UntrustedJsonError:
    return UntrustedJsonError(
        f"is nested more than {max_depth} levels deep; no data Casebook reads is built like "
        "that. Check that it is the file you meant."
    )


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Is any list or object nested deeper than `limit`? Walked without recursion.

    >>> _depth_exceeds([[[]]], 3), _depth_exceeds([[[]]], 2)
    (False, True)
    """
    waiting: list[tuple[Any, int]] = [(data, 1)]
    while waiting:
        value, depth = waiting.pop()
        children: Iterable[Any]
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        waiting.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
