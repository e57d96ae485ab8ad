"""The redacted search document of a saved incident is made by a Celery task once the save
commits, so the language model's run is not the saver's wait: on a worker where there is a
broker, in the saver's process where there is none. Until the task has run, readers who may
not see people do not find the incident by its words (nor by a name typed into it), and the
incident list tells them so.

"Queued" runs Celery for real with its in-memory broker and no worker: the save's task waits
in the queue until the test runs it from the message sent, as a worker would.
"""

from __future__ import annotations

import pytest
from celery.signals import after_task_publish
from django.urls import reverse

from casebook.cases.models import SearchDocument
from casebook.monitor.celery_app import app
from tests.casework.test_editing import edit_form_data
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

SURNAME = "Quillbarrow"
SUMMARY = f"Officers held Mr Zephyrin {SURNAME} beside the invented marmalade fountain."


@pytest.fixture
def queued():
    """Tasks go to Celery's in-memory broker instead of running at once; each message sent
    is noted (task name, arguments) so that the test can be the worker."""
    sent: list[tuple[str, list]] = []

    def noted(sender=None, headers=None, body=None, **_):
        sent.append((headers["task"], list(body[0])))

    after_task_publish.connect(noted, weak=False)
    app.conf.task_always_eager = False
    yield sent
    app.conf.task_always_eager = True
    after_task_publish.disconnect(noted)


@pytest.fixture
def incident(personas):
    return IncidentFactory(
        title="Arrests at the invented lantern vigil", created_by=personas["coordinator"]
    )


def _save_summary(client, incident, capture) -> None:
    data = edit_form_data(client, incident) | {"summary": SUMMARY}
    with capture(execute=True):
        response = client.post(reverse("casework:incident-edit", args=[incident.reference]), data)
    assert response.status_code == 302


def _found(client, q: str) -> str:
    response = client.get(reverse("casework:incident-list"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _worker_runs(sent: list[tuple[str, list]]) -> None:
    for name, args in sent:
        app.tasks[name].apply(args=args)


def test_a_save_queues_the_redacted_document_and_readers_find_it_once_made(
    client_for, incident, queued, django_capture_on_commit_callbacks
):
    coordinator, analyst = client_for("coordinator"), client_for("analyst")
    _save_summary(coordinator, incident, django_capture_on_commit_callbacks)
    # Committed; the task is in the queue with the incident's id only, not yet run.
    assert ("redaction.search_fill", [[incident.pk]]) in queued
    document = SearchDocument.objects.get(incident=incident)
    assert SUMMARY in document.body and document.redacted_body is None
    # Meanwhile the analyst finds neither the name nor the rest of the text, and is told so;
    # the coordinator finds both.
    for q in (SURNAME, "marmalade"):
        assert incident.reference not in _found(analyst, q), q
    assert "1 incident cannot be found by its words yet" in _found(analyst, "marmalade")
    assert incident.reference in _found(coordinator, SURNAME)

    _worker_runs([task for task in queued if task[0] == "redaction.search_fill"])
    document.refresh_from_db()
    assert SURNAME not in document.redacted_body and "marmalade" in document.redacted_body
    page = _found(analyst, "marmalade")
    assert incident.reference in page and "cannot be found" not in page
    assert incident.reference not in _found(analyst, SURNAME)


def test_without_a_broker_the_save_makes_it_at_once(
    client_for, incident, django_capture_on_commit_callbacks
):
    # No broker (the tests' settings, like a laptop): the task runs in the saver's process
    # once the save is committed.
    _save_summary(client_for("coordinator"), incident, django_capture_on_commit_callbacks)
    document = SearchDocument.objects.get(incident=incident)
    assert SURNAME not in document.redacted_body and "marmalade" in document.redacted_body
    assert incident.reference in _found(client_for("analyst"), "marmalade")


def test_an_api_write_queues_it_too(
    client, personas, incident, queued, django_capture_on_commit_callbacks
):
    from casebook.api.services import token_create

    _, token = token_create(
        user=personas["coordinator"], name="invented", scopes=["write"], days=1, at_console=True
    )
    url = f"/api/v1/incidents/{incident.reference}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    etag = client.get(url, **auth)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            url,
            {"summary": SUMMARY},
            content_type="application/json",
            HTTP_IF_MATCH=etag,
            **auth,
        )
    assert response.status_code == 200
    assert ("redaction.search_fill", [[incident.pk]]) in queued
    assert SearchDocument.objects.get(incident=incident).redacted_body is None
    _worker_runs([task for task in queued if task[0] == "redaction.search_fill"])
    assert "marmalade" in SearchDocument.objects.get(incident=incident).redacted_body
