"""Redaction test support: the real photograph that ships with scikit-image, images built
from it, a throwaway evidence storage, and records whose text carries synthetic personal data.

All names, addresses and numbers here are invented: phone numbers come from Ofcom's ranges
for drama (07700 900xxx, 020 7946 0xxx), postcodes are made up, and the NHS number is the
NHS's own published test number.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

# The astronaut's face (Eileen Collins), checked by eye on skimage.data.astronaut(): the
# model's box, give or take a few pixels. (Not x 150–230, y 30–130: that is her hair.)
ASTRONAUT_FACE = (181, 58, 269, 177)

TESTIMONY = (
    "My name is Daniel Okafor. On 4 May 2024 PC 4471 arrested me outside 27 Acacia Avenue, "
    "Testford TF1 4ZZ. Officer U1234 took my phone (07700 900123). Daniel Okafor was held for "
    "six hours. My sister Amira Okafor, born 14 March 1998, called 020 7946 0018."
)


def png_bytes(pixels) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(pixels, **save_options) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=95, **save_options)
    return out.getvalue()


@pytest.fixture(scope="session")
def astronaut():
    from skimage import data

    return data.astronaut()


@pytest.fixture(scope="session")
def chelsea():
    from skimage import data

    return data.chelsea()


@pytest.fixture
def photo_evidence(evidence_dir, personas, astronaut):
    """The astronaut photograph as evidence of an incident a caseworker works on."""
    from casebook.sources.evidence.services import evidence_add
    from tests.factories import IncidentFactory

    incident = IncidentFactory(created_by=personas["caseworker"])
    added = evidence_add(
        content=io.BytesIO(jpeg_bytes(astronaut)),
        filename="photo.jpg",
        actor=personas["coordinator"],
        incident=incident,
    )
    return added.evidence


@pytest.fixture
def testimony_incident(personas, reference_data):
    """An incident whose summary is a testimony full of personal data, worked on by the
    caseworker persona."""
    from tests.factories import IncidentFactory

    return IncidentFactory(summary=TESTIMONY, created_by=personas["caseworker"])
