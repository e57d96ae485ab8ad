"""The record as an API reader may read it: the same rules as the incident pages.

Free text is redacted for readers who may not see the incident's people (cases/reading.py);
people appear only with the personal-data scope for roles that see them, and every sight of
them is recorded in the audit trail, as on the incident page.
"""

from __future__ import annotations

import base64
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse

from casebook.accounts.security import client_address
from casebook.api.models import Scope
from casebook.api.problems import ApiProblem
from casebook.cases.models import Incident, Outcome
from casebook.cases.reading import incidents_read_as_written, redact_free_text
from casebook.people.duties.access import people_viewed
from casebook.people.services import (
    incident_involvements_by_act,
    incident_people_count,
    people_visible_to,
)


def sees_people(request: HttpRequest, incident: Incident | None) -> bool:
    """This token may carry people's details, and its user may see this incident's people."""
    token = getattr(request, "api_token", None)
    return (
        token is not None
        and token.allows(Scope.PERSONAL_DATA)
        and people_visible_to(user=request.user, incident=incident)
    )


def _slug(obj) -> str | None:
    return obj.slug if obj is not None else None


def incident_rows(incidents: list[Incident], *, reader) -> list[dict]:
    as_written = incidents_read_as_written(reader, [i.pk for i in incidents])
    redact_free_text([i for i in incidents if i.pk not in as_written])
    return [
        {
            "reference": i.reference,
            "title": i.title,
            "date": i.date,
            "date_precision": i.date_precision,
            "place": i.place,
            "status": i.status,
            "force": _slug(i.force),
            "protest": i.protest_id,
            "url": f"/api/v1/incidents/{i.reference}",
        }
        for i in incidents
    ]


def incident_document(request: HttpRequest, incident: Incident, *, sight: bool = True) -> dict:
    """The whole incident for this reader (acts, outcomes, sources, tags, people if allowed).

    `sight` False computes it without showing it (to compare versions): no sight is recorded.
    """
    acts = list(
        incident.acts.select_related(
            "act_type", "legal_provision", "trigger_type", "perpetrator"
        ).prefetch_related(
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.select_related("outcome_type").order_by(
                    "recorded_at", "id"
                ),
            )
        )
    )
    links = list(
        incident.source_links.select_related("source__channel").order_by(
            "source__published_at", "id"
        )
    )
    show_people = sees_people(request, incident)
    involvements = incident_involvements_by_act(incident=incident) if show_people else {}
    redacted = not people_visible_to(user=request.user, incident=incident)
    if redacted:
        redact_free_text(
            [
                incident,
                *acts,
                *(outcome for act in acts for outcome in act.outcomes.all()),
                *links,
                *(link.source for link in links),
            ]
        )
    if show_people and sight:
        people_viewed(
            user=request.user,
            incident=incident,
            via="API",
            people={i.person for rows in involvements.values() for i in rows},
            ip_address=client_address(request),
        )
    return {
        "reference": incident.reference,
        "title": incident.title,
        "summary": incident.summary,
        "date": incident.date,
        "date_precision": incident.date_precision,
        "end_date": incident.end_date,
        "time": incident.time,
        "place": incident.place,
        "country": incident.country,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "coordinate_precision": incident.coordinate_precision,
        "force": _slug(incident.force),
        "protest": incident.protest_id,
        "status": incident.status,
        "tags": sorted(incident.tags.values_list("name", flat=True)),
        "acts": [_act(act, involvements, show_people) for act in acts],
        "sources": [_source(link) for link in links],
        "people_count": incident_people_count(incident=incident),
        "free_text_redacted": redacted,
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
    }


def _act(act, involvements: dict, show_people: bool) -> dict:
    return {
        "id": act.pk,
        "act_type": act.act_type.slug,
        "number_affected": act.number_affected,
        "number_precision": act.number_precision,
        "legal_provision": _slug(act.legal_provision),
        "offence_wording": act.offence_wording,
        "trigger_type": _slug(act.trigger_type),
        "trigger_wording": act.trigger_wording,
        "perpetrator": _slug(act.perpetrator),
        "perpetrator_unit": act.perpetrator_unit,
        "outcomes": [
            {"outcome_type": o.outcome_type.slug, "date": o.date, "note": o.note}
            for o in act.outcomes.all()
        ],
        "people": [
            {
                "involvement_id": i.pk,
                "reference": i.person.reference,
                "role": i.role,
                "full_name": "" if i.person.is_erased else i.person.full_name,
                "contact": "" if i.person.is_erased else i.person.contact,
                "consent_record": i.person.consent_record,
                "consent_share": i.person.consent_share,
                "consent_publish": i.person.consent_publish,
            }
            for i in involvements.get(act.pk, [])
        ]
        if show_people
        else None,
    }


def _source(link) -> dict:
    return source_fields(link.source) | {
        "supports": link.supports,
        "found_independently": link.found_independently,
    }


def source_fields(source) -> dict:
    return {
        "id": source.pk,
        "kind": source.kind,
        "channel": source.channel.slug,
        "title": source.title,
        "url": source.url,
        "publisher": source.publisher,
        "published_at": source.published_at,
        "reliability": source.reliability,
        "credibility": source.credibility,
        "text": source.text,
    }


# --- Cursors and ETags -------------------------------------------------------------------------


def cursor_encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> int:
    """The id a cursor continues after; a cursor we did not make is a 422 naming `cursor`."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "after" or not value.isdigit() or len(value) > 18:
            raise ValueError(text)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(
            422,
            "invalid-fields",
            "Some fields are not valid",
            "The cursor is not one this API gave.",
            [{"field": "cursor", "detail": "Use the `next` of the previous page, unchanged."}],
        ) from None


def etag_of(document: dict) -> str:
    body = json.dumps(document, cls=DjangoJSONEncoder, sort_keys=True)
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _tags_in(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


def not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    """304 when the client's If-None-Match names this version (or `*`)."""
    wanted = request.headers.get("If-None-Match", "")
    if wanted and (wanted.strip() == "*" or etag in _tags_in(wanted)):
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    return None


def require_current(request: HttpRequest, etag: str) -> None:
    """412 when the client's If-Match names another version: someone changed it meanwhile."""
    wanted = request.headers.get("If-Match", "")
    if wanted and wanted.strip() != "*" and etag not in _tags_in(wanted):
        raise ApiProblem(
            412,
            "precondition-failed",
            "The record changed",
            "Someone changed this record since you read it: read it again (GET), apply your "
            "change to what is there now, and send it with the new ETag in If-Match.",
            [{"field": "If-Match", "detail": "Send the ETag of the current version."}],
        )
