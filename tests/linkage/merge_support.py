"""Two invented reports of one arrest, each with everything an incident can hold."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib.auth.models import Group
from PIL import Image

from casebook.cases.models import Incident, IncidentStatus, Tag
from casebook.codebook.models import ActType, Organisation
from casebook.sources.evidence.services import evidence_add
from casebook.sources.models import Channel
from casebook.transfer.services import incidents_export
from tests.factories import (
    ActFactory,
    IncidentFactory,
    IncidentSourceFactory,
    InvolvementFactory,
    OutcomeFactory,
    SourceFactory,
    UserFactory,
)


@dataclass
class Reports:
    survivor: Incident
    merged: Incident


def photo(colour: tuple[int, int, int]) -> io.BytesIO:
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(picture, "JPEG")
    picture.seek(0)
    return picture


def two_reports_of_one_arrest() -> Reports:
    """A verified report (52 arrested, per a news article) and a draft one (54, per the
    hotline), sharing a source and a tag, each with people, outcomes, evidence and tags."""
    caseworker = UserFactory(username="reporter")
    caseworker.groups.add(Group.objects.get_or_create(name="caseworker")[0])
    force = Organisation.objects.get(slug="metropolitan-police-service")
    shared_tag, own_tag, other_tag = (Tag.objects.create(name=n) for n in ("vigil", "a", "b"))
    survivor = IncidentFactory(
        title="52 arrested at invented vigil",
        status=IncidentStatus.VERIFIED,
        force=force,
        external_id="R-1",
    )
    merged = IncidentFactory(
        title="Hotline: 54 held at the vigil",
        status=IncidentStatus.DRAFT,
        force=force,
        external_id="R-2",
    )
    survivor.tags.add(shared_tag, own_tag)
    merged.tags.add(shared_tag, other_tag)
    merged.assigned_to.add(caseworker)
    arrests = ActFactory(incident=survivor, number_affected=52)
    held = ActFactory(incident=merged, number_affected=54, number_precision="approximate")
    ActFactory(
        incident=merged,
        act_type=ActType.objects.get(slug="dispersal"),
        number_affected=None,
        number_precision="unknown",
        legal_provision=None,
    )
    OutcomeFactory(act=arrests)
    OutcomeFactory(act=held)
    InvolvementFactory(act=arrests)
    InvolvementFactory(act=held)
    shared = SourceFactory(title="Gazette: arrests at the vigil")
    IncidentSourceFactory(incident=survivor, source=shared)
    IncidentSourceFactory(incident=merged, source=shared, supports="date")
    IncidentSourceFactory(
        incident=merged,
        source=SourceFactory(
            title="Hotline call 17",
            kind="testimony",
            channel=Channel.objects.get(slug="hotline"),
        ),
    )
    evidence_add(content=photo((200, 30, 30)), filename="a.jpg", actor=None, incident=survivor)
    evidence_add(content=photo((30, 200, 30)), filename="b.jpg", actor=None, incident=merged)
    return Reports(survivor=survivor, merged=merged)


def full_export() -> str:
    """Every incident with its people, sources and outcomes, as the JSON export writes it."""
    out = io.StringIO()
    incidents_export(stream=out, actor=None, format="json", personal_data=True)
    return out.getvalue()


# Every table of the record: incidents, acts, outcomes, tags, protests (cases); people and
# involvements; sources, links and evidence files. Search documents are rebuilt from these.
RECORD_APPS = ("cases", "people", "sources")


def record_dump() -> dict[str, list[dict]]:
    """Every row of the record's tables, by model, as Django serialises them (keys, foreign
    keys, many-to-many links and timestamps included): what a round trip must give back."""
    from django.apps import apps
    from django.core import serializers

    dump = {}
    for label in RECORD_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower == "cases.searchdocument":
                continue
            rows = model._base_manager.order_by("pk")
            dump[model._meta.label_lower] = serializers.serialize("python", rows)
    return dump
