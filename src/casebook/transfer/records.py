"""The neutral shape that every file format reads into and writes from.

A format turns its rows into `IncidentRecord`s (and back); it knows nothing about the
database. Codebook references (force, act type, provision…) stay as the text the file gave,
so that the import service can resolve them and say exactly which row and column is wrong.
`where` names the place in the file ("Row 12", "incidents[3].acts[0]") for error messages.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class Problem:
    """Something in the file that stops the import, worded for the person who made the file."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.where}, {self.field}: {self.message}"
            if self.field
            else (f"{self.where}: {self.message}")
        )


class ValueProblem(ValueError):
    """A single value could not be read; the message says what would be accepted."""


class UnreadableFile(ValueError):
    """A format cannot read on past this point (a CSV cell over the field limit): the whole
    file has this problem, and no skipping of rows gets round it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class OutcomeRecord:
    where: str
    outcome: str
    date: dt.date | None = None
    note: str = ""


@dataclass
class PersonRecord:
    """A person affected by an act. Personal fields are only read from and written to JSON."""

    where: str
    role: str = "affected"
    reference: str = ""
    full_name: str = ""
    contact: str = ""
    address: str = ""
    consent_record: bool = False
    consent_share: bool = False
    consent_publish: bool = False

    @property
    def has_personal_details(self) -> bool:
        return bool(self.full_name or self.contact or self.address)


@dataclass
class ActRecord:
    where: str
    act_type: str
    external_id: str = ""
    number_affected: int | None = None
    number_precision: str = ""
    legal_provision: str = ""
    offence_wording: str = ""
    trigger_type: str = ""
    trigger_wording: str = ""
    perpetrator: str = ""
    perpetrator_unit: str = ""
    outcomes: list[OutcomeRecord] = field(default_factory=list)
    people: list[PersonRecord] = field(default_factory=list)
    # Free text in which to look for a provision when `legal_provision` is empty (ACLED notes).
    provision_hint: str = ""


@dataclass
class SourceRecord:
    where: str
    external_id: str = ""
    url: str = ""
    title: str = ""
    publisher: str = ""
    kind: str = ""
    channel: str = ""
    published_at: dt.datetime | None = None
    reliability: str = ""
    credibility: str = ""
    text: str = ""
    supports: str = ""
    # The link's flag (sources.IncidentSource): False when the source was found by searching
    # for the incident once it was known, so that its channel does not count as a capture.
    found_independently: bool = True

    @property
    def identity(self) -> str:
        """What makes two rows name the same source: its id, else its address, else its title."""
        return self.external_id or self.url or f"{self.title}|{self.publisher}"


@dataclass
class IncidentRecord:
    where: str
    external_id: str
    title: str = ""
    summary: str = ""
    date: dt.date | None = None
    date_precision: str = "day"
    end_date: dt.date | None = None
    time: dt.time | None = None
    place: str = ""
    country: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    coordinate_precision: str = ""
    force: str = ""
    protest: str = ""
    status: str = ""
    tags: list[str] = field(default_factory=list)
    acts: list[ActRecord] = field(default_factory=list)
    sources: list[SourceRecord] = field(default_factory=list)
    # Free text in which to look for a force when `force` is empty (ACLED notes and place).
    force_hint: str = ""
    # Where it happened, most specific first (ACLED's admin3, admin2, location, admin1), to
    # infer the force that polices it when no force is named; `place` when empty.
    areas: list[str] = field(default_factory=list)
    # ACLED's own columns, as ACLED gave them, for an event read from (or going to) ACLED.
    acled: dict[str, str] = field(default_factory=dict)
    # Filled by exports only, for layouts that want names rather than slugs (ACLED).
    force_name: str = ""
    nation: str = ""
    # The file's own items this incident was read from (CSV rows, JSON positions), so that a
    # rejected incident goes to the rejects file exactly as the file gave it.
    items: list[int] = field(default_factory=list)
    # Fields whose value could not be read (reported already): checks that involve them
    # would only repeat the problem in other words.
    unreadable: set[str] = field(default_factory=set)


MAX_PROBLEMS = 1000  # past this the file is surely in the wrong layout; stop counting


@dataclass
class Skipped:
    """A row the format deliberately leaves out (e.g. an ACLED protest without police action)."""

    where: str
    reason: str


@dataclass
class ImportReport:
    """What an import did, or would do (`dry_run`), or why it did nothing (`problems`).

    With `skip_invalid`, `problems` are those of the incidents that were left out
    (`rejected`, from `rejected_rows` items of the file) and the rest was imported.
    """

    format: str
    dry_run: bool
    skip_invalid: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejected_rows: int = 0
    # Where the rejected rows were written ("" when not written, or to an unnamed stream).
    rejects_file: str = ""
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    incident_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Did the import do what was asked: everything, or (skip_invalid) all it could?"""
        return not self.problems or self.rejected > 0

    @property
    def summary(self) -> str:
        if not self.ok:
            more = "+" if len(self.problems) >= MAX_PROBLEMS else ""
            return (
                f"Nothing was imported: the file has {len(self.problems)}{more} "
                f"problem{'s' if len(self.problems) != 1 else ''} to fix first."
            )
        verb = "Checked: would import" if self.dry_run else "Imported"
        text = (
            f"{verb} {_count(self.created, 'new incident')} and "
            f"{'would update' if self.dry_run else 'updated'} {self.updated}; "
            f"{self.unchanged} already up to date."
        )
        if self.rejected:
            text += (
                f" {_count(self.rejected, 'incident')} "
                f"({_count(self.rejected_rows, 'row')} of the file) "
                f"{'would be' if self.dry_run else 'were' if self.rejected != 1 else 'was'}"
                " left out for problems"
            )
            text += f"; they are in {self.rejects_file}." if self.rejects_file else "."
        if self.skipped:
            text += f" {len(self.skipped)} rows skipped (see below)."
        return text


