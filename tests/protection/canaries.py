"""The canaries of the leak test and the table of who may see each kind of them.

A canary is a unique string put into one field (a person's name, an incident's summary, a
photo's EXIF). Each is an ASCII token that HTML escaping, JSON and CSV quoting and changes of
case leave recognisable, so finding one is a case-insensitive search; dates and coordinates,
which pages format their own way, list every form they may take.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from PIL import ExifTags, Image

PERSONAL = "personal detail"
EVIDENCE = "evidence metadata"
NARRATIVE = "narrative"
# A person's name or address typed into free text (a title, a wording, a note…): those who
# may not see the incident's people read that text only redacted (cases/reading.py).
FREE_TEXT = "personal detail in free text"
ALL_KINDS = frozenset({PERSONAL, EVIDENCE, NARRATIVE, FREE_TEXT})

# The personas of tests/conftest.py, plus a caseworker assigned to the world's incident.
# "caseworker" is the persona of the permission matrix: they work on other incidents only.
ASSIGNED_CASEWORKER = "assigned caseworker"
VIEWERS = (
    "administrator",
    "coordinator",
    ASSIGNED_CASEWORKER,
    "caseworker",
    "analyst",
    "outsider",
    "anonymous",
)

# Who may see each kind of canary, on a page or in a download (accounts/roles.py,
# people/services.py, sources/evidence/services.py).
MAY_SEE = {
    PERSONAL: {"administrator", "coordinator", ASSIGNED_CASEWORKER},
    EVIDENCE: {"administrator", "coordinator", ASSIGNED_CASEWORKER},
    NARRATIVE: {"administrator", "coordinator", ASSIGNED_CASEWORKER, "caseworker", "analyst"},
    FREE_TEXT: {"administrator", "coordinator", ASSIGNED_CASEWORKER},
}

# Where a kind never goes, whoever asks. An export without personal data is what leaves the
# organisation: nothing in it unredacted (issue 4, "Redaction"). A picture Casebook makes
# (thumbnail, redacted copy) never carries the original's metadata; only the original does.
NEVER_IN = {
    "page": frozenset(),
    "evidence original": frozenset(),
    "derivative image": frozenset({EVIDENCE}),
    "export": ALL_KINDS,
    "personal-data export": frozenset({EVIDENCE}),
    # Logs are copied, shipped and kept by others; the audit trail is append-only and outlives
    # erasure and retention. Narratives name people too (redaction exists for that reason).
    "log": ALL_KINDS,
    "audit trail": ALL_KINDS,
    "e-mail": ALL_KINDS,
    "console": ALL_KINDS,
    # Stored as plaintext: narratives and evidence metadata may be; personal details are sealed.
    "database": frozenset({PERSONAL}),
    "stored evidence original": frozenset({PERSONAL, NARRATIVE, FREE_TEXT}),
    "file": ALL_KINDS,
}


def may_appear(kind: str, *, viewer: str | None, place: str) -> bool:
    """May a canary of this kind be in what `viewer` got from `place`? (viewer None: nobody's)

    >>> may_appear(PERSONAL, viewer="analyst", place="page")
    False
    """
    if kind in NEVER_IN[place]:
        return False
    return viewer is None or viewer in MAY_SEE[kind]


@dataclass(frozen=True)
class Canary:
    kind: str
    label: str  # what it stands for, as the failure message says it
    forms: tuple[str, ...]  # lower case

    def found_in(self, text: str) -> bool:
        return any(form in text for form in self.forms)

    def __str__(self) -> str:
        return f"{self.label} ({self.forms[0]!r}, {self.kind})"


def _token(label: str, kind: str, token: str) -> Canary:
    return Canary(kind, label, (token.lower(),))


# --- Values ------------------------------------------------------------------------------------

# Field -> (the canary token, the value stored): the token is what is looked for.
PERSON = {
    "full_name": ("Canaryname7f3a", "Canaryname7f3a Quillfeather"),
    "contact": ("Canarycontact7f3a", "canarycontact7f3a@example.test"),
    "address": ("Canaryaddress7f3a", "12 Canaryaddress7f3a Road, Testford"),
    "gender": ("Canarygender7f3a", "Canarygender7f3a"),
    "ethnicity": ("Canaryethnicity7f3a", "Canaryethnicity7f3a"),
    "notes": (
        "Canarynotes7f3a",
        "Canarynotes7f3a: bail conditions keep them out of the town centre",
    ),
    "consent_notes": ("Canaryconsent7f3a", "Canaryconsent7f3a: agreed on the phone"),
}
DATE_OF_BIRTH = dt.date(1937, 11, 29)
# Field -> (the canary token, the value typed): a person typed into each free-text field, in
# a form the redactor finds (a title before the name, a house number before the street), so
# that its absence shows redaction at work. Letters only: a digit cuts a name short.
FREE = {
    "title": (
        "Canarytitlezq",
        "Arrests at an invented vigil (leak test) for Mr Ansel Canarytitlezq",
    ),
    "summary": ("Canarysummaryzq", "Mr Ansel Canarysummaryzq was held."),
    "place": ("Canaryplacezq", "outside 14 Canaryplacezq Road"),
    "offence_wording": ("Canaryoffencezq", "obstructing Mr Ansel Canaryoffencezq"),
    "trigger_wording": ("Canarytriggerzq", "Free Mr Ansel Canarytriggerzq now"),
    "perpetrator_unit": ("Canaryunitzq", "unit of Sgt Ansel Canaryunitzq"),
    "outcome_note": ("Canarynotezq", "Bail: report to Ms Ansel Canarynotezq"),
    "source title": ("Canarysourcetitlezq", "Statement by Mr Ansel Canarysourcetitlezq"),
    "source publisher": ("Canarypublisherzq", "Blog of Mr Ansel Canarypublisherzq"),
    "source text": ("Canarysourcenamezq", "Mr Ansel Canarysourcenamezq was there."),
    "supports": ("Canarysupportszq", "what Mr Ansel Canarysupportszq saw"),
    "protest name": ("Canaryprotestzq", "Vigil for Mr Ansel Canaryprotestzq"),
    "protest place": ("Canaryprotestplacezq", "12 Canaryprotestplacezq Road, Testford"),
    "protest organiser": ("Canaryorganiserzq", "Mrs Ansel Canaryorganiserzq"),
    "protest cause": ("Canarycausezq", "justice for Mr Ansel Canarycausezq"),
}
SUMMARY = (
    "Officers stopped Canarysummary7f3a marchers outside the invented town hall. "
    + FREE["summary"][1]
)
SOURCE_TEXT = (
    "The Example Gazette saw Canarysourcetext7f3a placards taken away. " + FREE["source text"][1]
)

PHOTO_FILENAME = "Canaryfilename7f3a.jpg"
PHOTO_CAPTION = "Canarycaption7f3a at the corner"
EXIF_TEXT = {  # tag number -> value, in the first IFD
    0x010F: "Canarymake7f3a",  # Make
    0x0110: "Canarymodel7f3a",  # Model
    0x010E: "Canarydescription7f3a",  # ImageDescription
    0x013B: "Canaryartist7f3a",  # Artist
}
EXIF_SERIAL = "Canaryserial7f3a"  # BodySerialNumber, in the Exif IFD
PHOTO_COMMENT = b"Canarycomment7f3a"
PHOTO_XMP = b"Canaryxmp7f3a"
CAPTURED = "2003:03:17 12:41:59"
# 37.970096 N, 23.725917 E, as degrees, minutes and seconds.
GPS_LATITUDE = (37.0, 58.0, 12.3456)
GPS_LONGITUDE = (23.0, 43.0, 33.3)


def dms_to_decimal(dms) -> float:
    """
    >>> round(dms_to_decimal(GPS_LATITUDE), 6)
    37.970096
    """
    degrees, minutes, seconds = (float(part) for part in dms)
    return degrees + minutes / 60 + seconds / 3600


def _date_forms(day: dt.date) -> tuple[str, ...]:
    """The ways a page or file may write a date (Django's date filters, ISO, EXIF)."""
    return tuple(
        form.lower()
        for form in (
            f"{day.day} {day:%B %Y}",
            f"{day:%B} {day.day}, {day.year}",
            f"{day.day} {day:%b %Y}",
            f"{day:%b}. {day.day}, {day.year}",
            day.isoformat(),
            f"{day:%d/%m/%Y}",
            f"{day:%Y:%m:%d}",
        )
    )


def _coordinate_forms(dms) -> tuple[str, ...]:
    value = dms_to_decimal(dms)
    # Six decimals as stored, and what any rounding or cutting to three or more leaves.
    return (f"{value:.6f}", f"{value:.3f}", f"{value:.6f}"[:-3])


CANARIES: tuple[Canary, ...] = (
    *(_token(f"person's {name}", PERSONAL, token) for name, (token, _) in PERSON.items()),
    Canary(PERSONAL, "person's date_of_birth", _date_forms(DATE_OF_BIRTH)),
    _token("incident summary", NARRATIVE, "Canarysummary7f3a"),
    *(_token(f"name typed into {field}", FREE_TEXT, token) for field, (token, _) in FREE.items()),
    _token("source text", NARRATIVE, "Canarysourcetext7f3a"),
    _token("evidence file name as uploaded", EVIDENCE, "Canaryfilename7f3a"),
    _token("evidence caption", EVIDENCE, "Canarycaption7f3a"),
    *(_token(f"EXIF {ExifTags.TAGS[tag]}", EVIDENCE, value) for tag, value in EXIF_TEXT.items()),
    _token("EXIF BodySerialNumber", EVIDENCE, EXIF_SERIAL),
    _token("JPEG comment", EVIDENCE, PHOTO_COMMENT.decode()),
    _token("XMP packet", EVIDENCE, PHOTO_XMP.decode()),
    Canary(EVIDENCE, "EXIF capture time", _date_forms(dt.date(2003, 3, 17))),
    Canary(EVIDENCE, "EXIF GPS latitude", _coordinate_forms(GPS_LATITUDE)),
    Canary(EVIDENCE, "EXIF GPS longitude", _coordinate_forms(GPS_LONGITUDE)),
)


# --- The photo ---------------------------------------------------------------------------------


def canary_photo() -> bytes:
    """A JPEG as a phone makes it, every piece of metadata a canary."""
    image = Image.new("RGB", (160, 120), (40, 110, 190))
    for i in range(120):
        image.putpixel((i, i), (250, 250, 0))
    exif = Image.Exif()
    for tag, value in EXIF_TEXT.items():
        exif[tag] = value
    details = exif.get_ifd(0x8769)
    details[0x9003] = CAPTURED  # DateTimeOriginal
    details[0x9011] = "+00:00"  # OffsetTimeOriginal
    details[0xA431] = EXIF_SERIAL  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", GPS_LATITUDE, "E", GPS_LONGITUDE
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif,
        comment=PHOTO_COMMENT,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + PHOTO_XMP + b"</x:xmpmeta>",
    )
    return out.getvalue()


def picture_metadata_text(content: bytes) -> str:
    """What a picture carries besides its pixels, written out as text to search.

    GPS positions are stored as rationals, so they are written as decimal degrees here.
    """
    try:
        image = Image.open(io.BytesIO(content))
    except Exception as error:  # noqa: BLE001 (a broken picture is reported, not a crash)
        return f"(not a readable picture: {error})"
    with image:
        exif = image.getexif()
        parts = [f"{tag}={value}" for tag, value in exif.items()]
        parts += [f"{tag}={value}" for tag, value in exif.get_ifd(0x8769).items()]
        gps = exif.get_ifd(0x8825)
        for tag in (2, 4):
            if tag in gps:
                parts.append(f"gps={dms_to_decimal(gps[tag]):.6f}")
        parts += [
            f"{key}={value!r}"
            for key, value in image.info.items()
            if key
            not in (
                "icc_profile",
                "dpi",
                "jfif",
                "jfif_version",
                "jfif_unit",
                "jfif_density",
                "progressive",
                "progression",
            )
        ]
    return " ".join(parts)
