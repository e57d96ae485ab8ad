"""The Table Schemas of an open data release: one definition, from which the data package
(`datapackage.json`), the CSV headers and the data dictionary (Markdown and HTML) are all
made, so they cannot drift apart. Enumerations come from the codebook as it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from casebook.cases.models.incident import DatePrecision
from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType
from casebook.publishing.models import PlacePrecision


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    unique: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def table_schema(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "description": self.description,
            **self.extra,
        }
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if constraints:
            data["constraints"] = constraints
        return data


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (field, resource, field)

    @property
    def header(self) -> list[str]:
        return [item.name for item in self.fields]

    def descriptor(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "fields": [item.table_schema() for item in self.fields],
            "missingValues": [""],
        }
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": own, "reference": {"resource": resource, "fields": theirs}}
                for own, resource, theirs in self.foreign_keys
            ]
        return {
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema,
        }


def _slugs(model) -> tuple[str, ...]:
    return tuple(model.objects.order_by("slug").values_list("slug", flat=True))


DATE_PRECISION = Field(
    "date_precision",
    "string",
    "How precisely the date is known: day, month or year. A month-only date is written as "
    "the first of the month, and is NOT the first of the month; a year-only date likewise.",
    required=True,
    enum=tuple(DatePrecision.values),
)
REFERENCE = Field(
    "incident_reference",
    "string",
    "The incident's stable reference (the same in every release).",
    required=True,
)


def resources() -> tuple[Resource, ...]:
    """Every tabular resource of a release, with its fields, from the codebook as loaded."""
    forces, act_types = _slugs(Organisation), _slugs(ActType)
    incidents = Resource(
        "incidents",
        "incidents.csv",
        "Published incidents",
        "One row per published incident: its approved, redacted title and summary, when and "
        "where (no finer than the published precision), and the police force.",
        (
            Field("reference", "string", "Stable reference of the incident.", True, unique=True),
            Field("title", "string", "Approved redacted title, or one made from the coded facts."),
            Field("summary", "string", "Approved redaction of the narrative summary.", True),
            Field("date", "date", "The date (see date_precision).", True),
            DATE_PRECISION,
            Field("place", "string", "The place, no finer than place_precision."),
            Field(
                "place_precision",
                "string",
                "The precision place and coordinates are published at: town or region. "
                "Coordinates are rounded to a grid of 0.05 degrees (town) or 0.5 (region).",
                True,
                enum=tuple(PlacePrecision.values),
            ),
            Field("country", "string", "ISO 3166-1 alpha-2 code.", True),
            Field("latitude", "number", "Latitude rounded to the published precision."),
            Field("longitude", "number", "Longitude rounded to the published precision."),
            Field("force", "string", "The police force (codebook slug).", enum=forces),
            Field("force_name", "string", "The police force's name."),
            Field("protest", "string", "The protest it happened at, if any."),
            Field("acts", "integer", "How many acts the incident records.", True, minimum=0),
            Field("published_at", "datetime", "When it was first published.", True),
            Field("changed_at", "datetime", "When its published values last changed.", True),
        ),
        primary_key=("reference",),
    )
    acts = Resource(
        "acts",
        "acts.csv",
        "Acts",
        "One row per act: what the police did, to how many, under which provision, over what.",
        (
            Field("act_id", "string", "incident reference and act number.", True, unique=True),
            REFERENCE,
            Field("act_number", "integer", "Position of the act in the incident.", True, minimum=1),
            Field("act_type", "string", "What was done (codebook slug).", True, act_types),
            Field("act_type_label", "string", "What was done, in words.", True),
            Field("number_affected", "integer", "People (or items) affected.", minimum=0),
            Field(
                "number_text",
                "string",
                "The number as recorded, with its precision: '3 people', 'about 40 people', "
                "'number unknown'.",
                True,
            ),
            Field(
                "legal_provision",
                "string",
                "The provision cited (codebook slug).",
                enum=_slugs(LegalProvision),
            ),
            Field("legal_provision_citation", "string", "The provision's citation."),
            Field(
                "trigger", "string", "What triggered it (codebook slug).", enum=_slugs(TriggerType)
            ),
            Field("perpetrator", "string", "The force that acted (codebook slug).", enum=forces),
            Field(
                "people_consenting",
                "integer",
                "People involved who agreed to publication (others are not counted here).",
                True,
                minimum=0,
            ),
        ),
        primary_key=("act_id",),
        foreign_keys=(("incident_reference", "incidents", "reference"),),
    )
    outcomes = Resource(
        "outcomes",
        "outcomes.csv",
        "Outcomes",
        "One row per outcome of an act (released, charged, convicted…), in date order.",
        (
            Field("act_id", "string", "The act (acts.act_id).", True),
            REFERENCE,
            Field("outcome", "string", "The outcome (codebook slug).", True, _slugs(OutcomeType)),
            Field("outcome_label", "string", "The outcome, in words.", True),
            Field("date", "date", "When, if known (to the day)."),
        ),
        foreign_keys=(
            ("act_id", "acts", "act_id"),
            ("incident_reference", "incidents", "reference"),
        ),
    )
    sources = Resource(
        "sources",
        "sources.csv",
        "Public sources",
        "Namable public sources (news, police statements, court records) cited per incident.",
        (
            REFERENCE,
            Field("kind", "string", "Kind of source.", True),
            Field("title", "string", "Title (approved redaction), or kind, publisher and date."),
            Field("publisher", "string", "Publisher."),
            Field("url", "string", "Public address (news and police statements only)."),
            Field("published_on", "date", "Publication date."),
        ),
        foreign_keys=(("incident_reference", "incidents", "reference"),),
    )
    aggregates = Resource(
        "aggregates",
        "aggregates.csv",
        "Acts by month, force and act type (suppressed)",
        "Acts of published incidents counted by month, police force and act type, each month "
        "a table "
        "with its totals ('all'). Counts from 1 to k-1 are hidden ('primary'), and more cells "
        "('complementary') so that no hidden count follows from the totals. Acts of incidents "
        "known only to the year are in no month.",
        (
            Field("month", "string", "YYYY-MM.", True, extra={"format": "default"}),
            Field(
                "force", "string", "Force slug, 'unknown', or 'all' for the month's total.", True
            ),
            Field("act_type", "string", "Act type slug, or 'all' for the total.", True),
            Field("acts", "integer", "Count of acts; empty when suppressed.", minimum=0),
            Field(
                "suppressed",
                "string",
                "Empty, 'primary' (a small count) or 'complementary' (hidden so that a small "
                "count cannot be worked out from the totals).",
                enum=("primary", "complementary"),
            ),
        ),
    )
    return incidents, acts, outcomes, sources, aggregates
