"""Where, when and on what a file was made: read it as evidence, strip it from every copy.

Reading never fails an upload: a file whose metadata cannot be read is still evidence, with
empty metadata. Stripping builds a brand-new image from the decoded pixels, so nothing of the
original's EXIF, XMP, ICC profile, comments or thumbnails can ride along.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import re
import struct
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from django.utils import timezone
from PIL import ExifTags, Image, ImageCms, ImageOps

from casebook.sources.evidence import sniffing  # noqa: F401  (registers the HEIC opener)
from casebook.sources.evidence.sniffing import PILLOW_FORMATS, iso_boxes
from casebook.sources.models.evidence import IMAGE_TYPES, MediaType


@dataclass
class CaptureMetadata:
    captured_at: dt.datetime | None = None
    capture_offset_known: bool = False
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    device_make: str = ""
    device_model: str = ""
    raw: dict = field(default_factory=dict)


# The raw subset kept: what says when, where and with what; not maker notes or thumbnails.
IFD0_TAGS = (
    "Make",
    "Model",
    "Software",
    "DateTime",
    "Artist",
    "Copyright",
    "ImageDescription",
    "Orientation",
    "HostComputer",
)
EXIF_TAGS = (
    "DateTimeOriginal",
    "DateTimeDigitized",
    "OffsetTime",
    "OffsetTimeOriginal",
    "SubsecTimeOriginal",
    "LensMake",
    "LensModel",
    "BodySerialNumber",
    "CameraOwnerName",
    "ExposureTime",
    "FNumber",
    "ISOSpeedRatings",
    "FocalLength",
    "ExifImageWidth",
    "ExifImageHeight",
)
MAX_TEXT = 200


def _json_value(value):
    """An EXIF value as something JSON (and PostgreSQL's jsonb) can hold."""
    if value is None:  # a tag the file does not have: not the text "None"
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value.replace("\x00", "").strip()[:MAX_TEXT]
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value[:16]]
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return str(value)[:MAX_TEXT]
    if not math.isfinite(number):
        return None
    return int(number) if isinstance(value, int) else round(number, 8)


def _text(value) -> str:
    value = _json_value(value)
    return value[:100] if isinstance(value, str) else ""


def _degrees(value, reference) -> Decimal | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(result):
        return None
    if _text(reference).upper() in ("S", "W"):
        result = -result
    return Decimal(f"{result:.6f}")


