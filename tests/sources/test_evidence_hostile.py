"""A corpus of hostile files, written here, each refused with its reason and nothing stored.

Each case is tried twice: through `evidence_add` (what the command line and every later
feature use) and through the upload endpoint with every upload spooled to a temporary file,
to check that no temporary file, blob, database row or audit entry is left behind.
"""

from __future__ import annotations

import gzip
import io
import struct
import tarfile
import zipfile
import zlib

import pytest
from django.urls import reverse

from casebook.audit.models import AuditEntry
from casebook.sources.evidence.services import evidence_add
from casebook.sources.evidence.sniffing import EvidenceRefused, sniff
from casebook.sources.models import EvidenceFile
from tests.factories import IncidentFactory
from tests.sources.conftest import (
    box,
    image_bytes,
    mp4_bytes,
    pdf_bytes,
    picture,
    png_chunk,
    png_header_only,
    stored_files,
    wav_bytes,
)

pytestmark = pytest.mark.django_db


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", "<script>document.location='https://evil.test'</script>")
    return out.getvalue()


def tar_bytes() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        data = b"hello"
        info = tarfile.TarInfo("hello.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", picture((256, 256)))
    return data[: len(data) * 2 // 3]


def jpeg_with_script_comment() -> bytes:
    return image_bytes("JPEG", comment=b"<script>alert(document.cookie)</script>")


def png_with_script_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<html><body><script>alert(1)</script></body></html>")
    return image_bytes("PNG", pnginfo=info)


def png_with_bad_checksum() -> bytes:
    data = bytearray(image_bytes("PNG"))
    data[-20] ^= 0xFF  # inside the last IDAT chunk
    return bytes(data)


def pdf_with_compressed_javascript() -> bytes:
    # The catalog's action sits in a compressed object stream, where a plain search misses it.
    hidden = b"5 0 << /S /JavaScript /JS (app.alert(1)) >>"
    packed = zlib.compress(hidden)
    stream = (
        (
            b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(packed)
        )
        + packed
        + b"\nendstream"
    )
    return pdf_bytes(stream, catalog_extra=b"/OpenAction 5 0 R ")


def mpeg_without_index() -> bytes:
    return mp4_bytes(with_moov=False)


def mp4_cut_short() -> bytes:
    data = mp4_bytes()
    return data[:-100]


def motion_photo() -> bytes:
    return image_bytes("JPEG") + mp4_bytes()


def wav_cut_short() -> bytes:
    return wav_bytes()[:-1000]


# (case id, bytes, a name that lies about the type, what the refusal must say)
HOSTILE = [
    ("pixel-flood-png", png_header_only(50_000, 50_000), "flood.png", "50,000 × 50,000 pixels"),
    ("pixel-flood-jpeg", None, "flood.jpg", "pixels, more than the limit"),
    ("truncated-jpeg", truncated_jpeg(), "cut.jpg", "incomplete"),
    ("jpeg-zip-polyglot", image_bytes("JPEG") + zip_bytes(), "poly.jpg", "ZIP archive is hidden"),
    ("png-zip-polyglot", image_bytes("PNG") + zip_bytes(), "poly.png", "ZIP archive is hidden"),
    ("pdf-zip-polyglot", pdf_bytes() + zip_bytes(), "poly.pdf", "ZIP archive is hidden"),
    ("mp4-zip-polyglot", mp4_bytes() + zip_bytes(), "poly.mp4", "ZIP archive is hidden"),
    (
        "jpeg-trailing-data",
        image_bytes("JPEG") + b"<?php system($_GET[1]); ?>",
        "t.jpg",
        "extra data after the end of the JPEG",
    ),
    (
        "png-trailing-data",
        image_bytes("PNG") + b"MZ\x90\x00junk",
        "t.png",
        "extra data after the end of the PNG",
    ),
    ("jpeg-script-in-comment", jpeg_with_script_comment(), "c.jpg", "markup"),
    ("png-script-in-text-chunk", png_with_script_text(), "c.png", "markup"),
    ("png-bad-checksum", png_with_bad_checksum(), "crc.png", "checksum"),
    ("motion-photo", motion_photo(), "motion.jpg", "motion photo"),
    (
        "pdf-javascript",
        pdf_bytes(b"<< /S /JavaScript /JS (app.alert(1)) >>", catalog_extra=b"/OpenAction 4 0 R "),
        "js.pdf",
        "JavaScript",
    ),
    (
        "pdf-javascript-hex-escaped",
        pdf_bytes(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        "js2.pdf",
        "JavaScript",
    ),
    ("pdf-javascript-in-object-stream", pdf_with_compressed_javascript(), "js3.pdf", "JavaScript"),
    ("pdf-launch", pdf_bytes(b"<< /S /Launch /F (cmd.exe) >>"), "l.pdf", "launches programs"),
    (
        "pdf-embedded-file",
        pdf_bytes(b"<< /Type /EmbeddedFile /Length 0 >>\nstream\n\nendstream"),
        "e.pdf",
        "embedded files",
    ),
    (
        "pdf-html-polyglot",
        pdf_bytes(b"<< /Comment (<html><script>alert(1)</script>) >>"),
        "h.pdf",
        "web page",
    ),
    (
        "pdf-data-after-end",
        pdf_bytes(after_eof=b"<html>x</html>"),
        "after.pdf",
        "extra data after the end of the PDF",
    ),
    (
        "pdf-encrypted",
        pdf_bytes(b"<< /Filter /Standard /V 1 /R 2 >> % /Encrypt 4 0 R"),
        "enc.pdf",
        "encrypted",
    ),
    ("pdf-truncated", pdf_bytes()[:-30], "cut.pdf", "incomplete"),
    (
        "svg-with-script",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(1)</script></svg>",
        "pic.svg",
        "SVG",
    ),
    (
        "svg-renamed-png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "pic.png",
        "SVG",
    ),
    (
        "html-renamed-jpg",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "photo.jpg",
        "HTML",
    ),
    (
        "html-with-bom-and-space",
        b"\xef\xbb\xbf  \n<html><script>x</script></html>",
        "a.txt",
        "HTML",
    ),
    (
        "text-with-script",
        b"Notes from the march.\n<script>alert(1)</script>\n",
        "notes.txt",
        "HTML",
    ),
    ("zip-renamed-png", zip_bytes(), "photo.png", "ZIP archive"),
    ("docx-is-a-zip", zip_bytes(), "statement.docx", "Word, Excel and OpenDocument"),
    ("gzip", gzip.compress(b"hello" * 100), "notes.txt", "gzip"),
    ("tar", tar_bytes(), "photos.tar", "tar archive"),
    ("7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 40, "a.7z", "7-Zip"),
    ("rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 40, "a.rar", "RAR"),
    ("elf-executable", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120, "photo.jpg", "program"),
    (
        "windows-executable",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200),
        "video.mp4",
        "Windows program",
    ),
    ("shell-script", b"#!/bin/sh\nrm -rf ~\n", "notes.txt", "script"),
    ("empty", b"", "empty.jpg", "empty"),
    ("text-with-nul", b"Looks like text\x00but is not", "notes.txt", "NUL"),
    ("text-with-control-characters", b"Looks like text\x07\x08", "notes.txt", "control characters"),
    ("utf16-text", "Notes".encode("utf-16"), "notes.txt", "UTF-8"),
    ("latin1-text", "Café crème".encode("latin-1"), "notes.txt", "not one of the accepted"),
    ("random-bytes", bytes(range(256)) * 4, "data.jpg", "not one of the accepted"),
    ("gif", image_bytes("GIF"), "anim.gif", "GIF image"),
    ("bmp", image_bytes("BMP"), "pic.bmp", "BMP image"),
    ("tiff", image_bytes("TIFF"), "pic.tif", "TIFF"),
    (
        "avif-brand",
        box(b"ftyp", b"avif\x00\x00\x00\x00avifmif1") + box(b"meta", b"\x00" * 8),
        "pic.avif",
        "AVIF",
    ),
    ("mp4-without-index", mpeg_without_index(), "clip.mp4", "no index"),
    ("mp4-cut-short", mp4_cut_short(), "clip.mp4", "incomplete"),
    ("wav-cut-short", wav_cut_short(), "sound.wav", "incomplete"),
]


def _jpeg_flood() -> bytes:
    # A real JPEG whose frame header is rewritten to claim 60000 × 60000 pixels.
    data = bytearray(image_bytes("JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 60000, 60000)
    return bytes(data)


HOSTILE[1] = (HOSTILE[1][0], _jpeg_flood(), HOSTILE[1][2], HOSTILE[1][3])
CASES = [pytest.param(data, name, reason, id=case) for case, data, name, reason in HOSTILE]


@pytest.fixture
def world(evidence_dir):
    audit_before = AuditEntry.objects.count()
    yield IncidentFactory()
    assert not EvidenceFile.objects.exists(), "a refused file left a database row"
    assert stored_files(evidence_dir) == [], "a refused file left a blob"
    assert AuditEntry.objects.count() == audit_before, "a refused file was audited as added"


@pytest.mark.parametrize(("data", "name", "reason"), CASES)
def test_hostile_file_is_refused_by_the_vault(world, data, name, reason):
    with pytest.raises(EvidenceRefused) as refused:
        evidence_add(content=io.BytesIO(data), filename=name, actor=None, incident=world)
    assert reason in refused.value.reason
    assert refused.value.reason.endswith(".")


@pytest.mark.parametrize(("data", "name", "reason"), CASES)
def test_hostile_file_is_refused_over_http_and_leaves_nothing(
    world, client_for, upload_temp_dir, data, name, reason
):
    file = io.BytesIO(data)
    file.name = name
    response = client_for("coordinator").post(
        reverse("sources:evidence-upload", args=[world.reference]), {"file": file}
    )
    assert response.status_code == 422
    answer = response.json()
    assert answer["status"] == "refused"
    assert reason in answer["message"]
    assert "Traceback" not in answer["message"]
    assert list(upload_temp_dir.iterdir()) == [], "a temporary upload file was left behind"


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(EvidenceRefused, match="larger than the limit of 1000 bytes"):
        evidence_add(
            content=io.BytesIO(b"a" * 1001), filename="big.txt", actor=None, incident=world
        )


def test_the_pixel_limit_is_a_setting(settings):
    settings.EVIDENCE_MAX_PIXELS = 1000
    with pytest.raises(EvidenceRefused, match="64 × 48 pixels"):
        sniff(io.BytesIO(image_bytes("PNG")))


def test_a_pixel_flood_is_refused_before_any_pixel_is_decoded(monkeypatch):
    from PIL import ImageFile

    def decode_attempted(self):
        raise AssertionError("decoded a pixel flood")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode_attempted)
    with pytest.raises(EvidenceRefused, match="decompression bomb"):
        sniff(io.BytesIO(png_header_only(50_000, 50_000)))


def test_a_large_text_chunk_cannot_hide_a_zip_end_record():
    # ZIP readers find an archive from its end record anywhere in the last 64 KB.
    hidden = zip_bytes()
    data = image_bytes("PNG")
    iend = data.rindex(b"IEND") - 4
    payload = png_chunk(b"zzZz", hidden + b"\x00" * 10)
    with pytest.raises(EvidenceRefused, match="ZIP archive is hidden"):
        sniff(io.BytesIO(data[:iend] + payload + data[iend:]))


def test_damaged_files_are_refused_cleanly_or_accepted_whole():
    """Random damage to good files: every outcome is a clean refusal or an accepted file whose
    metadata and derivative can be made; never an unexpected error (a 500 for the uploader)."""
    import random

    from casebook.sources.evidence.metadata import read_metadata, stripped_image
    from tests.sources.conftest import mp3_bytes, ogg_bytes, photo_with_exif

    seeds = [
        image_bytes("JPEG"),
        image_bytes("PNG"),
        image_bytes("WEBP"),
        photo_with_exif(),
        mp4_bytes(location="+51.5-000.1/", created=5),
        wav_bytes(),
        mp3_bytes(),
        ogg_bytes(),
        pdf_bytes(),
    ]
    rng = random.Random(20240504)
    for _ in range(300):
        data = bytearray(rng.choice(seeds))
        if rng.random() < 0.6:
            for _ in range(rng.randint(1, 6)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            data = data[: rng.randrange(1, len(data))]
        try:
            found = sniff(io.BytesIO(bytes(data)))
        except EvidenceRefused as refused:
            assert refused.reason.endswith(".")
            continue
        read_metadata(io.BytesIO(bytes(data)), found.media_type)
        if found.media_type.startswith("image/"):
            stripped_image(io.BytesIO(bytes(data)), found.media_type, max_side=64)
