"""What the API reads and writes, as typed schemas (they make the OpenAPI document).

Input schemas forbid unknown fields (a typo is named, not ignored) and take integers and
booleans strictly (`false` is not 0). Codebook terms are written by slug, as
`GET /api/v1/codebook` lists them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


# --- Reading -----------------------------------------------------------------------------------


class IncidentRow(Schema):
    reference: str
    title: str
    date: dt.date
    date_precision: str
    place: str
    status: str
    force: str | None
    protest: int | None
    url: str


class IncidentPage(Schema):
    items: list[IncidentRow]
    next: str | None = Field(description="Pass as `cursor` for the next page; null at the end.")


class OutcomeOut(Schema):
    outcome_type: str
    date: dt.date | None
    note: str


class PersonOnAct(Schema):
    involvement_id: int
    reference: str
    role: str
    full_name: str
    contact: str
    consent_record: bool
    consent_share: bool
    consent_publish: bool


class ActOut(Schema):
    id: int
    act_type: str
    number_affected: int | None
    number_precision: str
    legal_provision: str | None
    offence_wording: str
    trigger_type: str | None
    trigger_wording: str
    perpetrator: str | None
    perpetrator_unit: str
    outcomes: list[OutcomeOut]
    people: list[PersonOnAct] | None = Field(
        description="Only with the personal-data scope, for roles that see this incident's "
        "people; otherwise null."
    )


class SourceOut(Schema):
    """A source; `supports` and `found_independently` are what it says of one incident."""

    id: int
    kind: str
    channel: str
    title: str
    url: str
    publisher: str
    published_at: dt.datetime | None
    reliability: str
    credibility: str
    text: str
    supports: str = ""
    found_independently: bool | None = None


class IncidentOut(Schema):
    reference: str
    title: str
    summary: str
    date: dt.date
    date_precision: str
    end_date: dt.date | None
    time: dt.time | None
    place: str
    country: str
    latitude: Decimal | None
    longitude: Decimal | None
    coordinate_precision: str
    force: str | None
    protest: int | None
    status: str
    tags: list[str]
    acts: list[ActOut]
    sources: list[SourceOut]
    people_count: int
    free_text_redacted: bool = Field(
        description="True when this reader reads the free text only redacted (it may name "
        "people this role may not see)."
    )
    created_at: dt.datetime
    updated_at: dt.datetime


# --- Writing -----------------------------------------------------------------------------------


class OutcomeIn(Input):
    outcome_type: str = Field(description="An outcome type's slug.")
    date: dt.date | None = None
    note: str = ""


class ActIn(Input):
    id: StrictInt | None = Field(
        None, description="An act of this incident to change; omit for a new act."
    )
    delete: StrictBool = False
    act_type: str | None = Field(None, description="An act type's slug; required for a new act.")
    number_affected: StrictInt | None = None
    number_precision: str | None = None
    legal_provision: str | None = None
    offence_wording: str | None = None
    trigger_type: str | None = None
    trigger_wording: str | None = None
    perpetrator: str | None = None
    perpetrator_unit: str | None = None
    outcome: OutcomeIn | None = Field(
        None, description="A new step in the act's outcome history (kept when unchanged)."
    )


class SourceIn(Input):
    id: StrictInt | None = Field(None, description="A source the incident cites, to change.")
    delete: StrictBool = False
    kind: str | None = None
    channel: str | None = Field(None, description="A channel's slug (`other` when unknown).")
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published_at: dt.date | None = None
    text: str | None = None
    reliability: str | None = None
    credibility: str | None = None
    supports: str = ""
    found_independently: StrictBool | None = None


class PersonIn(Input):
    involvement_id: StrictInt | None = None
    delete: StrictBool = False
    act: StrictInt = Field(0, description="Index, in this request's `acts`, of the act.")
    role: str = "affected"
    full_name: str | None = None
    contact: str | None = None
    consent_record: StrictBool | None = None
    consent_share: StrictBool | None = None
    consent_publish: StrictBool | None = None


class NewProtestIn(Input):
    name: str
    date: dt.date | None = None
    place: str = ""
    organiser: str = ""
    cause: str = ""


class IncidentIn(Input):
    """An incident with its acts, sources and people, as the incident editor records one.

    On update (PATCH) fields left out keep their value; `acts`, `sources` and `people` rows
    with an `id` change that row, rows without one are added, `delete: true` removes one,
    and rows not listed stay as they are.
    """

    title: str | None = None
    summary: str | None = None
    date: dt.date | None = None
    date_precision: str | None = None
    end_date: dt.date | None = None
    time: dt.time | None = None
    place: str | None = None
    country: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    coordinate_precision: str | None = None
    force: str | None = Field(None, description="A police force's slug.")
    protest: StrictInt | None = Field(None, description="An existing protest's id.")
    new_protest: NewProtestIn | None = None
    tags: list[str] | None = None
    acts: list[ActIn] = []
    sources: list[SourceIn] = []
    people: list[PersonIn] | None = Field(
        None, description="Needs the personal-data scope and a role that sees the people."
    )


class StatusIn(Input):
    status: str = Field(description="draft, in_review, verified, rejected or archived.")


class BulkIn(Input):
    incidents: list[dict] = Field(
        description="Incidents in Casebook's JSON import layout (docs/import-export.md).",
        max_length=1000,
    )
    dry_run: StrictBool = False


class BulkOut(Schema):
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    references: list[str]
