"""Evidence test support: a throwaway evidence storage, and files written by the tests.

Every file here is synthetic and built in code: photos with invented EXIF (canary strings as
make and model, a GPS fix in the middle of nowhere), minimal but well-formed MP4, WAV, MP3,
Ogg and PDF files, and the hostile corpus in test_evidence_hostile.py.
"""

from __future__ import annotations

import io
import struct
import wave

import pytest
from PIL import Image, ImageCms

CANARY_MAKE = "Canarymake Qzvx"
CANARY_MODEL = "Canarymodel Wqzj"
CANARY_COMMENT = b"Canarycomment Xqvz"
CANARY_XMP = b"Canaryxmp Jvqz"
CANARY_FILENAME = "Canaryname Zqxwv at home.jpg"
# 51.507333 N, 0.1275 W, written as degrees, minutes and seconds.
GPS_LATITUDE = (51.0, 30.0, 26.4)
GPS_LONGITUDE = (0.0, 7.0, 39.0)


@pytest.fixture
def upload_temp_dir(settings, tmp_path):
    """Every upload goes through a temporary file in this folder, so tests can see leftovers."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return folder


def stored_files(folder) -> list[str]:
    return (
        sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        if folder.exists()
        else []
    )


# --- Pictures ----------------------------------------------------------------------------------


def picture(size=(64, 48), colour=(30, 120, 200), mode="RGB") -> Image.Image:
    image = Image.new(mode, size, colour)
    # A diagonal so that orientation can be checked after the derivative is made.
    for i in range(min(size)):
        image.putpixel((i, i), (250, 250, 0) if mode == "RGB" else (250, 250, 0, 255))
    return image


def image_bytes(format: str, image: Image.Image | None = None, **options) -> bytes:
    out = io.BytesIO()
    (image or picture()).save(out, format=format, **options)
    return out.getvalue()


def exif_with_gps(*, orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = CANARY_MAKE
    exif[0x0110] = CANARY_MODEL
    exif[0x0112] = orientation
    details = exif.get_ifd(0x8769)
    details[36867] = "2024:05:04 14:03:22"  # DateTimeOriginal
    details[36881] = "+01:00"  # OffsetTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", GPS_LATITUDE, "W", GPS_LONGITUDE
    return exif


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def photo_with_exif(size=(64, 48)) -> bytes:
    """A JPEG as a phone makes it: EXIF with GPS and device, XMP, an ICC profile, a comment."""
    return image_bytes(
        "JPEG",
        picture(size),
        exif=exif_with_gps(),
        comment=CANARY_COMMENT,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + CANARY_XMP + b"</x:xmpmeta>",
        icc_profile=srgb_profile(),
    )


def png_chunk(kind: bytes, body: bytes) -> bytes:
    import zlib

    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a size and carries a token amount of pixel data."""
    import zlib

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


# --- ISO media (MP4, MOV, M4A) -----------------------------------------------------------------


def box(kind: bytes, body: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def mp4_bytes(
    *,
    brand: bytes = b"isom",
    handler: bytes = b"vide",
    created: int = 0,
    location: str | None = None,
    with_moov: bool = True,
) -> bytes:
    """A structurally complete MP4: ftyp, moov (movie header, one track, user data), mdat."""
    ftyp = box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"mp41")
    mvhd = box(
        b"mvhd",
        b"\x00\x00\x00\x00" + struct.pack(">IIII", created, created, 1000, 0) + b"\x00" * 80,
    )
    hdlr = box(b"hdlr", b"\x00" * 8 + handler + b"\x00" * 12 + b"track\x00")
    trak = box(b"trak", box(b"mdia", hdlr))
    children = mvhd + trak
    if location is not None:
        text = location.encode()
        children += box(b"udta", box(b"\xa9xyz", struct.pack(">HH", len(text), 0x15C7) + text))
    moov = box(b"moov", children) if with_moov else b""
    return ftyp + moov + box(b"mdat", bytes(range(256)) * 8)


# --- Audio -------------------------------------------------------------------------------------


def wav_bytes() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"\x00\x01" * 4000)
    return out.getvalue()


def mp3_bytes(frames: int = 12) -> bytes:
    """MPEG-1 layer III frames (128 kbit/s, 44.1 kHz: 417 bytes each) after an ID3v2 tag."""
    tag_body = b"TIT2" + struct.pack(">I", 6) + b"\x00\x00" + b"\x03Test\x00"
    tag = b"ID3\x04\x00\x00" + bytes([0, 0, 0, len(tag_body)]) + tag_body
    frame = b"\xff\xfb\x90\x00" + b"\x00" * 413
    return tag + frame * frames


def ogg_page(body: bytes, *, first: bool = False, sequence: int = 0) -> bytes:
    segments = []
    remaining = len(body)
    while remaining >= 255:
        segments.append(255)
        remaining -= 255
    segments.append(remaining)
    header = (
        b"OggS\x00"
        + bytes([0x02 if first else 0x00])
        + struct.pack("<q", 0)
        + struct.pack("<III", 1, sequence, 0)
        + bytes([len(segments)])
    )
    return header + bytes(segments) + body


def ogg_bytes() -> bytes:
    head = b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"
    return (
        ogg_page(head, first=True)
        + ogg_page(b"OpusTags" + b"\x00" * 8, sequence=1)
        + ogg_page(b"\xfc" * 300, sequence=2)
    )


# --- PDF ---------------------------------------------------------------------------------------


def pdf_bytes(*extra_objects: bytes, catalog_extra: bytes = b"", after_eof: bytes = b"") -> bytes:
    """A small, valid PDF with a cross-reference table; extra objects are numbered from 4."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out) + after_eof
