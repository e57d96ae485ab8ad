"""The rules a stored value must keep, whichever way it came in: the incident editor, an
import, the monitor, the API.

Each model's `clean()` applies them, and `full_clean()` runs on every write path, so the
form and the importer refuse the same values with the same words: what one accepts, the
other takes back (a full export always re-imports). A rule that needs two records (an
outcome's date against its incident's) is a function here that both call.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models

from casebook.lib.countries import is_country_code

# Nothing Casebook records happened before this: a year 1 or 0202 is a typing slip, and some
# file layouts cannot write a year of fewer than four digits.
EARLIEST_DATE = dt.date(1900, 1, 1)
# The largest count every supported database keeps (PostgreSQL's integer).
LARGEST_COUNT = 2_147_483_647
# Tags are listed with commas in the editor and semicolons in CSV files.
TAG_SEPARATORS = (",", ";")
NUL = "\x00"


def date_problem(value: dt.date | dt.datetime | None) -> str | None:
    """Why a date cannot be kept, or None.

    >>> date_problem(dt.date(1, 5, 4))
    'is in the year 1; nothing in a casebook is that old. Check the year.'
    """
    if value is None:
        return None
    day = value.date() if isinstance(value, dt.datetime) else value
    if day < EARLIEST_DATE:
        return f"is in the year {day.year}; nothing in a casebook is that old. Check the year."
    return None


def future_date_problem(value: dt.date | None, *, today: dt.date) -> str | None:
    """Why an incident's date cannot be kept because it has not come yet, or None.

    An incident is recorded once it has happened; a date after today is a slip of the year
    or of day and month. (An end date may lie ahead: a ban imposed today can last a month.)

    >>> future_date_problem(dt.date(2042, 5, 4), today=dt.date(2024, 5, 4))[:42]
    'is in the future (after today, 4 May 2024)'
    """
    if value is None or value <= today:
        return None
    return (
        f"is in the future (after today, {today:%-d %B %Y}); record an incident once it has "
        "happened. Check the year, and day and month."
    )


def review_problem(*, status_label: str, acts: int, sources: int) -> str | None:
    """Why an incident cannot go for review (or be verified) yet, naming what is missing.

    A reviewer checks acts against sources: an incident without either has nothing to check.

    >>> review_problem(status_label="sent for review", acts=0, sources=0)[:73]
    'This incident cannot be sent for review yet: it has no act and no source.'
    >>> review_problem(status_label="verified", acts=1, sources=0)[-66:]
    'Record at least one source (where it is reported), then try again.'
    >>> review_problem(status_label="verified", acts=2, sources=1) is None
    True
    """
    missing = [what for what, count in (("act", acts), ("source", sources)) if not count]
    if not missing:
        return None
    needed = {
        "act": "one act (what the police did)",
        "source": "one source (where it is reported)",
    }
    return (
        f"This incident cannot be {status_label} yet: it has no {' and no '.join(missing)}. "
        f"Record at least {' and '.join(needed[what] for what in missing)}, then try again."
    )


def outcome_date_problem(outcome: dt.date | None, incident: dt.date | None) -> str | None:
    """Why an outcome's date cannot follow its incident's, or None.

    >>> outcome_date_problem(dt.date(2024, 5, 3), dt.date(2024, 5, 4))
    "is before the incident's date (4 May 2024); an outcome comes after the incident."
    """
    if outcome is None or incident is None or outcome >= incident:
        return None
    return (
        f"is before the incident's date ({incident:%-d %B %Y}); an outcome comes after "
        "the incident."
    )


def country_problem(code: str) -> str | None:
    """Why a country code cannot be kept, or None.

    >>> country_problem("XX")
    "'XX' is not a country code; use the two-letter ISO 3166 code, e.g. GB."
    """
    if is_country_code(code):
        return None
    return f"{code!r} is not a country code; use the two-letter ISO 3166 code, e.g. GB."


def count_problem(value: int | None) -> str | None:
    if value is not None and value > LARGEST_COUNT:
        return f"is larger than {LARGEST_COUNT:,}, more than Casebook keeps; check the number."
    return None


def tag_problem(name: str) -> str | None:
    """Why a tag name cannot be kept, or None.

    >>> tag_problem("kettling; night")
    'holds a comma or a semicolon, which separate tags; make it two tags.'
    """
    if any(separator in name for separator in TAG_SEPARATORS):
        return "holds a comma or a semicolon, which separate tags; make it two tags."
    return None


def person_details_problem(*, has_details: bool, consent_record: bool) -> str | None:
    """Why a person's name, contact or address cannot be kept, or None.

    >>> person_details_problem(has_details=True, consent_record=False)[:40]
    'No consent to keep their details is reco'
    """
    if has_details and not consent_record:
        return (
            "No consent to keep their details is recorded, so the person's name, contact and "
            "address may not be kept; record their consent, or remove the details."
        )
    return None


NUL_MESSAGE = (
    "holds a NUL character (an invisible control code, often left by a file saved as "
    "UTF-16), which Casebook does not keep; remove it."
)


def fields_with_nul(instance: models.Model) -> list[str]:
    """The text fields of an instance that hold a NUL character (which PostgreSQL refuses)."""
    values = instance.__dict__
    return [
        name
        for name, attname in _text_fields(type(instance))
        if isinstance(value := values.get(attname), str) and NUL in value
    ]


@functools.cache
def _text_fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    # Asked for every instance an import checks: the model's fields do not change.
    return tuple(
        (field.name, field.attname)
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    )


def raise_problems(problems: Iterable[tuple[str, str | None]]) -> None:
    """Raise one ValidationError for the (field, problem) pairs that have a problem."""
    errors = {name: problem for name, problem in problems if problem}
    if errors:
        raise ValidationError(errors)


def text_problems(instance: models.Model) -> list[tuple[str, str]]:
    return [(name, NUL_MESSAGE) for name in fields_with_nul(instance)]
