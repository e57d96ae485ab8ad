"""Decide what a file is from its bytes, and refuse everything not on the allowlist.

The name and the browser's Content-Type are never consulted. Each accepted type is checked
structurally from its first byte to its last, because the dangerous files are the ones that
are two things at once: a JPEG that is also a ZIP, a PDF that is also a web page, a PNG with
a script in a text chunk. Anything the checks cannot account for is refused with a sentence
that says why; nothing is written anywhere while deciding.

    >>> import io
    >>> sniff(io.BytesIO(b"Notes from the march.\\n")).media_type
    'text/plain'
"""

from __future__ import annotations

import logging
from typing import BinaryIO

from django.conf import settings

from casebook.sources.evidence.sniffing.common import (
    ACCEPTED,
    NOT_ON_LIST_REASON,
    PIXEL_LIMIT,
    TRUNCATED_REASON,
    ZIP_HIDDEN_REASON,
    EvidenceRefused,
    Sniffed,
    bytes_of,
    file_size,
    human_size,
)
from casebook.sources.evidence.sniffing.documents import check_pdf, check_text
from casebook.sources.evidence.sniffing.images import (
    HEIC_SUPPORTED,
    PILLOW_FORMATS,
    PNG_SIGNATURE,
    check_jpeg,
    check_png,
    check_webp,
    decode_image,
)
from casebook.sources.evidence.sniffing.media import (
    check_iso,
    check_mp3,
    check_ogg,
    check_wav,
    is_mp3,
    iso_boxes,
)
from casebook.sources.evidence.sniffing.refused import refuse_on_sight, zip_hidden_at_end
from casebook.sources.models.evidence import MediaType

logger = logging.getLogger(__name__)

__all__ = [
    "ACCEPTED",
    "HEIC_SUPPORTED",
    "PILLOW_FORMATS",
    "EvidenceRefused",
    "Sniffed",
    "bytes_of",
    "file_size",
    "human_size",
    "iso_boxes",
    "sniff",
]


def _media_type_of(data) -> str:
    head = bytes(data[:16])
    if head[:3] == b"\xff\xd8\xff":
        check_jpeg(data)
        return MediaType.JPEG
    if head[:8] == PNG_SIGNATURE:
        check_png(data)
        return MediaType.PNG
    if head[:4] == b"RIFF" and len(data) >= 16:
        if head[8:12] == b"WEBP":
            check_webp(data)
            return MediaType.WEBP
        if head[8:12] == b"WAVE":
            check_wav(data)
            return MediaType.WAV
        if head[8:12] == b"AVI ":
            raise EvidenceRefused(
                NOT_ON_LIST_REASON.format(what="an AVI video", accepted=ACCEPTED)
                + " Convert it to MP4."
            )
    if head[4:8] == b"ftyp" and len(data) >= 16:
        return check_iso(data)
    if head[:4] == b"OggS":
        check_ogg(data)
        return MediaType.OGG
    if head[:5] == b"%PDF-":
        check_pdf(data)
        return MediaType.PDF
    if head[:3] == b"ID3" or (head[:1] == b"\xff" and is_mp3(data)):
        if not is_mp3(data):
            raise EvidenceRefused(TRUNCATED_REASON.format(what="MP3 audio file"))
        check_mp3(data)
        return MediaType.MP3
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free") and len(data) >= 8:
        raise EvidenceRefused(
            "It is an old-style QuickTime file without a type header. Export it again as MP4 "
            "or MOV and upload that."
        )
    check_text(data)
    return MediaType.TEXT


def sniff(
    fileobj: BinaryIO,
    *,
    size: int | None = None,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
) -> Sniffed:
    """The media type of the file's content, or EvidenceRefused saying why it is refused.

    `fileobj` must be seekable; it is read, never written. Limits default to the settings
    CASEBOOK_EVIDENCE_MAX_BYTES and CASEBOOK_EVIDENCE_MAX_PIXELS.
    """
    max_bytes = settings.EVIDENCE_MAX_BYTES if max_bytes is None else max_bytes
    max_pixels = settings.EVIDENCE_MAX_PIXELS if max_pixels is None else max_pixels
    size = file_size(fileobj) if size is None else size
    if size == 0:
        raise EvidenceRefused("The file is empty.")
    if size > max_bytes:
        raise EvidenceRefused(
            f"The file is {human_size(size)}, larger than the limit of {human_size(max_bytes)}."
        )
    token = PIXEL_LIMIT.set(max_pixels)
    try:
        return _sniff(fileobj, size, max_pixels)
    except EvidenceRefused:
        raise
    except Exception as error:
        # A file that trips up a check is refused, not stored: the safe way to be wrong.
        # Only the kind of error is logged, never the file's name or bytes.
        logger.warning("evidence check failed with %s; file refused", type(error).__name__)
        raise EvidenceRefused(
            "The file could not be checked: it is damaged or malformed. Upload the original file."
        ) from None
    finally:
        PIXEL_LIMIT.reset(token)


def _sniff(fileobj: BinaryIO, size: int, max_pixels: int) -> Sniffed:
    with bytes_of(fileobj, size) as data:
        if len(data) != size:
            raise EvidenceRefused("The file changed while it was being read; upload it again.")
        refuse_on_sight(data)
        if zip_hidden_at_end(data):
            raise EvidenceRefused(ZIP_HIDDEN_REASON)
        media_type = _media_type_of(data)
    width = height = None
    if media_type in PILLOW_FORMATS:
        width, height = decode_image(fileobj, media_type, max_pixels)
    fileobj.seek(0)
    return Sniffed(media_type=str(media_type), width=width, height=height)
