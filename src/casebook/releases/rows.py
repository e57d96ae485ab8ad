"""Published incidents (the publishing app's public values) as the rows of a release.

Everything here starts from `publishing.publishable.PublicIncident`: a release can carry
nothing the portal could not show (free text included: publishers and protest names come
machine-redacted from there). `release_chunks` is the one query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from decimal import Decimal

import numpy as np

from casebook.analysis.stats.suppression import suppress_table
from casebook.cases.models import Incident
from casebook.publishing.models import PortalSettings
from casebook.publishing.publishable import (
    PublicIncident,
    public_incidents,
    published_incidents,
)
from casebook.transfer.formats.acled import acled_row
from casebook.transfer.records import ActRecord, IncidentRecord, OutcomeRecord, SourceRecord

CHUNK = 500
# ACLED's terms forbid republishing its rows: incidents imported from ACLED stay out.
ACLED_TAG = "acled"


def release_chunks(
    *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Iterator[list[PublicIncident]]:
    """The published incidents of the period, as public values, in date order, a few
    hundred at a time."""
    chosen = published_incidents().exclude(tags__name=ACLED_TAG)
    if date_from:
        chosen = chosen.filter(date__gte=date_from)
    if date_to:
        chosen = chosen.filter(date__lte=date_to)
    ids = list(chosen.order_by("date", "reference").values_list("pk", flat=True))
    portal = PortalSettings.current()
    for start in range(0, len(ids), CHUNK):
        # Unsaved instances carrying only the key: all `public_incidents` needs for the order.
        chunk = [Incident(pk=pk) for pk in ids[start : start + CHUNK]]
        yield public_incidents(chunk, portal=portal)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def incident_row(incident: PublicIncident, place_precision: str) -> list:
    return [
        incident.reference,
        incident.title,
        incident.summary,
        incident.date.isoformat(),
        incident.date_precision,
        incident.place,
        place_precision,
        incident.country,
        _number(incident.latitude),
        _number(incident.longitude),
        incident.force.slug if incident.force else "",
        incident.force.label if incident.force else "",
        incident.protest.name if incident.protest else "",
        len(incident.acts),
        incident.published_at.isoformat(timespec="seconds"),
        incident.changed_at.isoformat(timespec="seconds"),
    ]


def act_rows(incident: PublicIncident) -> Iterator[list]:
    for number, act in enumerate(incident.acts, start=1):
        yield [
            f"{incident.reference}-{number}",
            incident.reference,
            number,
            act.act_type.slug,
            act.act_type.label,
            "" if act.number_affected is None else act.number_affected,
            act.number_text,
            act.provision.slug if act.provision else "",
            act.provision.label if act.provision else "",
            act.trigger.slug if act.trigger else "",
            act.perpetrator.slug if act.perpetrator else "",
            len(act.consenting_roles),
        ]


def outcome_rows(incident: PublicIncident) -> Iterator[list]:
    for number, act in enumerate(incident.acts, start=1):
        for outcome in act.outcomes:
            yield [
                f"{incident.reference}-{number}",
                incident.reference,
                outcome.outcome.slug,
                outcome.outcome.label,
                outcome.date.isoformat() if outcome.date else "",
            ]


def source_rows(incident: PublicIncident) -> Iterator[list]:
    for source in incident.sources:
        yield [
            incident.reference,
            source.kind,
            source.title,
            source.publisher,
            source.url,
            source.published_on.isoformat() if source.published_on else "",
        ]


def fingerprint(incident: PublicIncident) -> str:
    """A hash of everything the release says about an incident: a new one is a correction."""
    rows = [incident_row(incident, ""), *act_rows(incident), *outcome_rows(incident)]
    rows += list(source_rows(incident))
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()[:32]


def acled_record(incident: PublicIncident, place_precision: str) -> IncidentRecord:
    """The public values in the neutral record ACLED's layout is written from."""

    def decimal(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(f"{value:.2f}")

    return IncidentRecord(
        where="",
        external_id=incident.reference,
        title=incident.title,
        summary=incident.summary,
        date=incident.date,
        date_precision=incident.date_precision,
        place=incident.place,
        country=incident.country,
        latitude=decimal(incident.latitude),
        longitude=decimal(incident.longitude),
        coordinate_precision=place_precision,
        force=incident.force.slug if incident.force else "",
        force_name=incident.force.label if incident.force else "",
        protest=incident.protest.name if incident.protest else "",
        acts=[
            ActRecord(
                "",
                act.act_type.slug,
                number_affected=act.number_affected,
                legal_provision=act.provision.label if act.provision else "",
                trigger_type=act.trigger.slug if act.trigger else "",
                outcomes=[OutcomeRecord("", o.outcome.slug, o.date) for o in act.outcomes],
            )
            for act in incident.acts
        ],
        sources=[SourceRecord("", publisher=s.publisher) for s in incident.sources],
    )


def acled_values(incident: PublicIncident, place_precision: str) -> list:
    return acled_row(acled_record(incident, place_precision))


# --- Aggregates ---------------------------------------------------------------------------------


class MonthlyCounts:
    """Acts counted by month × force × act type, for the suppressed aggregate table."""

    def __init__(self) -> None:
        self.cells: dict[str, dict[tuple[str, str], int]] = {}
        self.unplaced = 0  # acts of incidents known only to the year

    def add(self, incident: PublicIncident) -> None:
        if incident.date_precision == "year":
            self.unplaced += len(incident.acts)
            return
        month = self.cells.setdefault(f"{incident.date:%Y-%m}", {})
        for act in incident.acts:
            acted = act.perpetrator or incident.force
            key = (acted.slug if acted else "unknown", act.act_type.slug)
            month[key] = month.get(key, 0) + 1

    def rows(self, *, threshold: int) -> Iterator[list]:
        """Each month's table with its totals, suppressed on its own (no total across months
        is published, so one month's hidden cells cannot be worked out from another's)."""
        for month in sorted(self.cells):
            counts = self.cells[month]
            forces = sorted({force for force, _ in counts})
            kinds = sorted({kind for _, kind in counts})
            table = np.zeros((len(forces), len(kinds)), dtype=np.int64)
            for (force, kind), n in counts.items():
                table[forces.index(force), kinds.index(kind)] = n
            suppressed = suppress_table(table, threshold=threshold)
            names = ([*forces, "all"], [*kinds, "all"])
            for i, force in enumerate(names[0]):
                for j, kind in enumerate(names[1]):
                    value = int(suppressed.values[i, j])
                    if suppressed.primary[i, j]:
                        yield [month, force, kind, "", "primary"]
                    elif suppressed.complementary[i, j]:
                        yield [month, force, kind, "", "complementary"]
                    elif value or i == len(forces) or j == len(kinds):
                        yield [month, force, kind, value, ""]
