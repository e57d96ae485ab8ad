"""The recognisers behind text redaction: presidio's own, set up for the UK, and ours for what
presidio lacks (UK street addresses and phone shapes, dates of birth, names after a title or a
cue, police collar numbers, National Insurance numbers).

presidio is imported inside the functions only, after `text.py` has set the environment that
keeps it offline; build them through `text._load_engine()`.
"""

from __future__ import annotations

import re

_CAP_WORD = r"[A-Z][A-Za-z'’\-]*"
_STREET_SUFFIXES = (
    "Road|Street|Lane|Avenue|Close|Way|Drive|Crescent|Terrace|Gardens|Place|Square|Grove|"
    "Court|Hill|Rise|Row|Mews|Walk|Parade|Park|Green|Vale|View|Wharf|Yard|Gate|Embankment|"
    "Broadway|Boulevard|Approach|Chase|Croft|Fields|Meadow|Meadows|Mount|Villas|Wynd|Circus|"
    "Heights|Quay|Passage|Path|Bank|Brow|Cottages|Grange|Hollow|Esplanade|Promenade|Causeway"
)
_STREET_ABBREVIATIONS = "Rd|St|Ln|Ave|Cl|Dr|Cres|Tce|Terr|Gdns|Pl|Sq|Gr|Ct|Pde"
ADDRESS_PATTERN = re.compile(
    rf"""
    (?:(?:Flat|Apartment|Apt\.?|Unit|Room|Studio|Maisonette)[ \t]+\d{{1,4}}[A-Za-z]?,?[ \t]+
       (?:(?:{_CAP_WORD}[ \t]+){{0,3}}
          (?:House|Court|Mansions|Lodge|Tower|Building|Buildings|Heights|Point|Hall|Block),?
          [ \t]+)?
    )?
    \b\d{{1,4}}[A-Za-z]?(?:[ \t]?[-–][ \t]?\d{{1,4}}[A-Za-z]?)?,?[ \t]+   # house number(s)
    (?:{_CAP_WORD}[ \t]+){{1,4}}?                                      # street name
    (?:(?:{_STREET_SUFFIXES})\b|(?:{_STREET_ABBREVIATIONS})\b\.?)
    """,
    re.VERBOSE,
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_FULL_DATE = re.compile(
    rf"""\b(?:
        \d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:\d{{4}}|\d{{2}})
      | \d{{4}}-\d{{2}}-\d{{2}}
      | \d{{1,2}}(?:st|nd|rd|th)?(?:[ \t]+of)?[ \t]+{_MONTH},?[ \t]+\d{{4}}
      | {_MONTH}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}}
    )\b""",
    re.VERBOSE | re.IGNORECASE,
)
# "born in 1998", "born March 1998": only straight after "born".
_BORN_YEAR = re.compile(
    rf"\bborn[ \t]+(?:in[ \t]+)?((?:{_MONTH}[ \t]+)?(?:19|20)\d{{2}})\b", re.IGNORECASE
)
_BIRTH_WORDS = re.compile(
    r"(?:\bborn\b|\bb\.|\bD\.?O\.?B\b\.?|\bdate[ \t]+of[ \t]+birth\b|\bbirth[ \t]?date\b|"
    r"\bbirthday\b)",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"[.!?][ \t]|\n")
_BIRTH_WINDOW = 40  # characters between the birth word and the date

_RANKS = (
    r"PC|PS|DC|DS|DI|DCI|TDC|PCSO|SPC|Sgt|Sergeant|Constable|Inspector|Insp|"
    r"Officer|officer"
)
COLLAR_PATTERN = re.compile(
    rf"""(?:
        \b(?:{_RANKS})\.?[ \t]+(?:[A-Z][a-z]+[ \t]+){{0,2}}
      | \b(?:[Cc]ollar|[Ss]houlder|[Ee]paulette|[Bb]adge|[Ww]arrant)(?:[ \t]+(?:number|no\.?))?
        [ \t]*[:#]?[ \t]*
    )
    (?P<number>[A-Z]{{0,3}}\d{{2,6}}[A-Z]{{0,2}})\b""",
    re.VERBOSE,
)
# libphonenumber (presidio's phone recogniser) rejects numbers in Ofcom's ranges for drama
# (07700 900xxx, 020 7946 0xxx) and numbers typed with odd spacing; these patterns follow
# the UK numbering plan's shapes instead: mobiles, London-style 02x, 01 area codes, 03/08/09.
UK_PHONE_PATTERN = re.compile(
    r"""(?<![\w+])
    (?:\+44[ \t]?(?:\(0\)[ \t]?)?|\(0(?=\d{2,4}\))|0)   # "(" only around an area code
    (?: 7\d{3}[ \t-]?\d{3}[ \t-]?\d{3}
      | 2\d\)?[ \t-]?\d{4}[ \t-]?\d{4}
      | 1\d{2,4}\)?[ \t-]?\d{3}[ \t-]?\d{3,4}
      | [389]\d{2}\)?[ \t-]?\d{3}[ \t-]?\d{4}
    )(?!\d)""",
    re.VERBOSE,
)
# Looser than presidio's: HMRC's own example prefix QQ (never issued) is caught too.
NINO_PATTERN = re.compile(
    r"\b[A-Z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-D]\b", re.IGNORECASE
)
_TITLES = r"Mr|Mrs|Ms|Miss|Mx|Dr|Master|Sir|Dame|Lord|Lady"
_NAME = rf"{_CAP_WORD}(?:[ \t]+{_CAP_WORD}){{0,2}}"
_RELATIONS = (
    r"friend|partner|sister|brother|son|daughter|mother|father|mum|dad|wife|husband|"
    r"cousin|aunt|uncle|niece|nephew|neighbour|colleague|flatmate|girlfriend|"
    r"boyfriend|fiancée?|solicitor|lawyer|carer|child|grandson|granddaughter"
)
TITLED_NAME_PATTERN = re.compile(
    rf"\b(?:(?:{_TITLES})\.?|(?:{_RANKS})|(?:[Nn]amed|name[ \t]+(?:is|was))"
    rf"|(?:[Mm]y|[Hh]is|[Hh]er|[Oo]ur|[Tt]heir)[ \t]+(?:{_RELATIONS}),?"
    rf"|(?:[Ss]tatement|[Tt]estimony)[ \t]+(?:is[ \t]+|was[ \t]+)?(?:by|from|of)|[Ww]itness)[ \t]+"
    rf"(?P<name>{_NAME})"
)
# Stripped from the edges of a name before it is tagged or compared with public figures.
NAME_PREFIX = re.compile(  # used with .match(): anchored at the start
    rf"(?:(?:the[ \t]+)?(?:Rt\.?[ \t]+Hon\.?|Right[ \t]+Honourable)[ \t]+|"
    rf"(?:{_TITLES}|{_RANKS}|Baroness|Baron|Commissioner|Chief[ \t]+Constable|"
    rf"Home[ \t]+Secretary|Prime[ \t]+Minister)\.?[ \t]+)+",
    re.IGNORECASE,
)
NAME_SUFFIX = re.compile(r"(?:['’]s?|[ \t,]+(?:MP|KC|QC|MSP|MS|MLA|OBE|MBE|CBE))+$")


def _our_recognisers():
    """presidio recognisers of our own, built here so presidio is imported only when used."""
    from presidio_analyzer import LocalRecognizer, RecognizerResult

    class _RegexRecognizer(LocalRecognizer):
        """One compiled pattern, case-sensitive; optionally one named group is the span."""

        def __init__(
            self,
            *,
            entity: str,
            pattern: re.Pattern,
            score: float,
            group: str | None = None,
            name: str,
        ):
            self.pattern, self.score, self.group = pattern, score, group
            super().__init__(supported_entities=[entity], name=name, supported_language="en")

        def load(self) -> None:
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            entity = self.supported_entities[0]
            results = []
            for match in self.pattern.finditer(text):
                start, end = match.span(self.group) if self.group else match.span()
                results.append(RecognizerResult(entity, start, end, self.score))
            return results

    class DateOfBirthRecognizer(LocalRecognizer):
        """A date with "born", "DOB", "date of birth" or "birthday" shortly before it."""

        def __init__(self):
            super().__init__(
                supported_entities=["DATE_OF_BIRTH"], name="DateOfBirth", supported_language="en"
            )

        def load(self) -> None:
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            results = [
                RecognizerResult("DATE_OF_BIRTH", *m.span(1), 0.85)
                for m in _BORN_YEAR.finditer(text)
            ]
            for match in _FULL_DATE.finditer(text):
                if _has_birth_word_before(text, match.start()):
                    results.append(RecognizerResult("DATE_OF_BIRTH", *match.span(), 0.85))
            return results

    return [
        _RegexRecognizer(
            entity="UK_ADDRESS", pattern=ADDRESS_PATTERN, score=0.7, name="UkStreetAddress"
        ),
        _RegexRecognizer(
            entity="PHONE_NUMBER", pattern=UK_PHONE_PATTERN, score=0.6, name="UkPhoneNumber"
        ),
        _RegexRecognizer(entity="UK_NINO", pattern=NINO_PATTERN, score=0.7, name="UkNino"),
        _RegexRecognizer(
            entity="POLICE_COLLAR_NUMBER",
            pattern=COLLAR_PATTERN,
            score=0.9,
            group="number",
            name="PoliceCollarNumber",
        ),
        _RegexRecognizer(
            entity="PERSON", pattern=TITLED_NAME_PATTERN, score=0.7, group="name", name="TitledName"
        ),
        DateOfBirthRecognizer(),
    ]


def _has_birth_word_before(text: str, start: int) -> bool:
    window_start = max(0, start - _BIRTH_WINDOW)
    last = None
    for last in _BIRTH_WORDS.finditer(text, window_start, start):  # noqa: B007
        pass
    return last is not None and not _SENTENCE_BREAK.search(text, last.end(), start)


def build_recognisers() -> list:
    """Every recogniser Casebook registers: presidio's, set up for the UK, and ours."""
    from presidio_analyzer import Pattern
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        NhsRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
        UkDrivingLicenceRecognizer,
        UkPassportRecognizer,
        UkPostcodeRecognizer,
        UkVehicleRegistrationRecognizer,
    )

    postcode = UkPostcodeRecognizer(
        patterns=[Pattern("UK postcode", UkPostcodeRecognizer.PATTERNS[0].regex, 0.6)]
    )
    vehicle = UkVehicleRegistrationRecognizer(
        patterns=[
            Pattern(p.name, p.regex, score)
            for p, score in zip(
                UkVehicleRegistrationRecognizer.PATTERNS, (0.5, 0.45, 0.4), strict=True
            )
        ]
    )
    # presidio matches case-insensitively by default; a number plate in lower case is rare
    # and "was 3 a" would otherwise be an old-style plate.
    vehicle.global_regex_flags = re.MULTILINE
    passport = UkPassportRecognizer()
    passport.global_regex_flags = re.MULTILINE
    return [
        SpacyRecognizer(supported_entities=["PERSON"]),
        # GB only: "UK" is not a region code to libphonenumber, and other regions' formats
        # would read British numbers wrongly. "+44 …" and "+1 …" are found in any case.
        PhoneRecognizer(supported_regions=("GB",)),
        EmailRecognizer(),
        postcode,
        vehicle,
        NhsRecognizer(),
        passport,
        UkDrivingLicenceRecognizer(),
        IpRecognizer(),
        CreditCardRecognizer(),
        IbanRecognizer(),
        *_our_recognisers(),
    ]