EXIF_DATETIME = re.compile(r"(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def _exif_datetime(text: str, offset: str) -> tuple[dt.datetime | None, bool]:
    match = EXIF_DATETIME.match(text or "")
    if not match:
        return None, False
    try:
        naive = dt.datetime(*(int(part) for part in match.groups()))
    except ValueError:
        return None, False
    zone = OFFSET.fullmatch((offset or "").strip())
    if zone:
        sign = -1 if zone.group(1) == "-" else 1
        delta = dt.timedelta(hours=int(zone.group(2)), minutes=int(zone.group(3)))
        return naive.replace(tzinfo=dt.timezone(sign * delta)), True
    # The camera's clock without a zone: read it as the site's time zone, and say so.
    return timezone.make_aware(naive), False


def _location_in_range(latitude, longitude) -> bool:
    return (
        latitude is not None
        and longitude is not None
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )


def read_image_metadata(fileobj: BinaryIO, media_type: str) -> CaptureMetadata:
    found = CaptureMetadata()
    fileobj.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(fileobj, formats=PILLOW_FORMATS[media_type]) as image:
            exif = image.getexif()
            ifd0 = {ExifTags.TAGS.get(tag, str(tag)): value for tag, value in exif.items()}
            details = {
                ExifTags.TAGS.get(tag, str(tag)): value
                for tag, value in exif.get_ifd(ExifTags.IFD.Exif).items()
            }
            gps = {
                ExifTags.GPSTAGS.get(tag, str(tag)): value
                for tag, value in exif.get_ifd(ExifTags.IFD.GPSInfo).items()
            }
    raw = {name: _json_value(ifd0[name]) for name in IFD0_TAGS if name in ifd0}
    raw |= {name: _json_value(details[name]) for name in EXIF_TAGS if name in details}
    raw |= {
        f"GPS{name.removeprefix('GPS')}": _json_value(value)
        for name, value in gps.items()
        if name not in ("GPSProcessingMethod",)
    }
    found.raw = {name: value for name, value in raw.items() if value not in (None, "", [])}
    found.device_make = _text(ifd0.get("Make"))
    found.device_model = _text(ifd0.get("Model"))
    taken = (
        details.get("DateTimeOriginal") or details.get("DateTimeDigitized") or ifd0.get("DateTime")
    )
    found.captured_at, found.capture_offset_known = _exif_datetime(
        _text(taken), _text(details.get("OffsetTimeOriginal") or details.get("OffsetTime"))
    )
    latitude = _degrees(gps.get("GPSLatitude"), gps.get("GPSLatitudeRef"))
    longitude = _degrees(gps.get("GPSLongitude"), gps.get("GPSLongitudeRef"))
    if _location_in_range(latitude, longitude):
        found.latitude, found.longitude = latitude, longitude
    return found


# --- Video and audio (ISO base media): QuickTime and MP4 keep their own metadata --------------

QUICKTIME_EPOCH = dt.datetime(1904, 1, 1, tzinfo=dt.UTC)
ISO6709 = re.compile(r"([+-]\d{1,3}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)")
APPLE_KEYS = {
    "com.apple.quicktime.location.ISO6709": "location",
    "com.apple.quicktime.make": "make",
    "com.apple.quicktime.model": "model",
    "com.apple.quicktime.creationdate": "creationdate",
}
USER_DATA = {
    b"\xa9xyz": "location",
    b"\xa9mak": "make",
    b"\xa9mod": "model",
    b"\xa9day": "creationdate",
}


def _child(data, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for found, child_start, child_end in iso_boxes(data, start, end, "video"):
        if found == kind:
            return child_start, child_end
    return None


def _meta_children_start(data, start: int, end: int) -> int:
    # ISO 'meta' is a full box (4 bytes of version and flags); Apple's is not.
    return start + 4 if data[start + 8 : start + 12] != b"hdlr" else start


def _apple_keys(data, meta_start: int, meta_end: int) -> dict[str, str]:
    start = _meta_children_start(data, meta_start, meta_end)
    keys_box, items_box = (
        _child(data, start, meta_end, b"keys"),
        _child(data, start, meta_end, b"ilst"),
    )
    if not keys_box or not items_box:
        return {}
    names, position = [], keys_box[0] + 8
    while position + 8 <= keys_box[1]:
        size = struct.unpack_from(">I", data, position)[0]
        if size < 8:
            break
        names.append(bytes(data[position + 8 : position + size]).decode("utf-8", "replace"))
        position += size
    values = {}
    for kind, item_start, item_end in iso_boxes(data, *items_box, "video"):
        index = int.from_bytes(kind, "big") - 1
        value_box = _child(data, item_start, item_end, b"data")
        if 0 <= index < len(names) and names[index] in APPLE_KEYS and value_box:
            text = bytes(data[value_box[0] + 8 : value_box[1]]).decode("utf-8", "replace")
            values[APPLE_KEYS[names[index]]] = text[:MAX_TEXT]
    return values


def _user_data(data, start: int, end: int) -> dict[str, str]:
    values = {}
    for kind, item_start, item_end in iso_boxes(data, start, end, "video"):
        if kind in USER_DATA and item_end - item_start > 4:
            text = bytes(data[item_start + 4 : item_end]).decode("utf-8", "replace")
            values[USER_DATA[kind]] = text[:MAX_TEXT]
    return values


def read_movie_metadata(data) -> CaptureMetadata:
    found = CaptureMetadata()
    moov = _child(data, 0, len(data), b"moov")
    if not moov:
        return found
    values: dict[str, str] = {}
    header = _child(data, *moov, b"mvhd")
    if header and header[1] - header[0] >= 12:
        version = data[header[0]]
        seconds = (
            struct.unpack_from(">Q", data, header[0] + 4)[0]
            if version == 1
            else struct.unpack_from(">I", data, header[0] + 4)[0]
        )
        if seconds:
            # The movie header's time is UTC by the standard (a few cameras ignore that).
            found.captured_at = QUICKTIME_EPOCH + dt.timedelta(seconds=seconds)
            found.capture_offset_known = True
            values["mvhd.creation_time"] = found.captured_at.isoformat()
    user_data = _child(data, *moov, b"udta")
    if user_data:
        values |= _user_data(data, *user_data)
    meta = _child(data, *moov, b"meta")
    if meta:
        values |= _apple_keys(data, *meta)
    found.raw = values
    found.device_make = values.get("make", "")[:100]
    found.device_model = values.get("model", "")[:100]
    match = ISO6709.match(values.get("location", ""))
    if match:
        latitude, longitude = (
            Decimal(part).quantize(Decimal("0.000001")) for part in match.groups()
        )
        if _location_in_range(latitude, longitude):
            found.latitude, found.longitude = latitude, longitude
    stamp = values.get("creationdate", "")
    if stamp:
        try:
            parsed = dt.datetime.fromisoformat(stamp.strip())
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            found.captured_at, found.capture_offset_known = parsed, True
    return found


ISO_MEDIA_TYPES = {MediaType.MP4, MediaType.MOV, MediaType.M4A}


def read_metadata(fileobj: BinaryIO, media_type: str) -> CaptureMetadata:
    """Capture time, position and device, as far as the file records them."""
    try:
        if media_type in IMAGE_TYPES:
            return read_image_metadata(fileobj, media_type)
        if media_type in ISO_MEDIA_TYPES:
            fileobj.seek(0)
            with sniffing.bytes_of(fileobj, sniffing.file_size(fileobj)) as data:
                return read_movie_metadata(data)
    except (
        OSError,
        ValueError,
        SyntaxError,
        struct.error,
        sniffing.EvidenceRefused,
        KeyError,
        IndexError,
        TypeError,
        ZeroDivisionError,
    ):
        # Metadata is a bonus on top of the evidence, never a reason to lose it.
        pass
    finally:
        fileobj.seek(0)
    return CaptureMetadata()


# --- Perceptual hash ---------------------------------------------------------------------------


def perceptual_hash(fileobj: BinaryIO, media_type: str) -> str:
    """The image's 64-bit perceptual hash (ImageHash's DCT "phash") as 16 hex digits, or ""
    for a file that is not an image or cannot be decoded.

    Taken of the upright picture in grey at 32x32, so a copy that was re-encoded at another
    quality, resized, or had its orientation baked in hashes (almost) alike, while the SHA-256
    of its bytes has nothing in common with the original's. Linkage compares these to find
    reports that carry one photo; like reading metadata, it never fails an upload.
    """
    if media_type not in IMAGE_TYPES:
        return ""
    import imagehash  # pulls scipy: only when an image comes in

    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(fileobj, formats=PILLOW_FORMATS[media_type]) as image:
                if image.format in ("JPEG", "MPO"):
                    image.draft("L", (256, 256))  # decode at a fraction of the size
                image.load()
                try:
                    upright = ImageOps.exif_transpose(image)
                except Exception:  # damaged EXIF: orientation unknown, hash the pixels
                    upright = image.copy()
                return str(imagehash.phash(upright.convert("L")))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return ""
    finally:
        fileobj.seek(0)


# --- Derivatives -------------------------------------------------------------------------------

SRGB = ImageCms.createProfile("sRGB")


def stripped_image(fileobj: BinaryIO, media_type: str, *, max_side: int | None = None) -> bytes:
    """A re-encoded copy of an image: orientation applied, colours in sRGB, no metadata.

    JPEG for opaque pictures, PNG where there is transparency. The copy is built from raw
    pixels into a new image object, so no EXIF, GPS, XMP, ICC profile, comment or embedded
    thumbnail of the original survives.
    """
    if media_type not in IMAGE_TYPES:
        raise ValueError(f"{media_type} is not an image")
    fileobj.seek(0)
    with warnings.catch_warnings():
        # The file passed the checks when it came in; Pillow's notes about odd EXIF tags
        # would only fill the log.
        warnings.simplefilter("ignore")
        with Image.open(fileobj, formats=PILLOW_FORMATS[media_type]) as image:
            if max_side and image.format in ("JPEG", "MPO"):
                image.draft("RGB", (max_side, max_side))  # decode at a fraction of the size
            image.load()
            icc = image.info.get("icc_profile")
            try:
                upright = ImageOps.exif_transpose(image)
            except Exception:  # damaged EXIF: orientation unknown, keep the pixels as they are
                upright = image.copy()
    transparent = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    mode = "RGBA" if transparent else "RGB"
    pixels = upright.convert(mode)
    if icc:
        # An unreadable profile: keep the pixels as they are.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            pixels = (
                ImageCms.profileToProfile(
                    pixels, ImageCms.ImageCmsProfile(io.BytesIO(icc)), SRGB, outputMode=mode
                )
                or pixels
            )
    if max_side:
        pixels.thumbnail((max_side, max_side))
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if transparent:
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="JPEG", quality=90)
    return out.getvalue()
