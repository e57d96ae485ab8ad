"""The portal's figures (statistics, home figures, map points) are computed in the background
after every change, so that no reader pays for them; while they are computed, a reader sees
the previous figures only if no incident left the portal since, else a notice.

"Queued" runs Celery for real with its in-memory broker and no worker: a change's task waits
in the queue until the test runs it, as a worker would.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from casebook.cases.models import IncidentStatus
from casebook.monitor.celery_app import app
from casebook.publishing.models import PublicSummary
from casebook.publishing.services import publication_publish, publication_withdraw
from casebook.publishing.tasks import figures_refresh
from tests.factories import IncidentFactory
from tests.publishing.world import PublishedWorld, approve, portal_on

pytestmark = pytest.mark.django_db

UPDATING = "The figures are being updated"


@pytest.fixture
def world(reference_data):
    portal_on()
    return PublishedWorld()


@pytest.fixture
def queued():
    """Tasks go to Celery's in-memory broker instead of running at once."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def _otherton() -> object:
    incident = IncidentFactory(
        status=IncidentStatus.VERIFIED,
        summary="Another invented summary",
        place="Otherton",
        coordinate_precision="town",
        latitude=Decimal("53.8"),
        longitude=Decimal("-1.55"),
        date=dt.date(2019, 7, 1),
    )
    approve(incident, "summary", "Another approved summary")
    return incident


def _page(client, name: str) -> str:
    response = client.get(reverse(f"publishing:{name}"))
    assert response.status_code == 200
    return response.content.decode()


def _computed_at() -> dict[str, dt.datetime]:
    return dict(PublicSummary.objects.values_list("key", "computed_at"))


def test_after_publishing_the_figures_are_made_before_any_reader_comes(
    client, world, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publication_publish(incident=_otherton(), actor=personas["coordinator"])
    made = _computed_at()
    assert set(made) == {"statistics", "headline", "points:town"}
    statistics, home, mapped = (_page(client, n) for n in ("statistics", "home", "map"))
    assert "2019" in statistics and "Otherton" in mapped and UPDATING not in home
    # The readers read what the background made: nothing was computed again for them.
    assert _computed_at() == made


def test_while_the_figures_are_computed_readers_see_the_previous_ones(
    client, world, personas, queued, django_capture_on_commit_callbacks
):
    before = _page(client, "map")
    assert "Testford" in before and "Otherton" not in before
    with django_capture_on_commit_callbacks(execute=True):
        publication_publish(incident=_otherton(), actor=personas["coordinator"])
    # Published, the task still queued: the previous figures, which show only public cases.
    waiting = _page(client, "map")
    assert "Testford" in waiting and "Otherton" not in waiting and UPDATING not in waiting
    assert "2019" not in _page(client, "statistics")
    figures_refresh.apply()  # the worker's turn
    # The page drawn from the previous figures was not kept in the page cache.
    assert "Otherton" in _page(client, "map")
    assert "2019" in _page(client, "statistics")


def test_a_withdrawn_incident_leaves_every_figure_at_once(
    client, world, personas, queued, django_capture_on_commit_callbacks
):
    other = _otherton()
    with django_capture_on_commit_callbacks(execute=True):
        publication_publish(incident=other, actor=personas["coordinator"])
    figures_refresh.apply()
    assert "Testford" in _page(client, "map")
    with django_capture_on_commit_callbacks(execute=True):
        publication_withdraw(incident=world.incident, actor=personas["coordinator"])
    # The figures kept may count the withdrawn case: none is shown until new ones are made.
    for name in ("map", "statistics", "home"):
        page = _page(client, name)
        assert "Testford" not in page and UPDATING in page, name
    chart = client.get(reverse("publishing:statistics-chart"))
    assert chart.status_code == 503 and chart["Retry-After"]
    figures_refresh.apply()
    mapped, statistics = _page(client, "map"), _page(client, "statistics")
    assert "Testford" not in mapped and "Otherton" in mapped and UPDATING not in mapped
    assert "2024" not in statistics and "2019" in statistics


def test_an_incident_sent_back_for_review_leaves_the_figures_at_once(
    client, world, queued, django_capture_on_commit_callbacks
):
    assert "Testford" in _page(client, "map")
    with django_capture_on_commit_callbacks(execute=True):
        world.incident.status = IncidentStatus.IN_REVIEW
        world.incident.save()
    page = _page(client, "map")
    assert "Testford" not in page and UPDATING in page
    figures_refresh.apply()
    assert UPDATING not in _page(client, "map")


def test_without_a_worker_the_figures_are_computed_by_the_writer(
    client, world, personas, django_capture_on_commit_callbacks
):
    # No broker (the tests' settings, like a laptop): the task runs in the coordinator's
    # process once the withdrawal is committed; the next reader finds the new figures.
    _page(client, "map")
    with django_capture_on_commit_callbacks(execute=True):
        publication_withdraw(incident=world.incident, actor=personas["coordinator"])
    made = _computed_at()
    page = _page(client, "map")
    assert "Testford" not in page and UPDATING not in page
    assert _computed_at() == made


def test_the_beat_schedule_keeps_the_figures_fresh():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["publishing-figures-refresh"]
    assert entry["task"] == figures_refresh.name
