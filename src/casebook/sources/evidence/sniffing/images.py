"""JPEG, PNG, WebP and HEIC: walked marker by marker and chunk by chunk, then fully decoded."""

from __future__ import annotations

import re
import struct
import warnings
import zlib
from typing import BinaryIO

from PIL import Image

from casebook.sources.evidence.sniffing.common import (
    TRAILING_REASON,
    TRUNCATED_REASON,
    EvidenceRefused,
    check_metadata_payload,
    refuse_pixel_flood,
    riff_chunks,
)
from casebook.sources.models.evidence import MediaType

try:  # HEIC needs libheif; the wheels of pillow-heif bundle it.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - exercised only where pillow-heif is missing
    HEIC_SUPPORTED = False

JPEG_FRAME_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
JPEG_ENTROPY_END = re.compile(rb"\xff+[^\x00\xd0-\xd7\xff]")


def _jpeg_end(data, start: int) -> tuple[int, bool]:
    """Walk one JPEG stream from its SOI at `start`.

    Returns the offset just after its EOI, and whether it declares more pictures (MPF).
    """
    what = "JPEG image"
    size = len(data)
    multi_picture = False
    if data[start : start + 2] != b"\xff\xd8":
        raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
    position = start + 2
    while True:
        if position >= size:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        if data[position] != 0xFF:
            raise EvidenceRefused(
                "The JPEG image is damaged: its structure is broken part of the way through. "
                "Upload the original file."
            )
        while position < size and data[position] == 0xFF:
            position += 1  # fill bytes
        if position >= size:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        marker = data[position]
        position += 1
        if marker == 0xD9:  # EOI
            return position, multi_picture
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue  # markers without a length
        if position + 2 > size:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        length = struct.unpack_from(">H", data, position)[0]
        if length < 2 or position + length > size:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        if marker in JPEG_FRAME_MARKERS and length >= 7:
            height, width = struct.unpack_from(">HH", data, position + 3)
            refuse_pixel_flood(width, height)
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:  # APPn, COM: metadata
            payload = data[position + 2 : position + length]
            multi_picture = multi_picture or (marker == 0xE2 and payload[:4] == b"MPF\x00")
            check_metadata_payload(payload)
        position += length
        if marker == 0xDA:  # SOS: entropy-coded data runs to the next real marker
            found = JPEG_ENTROPY_END.search(data, position)
            if not found:
                raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
            position = found.end() - 2


def check_jpeg(data) -> None:
    end, multi_picture = _jpeg_end(data, 0)
    size = len(data)
    # Multi-picture JPEGs (MPF: phones' depth maps and HDR gain maps, stereo cameras) carry
    # more complete JPEG streams after the first; those are walked the same way. Anything
    # else after the picture is refused.
    while end < size:
        if data[end + 4 : end + 8] == b"ftyp":
            raise EvidenceRefused(
                "It is a 'motion photo': a video is attached after the picture. Save the still "
                "picture and the video as two separate files and upload those."
            )
        while end < size and data[end] == 0:
            end += 1
        if end == size:
            return
        if multi_picture and data[end : end + 3] == b"\xff\xd8\xff":
            end = _jpeg_end(data, end)[0]
            continue
        if size - end <= 65536 and not data[end:size].strip(b"\x00\xff"):
            return  # padding to the end
        raise EvidenceRefused(TRAILING_REASON.format(what="JPEG image"))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check_png(data) -> None:
    what = "PNG image"
    size = len(data)
    position = len(PNG_SIGNATURE)
    first = True
    while True:
        if position + 8 > size:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        length, kind = struct.unpack_from(">I4s", data, position)
        if length > 0x7FFFFFFF or not kind.isalpha():
            raise EvidenceRefused(
                "The PNG image is damaged: one of its chunks is malformed. Upload the original "
                "file."
            )
        if first and (kind != b"IHDR" or length != 13):
            raise EvidenceRefused("The PNG image is damaged: it does not start with a header.")
        end = position + 12 + length
        if end > size:
            raise EvidenceRefused(TRUNCATED_REASON.format(what=what))
        if first:
            refuse_pixel_flood(*struct.unpack_from(">II", data, position + 8))
        first = False
        body = data[position + 8 : position + 8 + length]
        crc = struct.unpack_from(">I", data, position + 8 + length)[0]
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise EvidenceRefused(
                "The PNG image is damaged: a checksum inside it does not match. Upload the "
                "original file."
            )
        if kind not in (b"IDAT", b"fdAT"):
            check_metadata_payload(body)
        position = end
        if kind == b"IEND":
            break
    if position != size:
        raise EvidenceRefused(TRAILING_REASON.format(what=what))


def check_webp(data) -> None:
    chunks = riff_chunks(data, "WebP image")
    if not chunks or chunks[0][0] not in (b"VP8 ", b"VP8L", b"VP8X"):
        raise EvidenceRefused("The WebP image is damaged: it has no picture data.")
    for chunk_id, start, length in chunks:
        if chunk_id in (b"EXIF", b"XMP ", b"ICCP"):
            check_metadata_payload(data[start : start + length])


# Pillow's format names for each image type: the decoder must agree with the sniffer.
PILLOW_FORMATS = {
    MediaType.JPEG: ["JPEG"],  # opens multi-picture (MPO) files too
    MediaType.PNG: ["PNG"],
    MediaType.WEBP: ["WEBP"],
    MediaType.HEIC: ["HEIF"],
}


def decode_image(fileobj: BinaryIO, media_type: str, max_pixels: int) -> tuple[int, int]:
    """Decode every pixel: the only sure way to know an image is whole. Dimensions first."""
    label = MediaType(media_type).label
    formats = PILLOW_FORMATS[media_type]
    with warnings.catch_warnings():
        # Our own pixel limit applies, and damaged files are refused below: Pillow's warnings
        # (decompression bomb, odd EXIF tags) would only repeat that or fill the log.
        warnings.simplefilter("ignore")
        try:
            fileobj.seek(0)
            with Image.open(fileobj, formats=formats) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                refuse_pixel_flood(width, height)
                if width * height * frames > max_pixels * 4:
                    raise EvidenceRefused(
                        f"The image has {frames} frames of {width:,} × {height:,} pixels, too "
                        "many to decode safely. Upload a single picture."
                    )
                if media_type == MediaType.PNG:
                    image.verify()
            fileobj.seek(0)
            with Image.open(fileobj, formats=formats) as image:
                for frame in range(frames):
                    image.seek(frame)
                    image.load()
        except EvidenceRefused:
            raise
        except Image.DecompressionBombError:
            raise EvidenceRefused(
                "The image declares more pixels than can be decoded safely (a 'decompression "
                "bomb'). Resize it and upload it again."
            ) from None
        except (
            OSError,
            ValueError,
            SyntaxError,
            EOFError,
            RuntimeError,
            struct.error,
            MemoryError,
        ) as error:
            truncated = "truncated" in str(error).lower()
            raise EvidenceRefused(
                TRUNCATED_REASON.format(what=label)
                if truncated
                else f"The {label} could not be decoded: it is damaged or not what it appears to "
                "be. Upload the original file."
            ) from None
    return width, height
