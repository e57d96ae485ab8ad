"""Perceptual hashes of real photographs: a re-encoded or resized copy is still the same photo."""

from __future__ import annotations

import io

import pytest

from casebook.linkage.compare.records import phash_bands

imagehash = pytest.importorskip("imagehash")
data = pytest.importorskip("skimage.data", reason="scikit-image ships the sample photos")

from PIL import Image  # noqa: E402


def _phash(image: Image.Image) -> str:
    return str(imagehash.phash(image))


def _jpeg(image: Image.Image, **options) -> Image.Image:
    out = io.BytesIO()
    image.save(out, "JPEG", **options)
    return Image.open(io.BytesIO(out.getvalue()))


def _shared_bands(a: str, b: str) -> int:
    return len(set(phash_bands(a)) & set(phash_bands(b)))


def test_a_resized_and_re_encoded_photo_shares_its_bands_and_another_photo_does_not():
    astronaut = Image.fromarray(data.astronaut())
    original = _phash(_jpeg(astronaut, quality=95))
    copy = _phash(_jpeg(astronaut.resize((256, 256)), quality=60))
    cat = _phash(_jpeg(Image.fromarray(data.chelsea()), quality=95))
    assert _shared_bands(original, copy) >= 6
    assert _shared_bands(original, cat) < 6
