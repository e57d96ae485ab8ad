"""Face redaction on a real photograph (scikit-image's astronaut), through the pure functions."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from casebook.redaction.faces import (
    ImageUnreadable,
    decode_image,
    detect_faces,
    obscure_regions,
    redact_image,
)
from tests.redaction.conftest import ASTRONAUT_FACE, jpeg_bytes, png_bytes


def overlap(a, b) -> float:
    """Intersection over the area of b."""
    x1, y1, x2, y2 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0, x2 - x1) * max(0, y2 - y1)
    return inter / ((b[2] - b[0]) * (b[3] - b[1]))


def grey(pixels, box) -> np.ndarray:
    x1, y1, x2, y2 = box
    return pixels[y1:y2, x1:x2].astype(float).mean(axis=2)


def detail(region: np.ndarray) -> np.ndarray:
    """The fine structure (eyes, mouth, edges): the region minus its blurred self."""
    return region - cv2.GaussianBlur(region, (0, 0), 3)


def test_the_astronauts_face_is_found_with_a_margin(astronaut):
    boxes = detect_faces(astronaut)
    assert len(boxes) == 1
    (box,) = boxes
    assert overlap(box, ASTRONAUT_FACE) == 1.0  # the whole face is inside the box
    face_w, box_w = ASTRONAUT_FACE[2] - ASTRONAUT_FACE[0], box[2] - box[0]
    assert 1.2 * face_w <= box_w <= 1.8 * face_w  # widened by the margin, not the whole photo


def test_the_blurred_face_no_longer_matches_the_original(astronaut):
    redacted_bytes, boxes = redact_image(png_bytes(astronaut))
    redacted, fmt = decode_image(redacted_bytes)
    assert fmt == "PNG" and redacted.shape == astronaut.shape

    before, after = grey(astronaut, ASTRONAUT_FACE), grey(redacted, ASTRONAUT_FACE)
    assert np.abs(before - after).mean() > 20  # far from the original, pixel by pixel
    assert np.corrcoef(before.ravel(), after.ravel())[0, 1] < 0.7  # only a colour blob is left
    # The detail that identifies a face is gone, not merely softened: almost no fine
    # structure is left, and what is left has nothing to do with the original's.
    assert detail(after).std() < 0.1 * detail(before).std()
    assert abs(np.corrcoef(detail(before).ravel(), detail(after).ravel())[0, 1]) < 0.3
    # The face detector itself no longer sees a face there.
    assert not any(overlap(b, ASTRONAUT_FACE) > 0.3 for b in detect_faces(redacted))
    # Away from the box the photo is untouched (up to PNG being lossless: exactly).
    x1, y1, x2, y2 = boxes[0]
    outside = np.ones(astronaut.shape[:2], bool)
    outside[y1:y2, x1:x2] = False
    assert np.array_equal(redacted[outside], astronaut[outside])


def test_no_face_is_found_on_a_cat(chelsea):
    assert detect_faces(chelsea) == []
    _redacted, boxes = redact_image(jpeg_bytes(chelsea))
    assert boxes == []


def test_the_face_is_found_in_a_large_photo_of_several_people(astronaut):
    """A 1920×1080 frame with six astronauts, each face about 80 pixels tall."""
    tile = cv2.resize(astronaut, (360, 360), interpolation=cv2.INTER_AREA)
    frame = np.full((1080, 1920, 3), 90, np.uint8)
    spots = [(x, y) for y in (60, 600) for x in (100, 760, 1420)]
    for x, y in spots:
        frame[y : y + 360, x : x + 360] = tile
    boxes = detect_faces(frame)
    scale = 360 / 512
    for x, y in spots:
        face = [round(v * scale) for v in ASTRONAUT_FACE]
        face = (x + face[0], y + face[1], x + face[2], y + face[3])
        assert any(overlap(b, face) > 0.9 for b in boxes), f"missed the face at {x},{y}"


def test_edited_boxes_are_rendered_from_the_original_not_from_an_earlier_result(astronaut):
    original = png_bytes(astronaut)
    first, detected = redact_image(original)
    # A coordinator moves the box off the face onto the rocket: rendering again from the
    # original shows the face again (it was not baked in) and blurs the rocket instead.
    rocket = (390, 20, 470, 260)
    second, used = redact_image(original, [rocket])
    assert used == [rocket]
    redacted, _ = decode_image(second)
    assert np.array_equal(grey(redacted, ASTRONAUT_FACE), grey(astronaut, ASTRONAUT_FACE))
    assert np.abs(grey(redacted, rocket) - grey(astronaut, rocket)).mean() > 5
    # Removing every box gives back the picture itself.
    none, used = redact_image(original, [])
    assert used == [] and np.array_equal(decode_image(none)[0], astronaut)


def test_boxes_outside_the_picture_are_clipped_and_empty_ones_dropped(astronaut):
    _, used = redact_image(
        png_bytes(astronaut), [(-50, -50, 60, 40), (600, 600, 700, 700), (10, 10, 10, 50)]
    )
    assert used == [(0, 0, 60, 40)]


def test_the_result_carries_no_metadata(astronaut):
    exif = Image.Exif()
    exif[0x010F] = "Canarymake Qzvx"  # camera maker
    exif[0x0110] = "Canarymodel Wqzj"
    exif[0x0112] = 1
    original = jpeg_bytes(astronaut, exif=exif.tobytes(), comment=b"Canarycomment Xqvz")
    redacted, _ = redact_image(original)
    assert b"Canary" not in redacted
    with Image.open(io.BytesIO(redacted)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)


def test_exif_orientation_is_applied_before_boxes(astronaut):
    """A phone photo stored sideways: boxes refer to the picture as people see it."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    stored = np.ascontiguousarray(np.rot90(astronaut, 1))  # what the camera wrote
    redacted, boxes = redact_image(jpeg_bytes(stored, exif=exif.tobytes()))
    assert overlap(boxes[0], ASTRONAUT_FACE) > 0.9
    assert decode_image(redacted)[0].shape == astronaut.shape


def test_obscuring_never_changes_the_input_array(astronaut):
    copy = astronaut.copy()
    obscure_regions(astronaut, [ASTRONAUT_FACE])
    assert np.array_equal(copy, astronaut)


@pytest.mark.parametrize("content", [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 20])
def test_what_is_not_an_image_is_refused(content):
    with pytest.raises(ImageUnreadable):
        redact_image(content)


def test_a_pixel_flood_is_refused_before_decoding():
    flood = Image.new("1", (20_000, 20_000))
    out = io.BytesIO()
    flood.save(out, "PNG")
    with pytest.raises(ImageUnreadable, match="pixels"):
        redact_image(out.getvalue(), max_pixels=10_000_000)
