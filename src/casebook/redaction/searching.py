"""The search index of readers who may not see people: each incident's search document made
from its redacted free text (the approved redaction, else the machine's), so that searching
a name typed into a summary finds nothing for them.

Made after every write that rewrites an incident's document (cases.search tells us, once the
transaction commits; a Celery task, see `after_documents_rewritten`), by `casebook redact
refresh` for whatever is left (a bulk import, the sample data, a changed list of public
figures), and by `casebook init`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Prefetch

from casebook.cases.models import Act, Incident, SearchDocument
from casebook.cases.search import documents_rewritten, incident_document_body
from casebook.redaction.models import RedactedDerivative
from casebook.redaction.shown import current_fingerprint, redact_objects
from casebook.sources.models import IncidentSource

BATCH = 200

Progress = Callable[[int, int], None]


def _incidents(ids: list[int]) -> list[Incident]:
    return list(
        Incident.objects.filter(pk__in=ids)
        .select_related("force", "protest")
        .prefetch_related(
            "tags",
            Prefetch(
                "acts",
                queryset=Act.objects.select_related(
                    "act_type", "trigger_type", "legal_provision"
                ).prefetch_related("outcomes"),
            ),
            "source_links__source",
        )
    )


def _redacted_bodies(ids: list[int]) -> dict[int, str]:
    incidents = _incidents(ids)
    acts = {i.pk: list(i.acts.all()) for i in incidents}
    links = {i.pk: list(i.source_links.all()) for i in incidents}
    redact_objects(
        [
            *incidents,
            *(i.protest for i in incidents),
            *(a for rows in acts.values() for a in rows),
            # Not searched, but exported redacted: made now, so an export finds them stored.
            *(o for rows in acts.values() for a in rows for o in a.outcomes.all()),
            *(link for rows in links.values() for link in rows),
            *(link.source for rows in links.values() for link in rows),
        ]
    )
    return {
        i.pk: incident_document_body(
            i, tags=[t.name for t in i.tags.all()], acts=acts[i.pk], source_links=links[i.pk]
        )
        for i in incidents
    }


def redacted_search_fill(
    *, incident_ids: Iterable[int] | None = None, progress: Progress | None = None
) -> int:
    """Make the redacted search documents that are missing or were made with other
    detection settings (of these incidents, or of all); returns how many were made.

    Runs in batches, each written in a short transaction; a document rewritten meanwhile
    is left for the next run rather than given a body from older text.
    """
    fingerprint = current_fingerprint()
    pending = SearchDocument.objects.exclude(redacted_with=fingerprint)
    if incident_ids is not None:
        pending = pending.filter(incident_id__in=list(incident_ids))
    todo = list(pending.order_by("incident_id").values_list("incident_id", flat=True))
    made = 0
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        seen = dict(
            SearchDocument.objects.filter(incident_id__in=chunk).values_list("incident_id", "body")
        )
        bodies = _redacted_bodies(chunk)
        with transaction.atomic():
            for incident_id, body in bodies.items():
                if incident_id not in seen:
                    continue
                made += SearchDocument.objects.filter(
                    incident_id=incident_id, body=seen[incident_id]
                ).update(redacted_body=body, redacted_with=fingerprint)
        if progress:
            progress(min(start + BATCH, len(todo)), len(todo))
    return made


def redacted_search_pending() -> int:
    """How many incidents are not yet found by their text by readers who may not see people."""
    return SearchDocument.objects.filter(redacted_with__isnull=True).count()


def after_documents_rewritten(incident_ids: list[int]) -> None:
    """cases.search's hook, once the write is committed: an editor's save (a few incidents)
    is made by a Celery task, on a worker where there is a broker (the language model's run
    is not the saver's wait), else here at once; a bulk rewrite is left to `casebook redact
    refresh`, so an import is not held up by it. Meanwhile these readers find the incident
    by its reference and filters only: its redacted document is empty until made."""
    if len(incident_ids) <= BATCH:
        from casebook.redaction.tasks import search_fill

        search_fill.delay(incident_ids)


def search_documents_outdated(derivative: RedactedDerivative) -> None:
    """An approved redaction replaces the machine's in these readers' search: once the
    approval is committed, the documents of the incidents it concerns are made again."""
    if derivative.incident_id:
        ids = [derivative.incident_id]
    elif derivative.source_id:
        ids = list(
            IncidentSource.objects.filter(source_id=derivative.source_id).values_list(
                "incident_id", flat=True
            )
        )
    else:
        return
    SearchDocument.objects.filter(incident_id__in=ids).update(redacted_with=None)
    documents_rewritten(ids)