def _count(number: int, noun: str) -> str:
    """A number of things, in words.

    >>> _count(1, "row"), _count(2000, "new incident")
    ('1 row', '2,000 new incidents')
    """
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


# --- Reading single values -------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_NUMERIC_DAY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_WORDY_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4})$")
_WORDY_MONTH = re.compile(r"^([a-z]+)\.?,?\s+(\d{4})$")
DATE_FORMS = "2024-05-04, 04/05/2024 (day first), 4 May 2024, 2024-05 or May 2024, or 2024"


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueProblem(f"{year:04d}-{month:02d}-{day:02d} is not a real date.") from None


def parse_date(text: str) -> tuple[dt.date, str]:
    """Read a date and how precise it is; day-first, as dates are written in the UK.

    >>> parse_date("04/05/2024")
    (datetime.date(2024, 5, 4), 'day')
    >>> parse_date("May 2024")
    (datetime.date(2024, 5, 1), 'month')
    """
    value = " ".join(text.strip().lower().split())
    # Spreadsheets often add a midnight time to a date: "2024-05-04 00:00:00", "…T00:00".
    value = re.sub(r"[t ]00:00(:00)?(\.0+)?z?$", "", value)
    if m := _ISO_DAY.match(value):
        return _make_date(int(m[1]), int(m[2]), int(m[3])), "day"
    if m := _ISO_MONTH.match(value):
        return _make_date(int(m[1]), int(m[2]), 1), "month"
    if m := _YEAR.match(value):
        return _make_date(int(m[1]), 1, 1), "year"
    if m := _NUMERIC_DAY.match(value):
        return _make_date(int(m[3]), int(m[2]), int(m[1])), "day"
    if (m := _WORDY_DAY.match(value)) and m[2] in _MONTHS:
        return _make_date(int(m[3]), _MONTHS[m[2]], int(m[1])), "day"
    if (m := _WORDY_MONTH.match(value)) and m[1] in _MONTHS:
        return _make_date(int(m[2]), _MONTHS[m[1]], 1), "month"
    raise ValueProblem(f"{text.strip()!r} is not a date we can read; write it as {DATE_FORMS}.")


def parse_time(text: str) -> dt.time:
    """Read a time of day.

    >>> parse_time("14:30")
    datetime.time(14, 30)
    """
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        raise ValueProblem(f"{text.strip()!r} is not a time; write it as 14:30.") from None


def parse_datetime(text: str) -> dt.datetime:
    """An ISO date-time; a bare date counts as midnight. Naive values are read as UTC."""
    value = text.strip()
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            day, _ = parse_date(value)
        except ValueProblem:
            raise ValueProblem(
                f"{value!r} is not a date and time; write it as 2024-05-04T14:30:00+01:00."
            ) from None
        moment = dt.datetime.combine(day, dt.time())
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parse_count(text: str) -> int:
    """A whole number of people, allowing "1,200" and "12.0" as spreadsheets write them.

    >>> parse_count("1,200")
    1200
    """
    value = text.strip().replace(",", "").replace("_", "")
    if re.fullmatch(r"\d+(\.0+)?", value):
        return int(value.split(".")[0])
    raise ValueProblem(f"{text.strip()!r} is not a whole number; write e.g. 3, or leave it empty.")


def parse_coordinate(text: str, *, limit: int) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueProblem(f"{text.strip()!r} is not a number; write e.g. 51.5072.") from None
    if not value.is_finite() or abs(value) > limit:
        raise ValueProblem(f"{text.strip()} is outside -{limit}…{limit}.")
    # The database keeps six decimal places (about 10 cm); more would fail validation.
    return value.quantize(Decimal("0.000001"))


_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n", ""}


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem(f"{value!r} is not yes or no; write true or false.")


def split_list(text: str) -> list[str]:
    """Several values in one cell, separated by semicolons.

    >>> split_list("kettling; night ;")
    ['kettling', 'night']
    """
    return [part.strip() for part in (text or "").split(";") if part.strip()]
