"""What every check shares: the refusal, its reasons, reading the bytes, the markup and pixel
checks.
"""

from __future__ import annotations

import mmap
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import BinaryIO

ACCEPTED = (
    "JPEG, PNG, WebP and HEIC photos; MP4 and MOV video; MP3, M4A, Ogg and WAV audio; PDF "
    "documents; and plain UTF-8 text"
)


class EvidenceRefused(Exception):
    """The file is not accepted. `reason` is a sentence for the person who uploaded it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sniffed:
    media_type: str
    width: int | None = None
    height: int | None = None


def human_size(n: float) -> str:
    """Bytes for people.

    >>> human_size(200 * 1024 * 1024)
    '200 MB'
    """
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.3g} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


# --- Reading the bytes -------------------------------------------------------------------------


@contextmanager
def bytes_of(fileobj: BinaryIO, size: int) -> Iterator[bytes | mmap.mmap]:
    """The whole file as a bytes-like object: mapped when it is on disk, read when in memory."""
    try:
        fileno = fileobj.fileno()
    except (AttributeError, OSError, ValueError):
        fileno = None
    if fileno is not None:
        with mmap.mmap(fileno, 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped
        return
    fileobj.seek(0)
    yield fileobj.read(size + 1)


def file_size(fileobj: BinaryIO) -> int:
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    return size


# --- Reasons given to the uploader ------------------------------------------------------------

ARCHIVE_REASON = (
    "It is {what}. Archives are not accepted, because they can hide anything: upload the "
    "files inside it one by one."
)
PROGRAM_REASON = "It is {what}. Programs and scripts are never accepted."
MARKUP_REASON = (
    "It is an HTML, SVG or XML document. These are not accepted because they can carry "
    "scripts; save it as PDF and upload that."
)
NOT_ON_LIST_REASON = "It is {what}, which is not on the list of accepted types ({accepted})."
TRAILING_REASON = (
    "There is extra data after the end of the {what}, which is how files that are two "
    "things at once are made. Export it again from the camera or an editor and upload that."
)
TRUNCATED_REASON = (
    "The {what} is incomplete (truncated or damaged): it ends before its own structure says "
    "it should. Upload the complete file."
)
METADATA_MARKUP_REASON = (
    "The image's metadata contains web-page or script markup, which has no place in a photo. "
    "It is refused; export the image again without metadata and upload that."
)
ZIP_HIDDEN_REASON = (
    "A ZIP archive is hidden inside this file (a 'polyglot' file, which can be opened as two "
    "different things). It is refused; export the photo, video or document again and upload "
    "that."
)

# Markup anywhere in text, in a PDF's raw bytes, or in an image's metadata: what a browser
# that ignored our Content-Type would run.
MARKUP_ANYWHERE = re.compile(
    rb"<\s*(?:script|html|svg|iframe|object|embed|body|!doctype\s+html)\b", re.IGNORECASE
)


def check_metadata_payload(payload) -> None:
    if MARKUP_ANYWHERE.search(payload):
        raise EvidenceRefused(METADATA_MARKUP_REASON)
    if payload.find(b"PK\x03\x04") != -1:
        raise EvidenceRefused(ZIP_HIDDEN_REASON)


PIXEL_FLOOD_REASON = (
    "The image says it is {width:,} × {height:,} pixels, more than the limit of {limit:,} "
    "pixels. Images that large are refused because decoding them could exhaust the server "
    "(a 'decompression bomb'); resize it and upload it again."
)
# The limit of the sniff in progress (per thread: the web server runs several).
PIXEL_LIMIT: ContextVar[int] = ContextVar("evidence_pixel_limit", default=100_000_000)


def refuse_pixel_flood(width: int, height: int) -> None:
    """Checked on the dimensions a file declares, before a single pixel is decoded."""
    limit = PIXEL_LIMIT.get()
    if width * height > limit:
        raise EvidenceRefused(PIXEL_FLOOD_REASON.format(width=width, height=height, limit=limit))


def riff_chunks(data, what: str) -> list[tuple[bytes, int, int]]:
    """(id, start, length) of each chunk of a RIFF file whose size must match the file."""
    size = len(data)
    declared = struct.unpack_from("<I", data, 4)[0] + 8
    if declared > size:
        raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
    if size > declared + (declared & 1):
        raise EvidenceRefused(TRAILING_REASON.format(what=what))
    chunks, position = [], 12
    while position + 8 <= declared:
        chunk_id, length = struct.unpack_from("<4sI", data, position)
        if not all(32 <= byte < 127 for byte in chunk_id):
            raise EvidenceRefused(f"The {what} is damaged: one of its parts is malformed.")
        if position + 8 + length > declared:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        chunks.append((chunk_id, position + 8, length))
        position += 8 + length + (length & 1)
    if position < declared - 1:
        raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
    return chunks
