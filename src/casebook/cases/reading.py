"""Who reads an incident's free text as written, and how everyone else reads it: redacted.

Free text (an incident's title and summary, an act's wording, an outcome's note, a source's
text, a protest's organiser…) is where caseworkers type names, birth dates and addresses.
Those who may see the incident's people read it as written; everyone else (analysts, a
caseworker not on that incident) reads it only through redaction: the approved redaction
where a coordinator approved one, else the machine's, marked as unreviewed.

The redacting itself lives in the redaction app, above this one: it registers its function
here when Django starts (`register_redactor`), so the record's own pages (the protests) use
it without importing upwards. Without a redactor, nothing is shown: `redact_free_text` fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from casebook.accounts import roles
from casebook.cases.models import Incident

Redactor = Callable[[Iterable[models.Model]], None]
_redactor: list[Redactor] = []


def register_redactor(redactor: Redactor) -> None:
    """Called once by the redaction app; the last registration wins."""
    _redactor[:] = [redactor]


def redact_free_text(objects: Iterable[models.Model]) -> None:
    """Replace, in place, the free text of these objects (incidents, acts, outcomes,
    protests, sources, source links) by what a reader who may not see people reads.

    The objects are for showing only: saving one afterwards is refused.
    """
    if not _redactor:
        raise ImproperlyConfigured("No redactor is registered: is the redaction app installed?")
    _redactor[0](objects)


def reads_everything(user) -> bool:
    """Reads all free text as written: administrators and coordinators."""
    return roles.sees_all_people(user)


def incidents_read_as_written(user, incident_ids: Sequence[int]) -> set[int]:
    """Which of these incidents this user reads as written (one query for a caseworker).

    Administrators and coordinators: all; caseworkers: those they work on (they see their
    people); analysts and everyone else: none.
    """
    if reads_everything(user):
        return set(incident_ids)
    if not roles.may_see_people(user) or not incident_ids:
        return set()
    return set(
        Incident.objects.worked_on_by(user)
        .filter(pk__in=list(incident_ids))
        .values_list("pk", flat=True)
    )
