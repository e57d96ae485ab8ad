"""Perceptual hashes of real photographs: a re-encoded or resized copy is still the same photo,
stored when the file is added, compared by linkage and named in its explanation."""

from __future__ import annotations

import io

import pytest

from casebook.linkage.compare.explain import pair_explanation, pair_reasons
from casebook.linkage.compare.records import (
    SAME_PHOTO_BITS,
    phash_bands,
    phash_distance,
)
from casebook.linkage.compare.settings import LEVELS
from casebook.sources.evidence.metadata import perceptual_hash

data = pytest.importorskip("skimage.data", reason="scikit-image ships the sample photos")

from PIL import Image  # noqa: E402


def _jpeg(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", **options)
    return out.getvalue()


def _photos() -> dict[str, bytes]:
    astronaut = Image.fromarray(data.astronaut())
    return {
        "original": _jpeg(astronaut, quality=95),
        # Passed on: made smaller and saved again at a much lower quality.
        "copy": _jpeg(astronaut.resize((256, 256)), quality=60),
        "other": _jpeg(Image.fromarray(data.chelsea()), quality=95),
    }


def _hash(content: bytes) -> str:
    return perceptual_hash(io.BytesIO(content), "image/jpeg")


def test_a_resized_and_re_encoded_photo_keeps_its_perceptual_hash_and_another_does_not():
    photos = _photos()
    original, copy, other = (_hash(photos[name]) for name in ("original", "copy", "other"))
    assert len(original) == 16
    assert phash_distance(original, copy) <= SAME_PHOTO_BITS
    assert set(phash_bands(original)) & set(phash_bands(copy))  # they meet in blocking
    assert phash_distance(original, other) > 2 * SAME_PHOTO_BITS


def test_files_that_are_not_images_or_cannot_be_read_have_no_perceptual_hash():
    assert perceptual_hash(io.BytesIO(b"%PDF-1.4 not a picture"), "application/pdf") == ""
    assert perceptual_hash(io.BytesIO(b"\xff\xd8\xff broken"), "image/jpeg") == ""


@pytest.mark.django_db
def test_evidence_added_to_two_incidents_makes_them_the_same_photo_for_linkage(
    evidence_dir, duckdb_run
):
    from casebook.linkage.compare.engine import records_link
    from casebook.linkage.records import incidents_as_records
    from casebook.sources.evidence.services import evidence_add
    from tests.factories import IncidentFactory

    photos = _photos()
    incidents = {name: IncidentFactory(title=f"Report {name}") for name in photos}
    for name, content in photos.items():
        added = evidence_add(
            content=io.BytesIO(content),
            filename=f"{name}.jpg",
            actor=None,
            incident=incidents[name],
        )
        assert added.evidence.perceptual_hash == _hash(content)
    records = {r.record_id: r for r in incidents_as_records()}
    original, copy, other = (records[incidents[n].reference] for n in photos)
    assert original.evidence_sha256 != copy.evidence_sha256
    assert original.evidence_phash and copy.evidence_phash

    # Scored with a model trained on the synthetic reports (no training on three records).
    run = records_link(records=list(records.values()), threshold=0.9, model=duckdb_run.model)
    pairs = {frozenset((p.left, p.right)): p for p in run.pairs}
    same = pairs[frozenset((original.record_id, copy.record_id))]
    assert LEVELS["evidence"][len(LEVELS["evidence"]) - same.levels["evidence"]] == "same_photo"
    reasons = pair_reasons(
        left=original, right=copy, levels=same.levels, weights=same.weights, level_names=LEVELS
    )
    assert "the same photo" in pair_explanation(reasons)
    assert (
        frozenset((original.record_id, other.record_id)) not in pairs
        or pairs[frozenset((original.record_id, other.record_id))].levels["evidence"] == 0
    )
