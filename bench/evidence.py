"""Print how fast the evidence vault hashes, checks and strips files.

    .venv/bin/python bench/evidence.py [--repeat N] [--video-mb 50]

Every file is made here: a 12-megapixel phone photo with EXIF and GPS (JPEG, and the same
picture as PNG and HEIC), a structurally complete MP4 of --video-mb megabytes, a PDF with many
pages and object streams, and 5 MB of UTF-8 text. For each it prints the median time and the
throughput of SHA-256, of the content check (`sniff`: structure walk, polyglot checks and, for
images, a full decode) and, for images, of the metadata-free derivative (full size and a
320-pixel thumbnail). Nothing is written anywhere but memory and a temp folder.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebook.settings_test")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402

from casebook.sources.evidence.metadata import stripped_image  # noqa: E402
from casebook.sources.evidence.sniffing import sniff  # noqa: E402
from casebook.sources.evidence.storage import sha256_of  # noqa: E402


def box(kind: bytes, body: bytes = b"") -> bytes:
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Benchmake", "Benchmodel"
    exif.get_ifd(0x8769)[36867] = "2024:05:04 14:03:22"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 26.4), "W", (0.0, 7.0, 39.0)
    return exif


def pdf_bytes(*objects: bytes) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        *objects,
    ]
    for number, body in enumerate(bodies, start=1):
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    return bytes(out) + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def photo(format: str) -> bytes:
    # Smooth gradients with noise compress like a real photo, not like a flat colour.
    base = Image.linear_gradient("L").resize((4000, 3000))
    noise = Image.effect_noise((4000, 3000), 40)
    picture = Image.merge("RGB", (base, noise, base.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    out = io.BytesIO()
    options = {"quality": 90} if format in ("JPEG", "HEIF") else {}
    picture.save(out, format=format, exif=exif_with_gps(), **options)
    return out.getvalue()


def video(megabytes: int) -> bytes:
    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isommp41")
    hdlr = box(b"hdlr", b"\x00" * 8 + b"vide" + b"\x00" * 13)
    moov = box(b"moov", box(b"mvhd", b"\x00" * 100) + box(b"trak", box(b"mdia", hdlr)))
    payload = os.urandom(megabytes * 1024 * 1024)
    return ftyp + moov + box(b"mdat", payload)


def pdf(pages: int = 400) -> bytes:
    objects = []
    for n in range(pages):
        packed = zlib.compress(b"%d 0 << /Type /Annot /Subtype /Text >>" % (1000 + n))
        objects.append(
            b"<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length %d >>\n"
            b"stream\n" % len(packed) + packed + b"\nendstream"
        )
        image = os.urandom(20_000)
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Length %d >>\nstream\n" % len(image)
            + image
            + b"\nendstream"
        )
    return pdf_bytes(*objects)


def timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(label: str, size: int, seconds: float) -> None:
    rate = size / seconds / 1e6 if seconds else float("inf")
    print(f"  {label:<28} {seconds * 1000:9.1f} ms {rate:9.1f} MB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--video-mb", type=int, default=50)
    args = parser.parse_args()

    samples = {
        "JPEG 12 MP photo": ("image/jpeg", photo("JPEG")),
        "PNG 12 MP": ("image/png", photo("PNG")),
        "HEIC 12 MP": ("image/heic", photo("HEIF")),
        f"MP4 {args.video_mb} MB": ("video/mp4", video(args.video_mb)),
        "PDF, 400 pages": ("application/pdf", pdf()),
        "Text 5 MB": ("text/plain", ("Témoignage, ligne de texte. " * 180_000).encode()),
    }
    with tempfile.TemporaryDirectory() as folder:
        for label, (media_type, data) in samples.items():
            # On disk, as uploads over 2.5 MB are: the checks map the file instead of copying.
            path = Path(folder) / "sample"
            path.write_bytes(data)
            print(f"{label}: {len(data) / 1e6:.1f} MB")
            with path.open("rb") as file:
                row("SHA-256", len(data), timed(lambda f=file: sha256_of(f), args.repeat))
                assert sniff(file, max_bytes=1 << 40).media_type == media_type
                row(
                    "content check (sniff)",
                    len(data),
                    timed(lambda f=file: sniff(f, max_bytes=1 << 40), args.repeat),
                )
                if media_type.startswith("image/"):
                    row(
                        "derivative, full size",
                        len(data),
                        timed(lambda f=file, t=media_type: stripped_image(f, t), args.repeat),
                    )
                    row(
                        "derivative, 320 px",
                        len(data),
                        timed(
                            lambda f=file, t=media_type: stripped_image(f, t, max_side=320),
                            args.repeat,
                        ),
                    )


if __name__ == "__main__":
    main()
