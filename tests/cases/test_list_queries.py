"""The incident list's faster queries find, count and order exactly what its filters mean.

`incident_page` counts act and tag filters over the acts and links, counts every kind up to
a limit ("more than" beyond), and searches the text by reading the full-text index once (a
capped list of matches, or a check per incident for a word in most of them). Each page and
count is compared here with the plain filtered queryset (`incidents_filtered`) over a
generated sample: the same incidents, in the same order, counted the same, and "more than"
the limit exactly when the plain query finds more.
"""

from __future__ import annotations

import pytest
from django.db.models import F

from casebook.cases import selectors
from casebook.cases.models import Act, Incident, SearchDocument
from casebook.cases.selectors import incident_page, incidents_filtered
from casebook.casework.forms import IncidentFilterForm
from casebook.sample.generator import sample_generate

pytestmark = pytest.mark.django_db

PER_PAGE = 7


@pytest.fixture
def sample(reference_data, django_capture_on_commit_callbacks):
    sample_generate(size=90, seed=5)
    # Readers who may not see people search the redacted text: here the text itself.
    SearchDocument.objects.update(redacted_body=F("body"), redacted_with="test")


def _parameters() -> list[dict]:
    """Filters drawn from the sample: each alone, mixed, searched with and without them."""
    act = Act.objects.exclude(legal_provision=None).exclude(trigger_type=None).first()
    incident = act.incident
    tagged = Incident.objects.exclude(tags=None).first()
    tag = tagged.tags.first().name
    year = {"date_from": f"{incident.date.year}-01-01", "date_to": f"{incident.date.year}-12-31"}
    force = incident.force.slug
    return [
        {},
        {"sort": "title"},
        {"force": force},
        {"status": incident.status, "sort": "-reference"},
        {"act_type": act.act_type.slug},
        {"provision": act.legal_provision.slug},
        {"tag": tag},
        {"act_type": act.act_type.slug, "provision": act.legal_provision.slug},
        {"provision": act.legal_provision.slug, "sort": "title"},
        {"tag": tag, "sort": "-reference"},
        {"act_type": act.act_type.slug, "status": incident.status},
        {"trigger": act.trigger_type.slug, "status": incident.status, **year},
        {"act_type": act.act_type.slug, "tag": tag},
        {"tag": tag, "force": force},
        {"provision": act.legal_provision.slug, "tag": tag, "force": force, **year},
        {"act_type": act.act_type.slug, "unrecorded": "trigger"},
        {"tag": tag, "unrecorded": "provision"},
        {"unrecorded": "provision", "force": force},
        {"act_type": act.act_type.slug, "protest": str(incident.protest_id or "")},
        {"q": "police"},
        {"q": "police", "sort": "title"},
        {"q": "police", "force": force, **year},
        {"q": "police arrested", "act_type": act.act_type.slug, "sort": "date"},
        {"q": "polic"},
        {"q": "a-word-in-no-incident"},
        {"q": incident.reference},
        {"q": "police", "tag": tag, "sort": "-reference"},
    ]


def _pages(params: dict, reader, typing: bool) -> tuple[int, bool, list[int]]:
    form = IncidentFilterForm({k: v for k, v in params.items() if v})
    assert form.is_valid(), form.errors
    number, ids = 1, []
    while True:
        page = incident_page(
            filters=form.filters(), number=number, per_page=PER_PAGE, reader=reader, typing=typing
        )
        ids += [incident.pk for incident in page.object_list]
        if not page.has_next():
            return page.paginator.count, page.paginator.count_capped, ids
        number += 1


def _expected(params: dict, reader, typing: bool, limit: int) -> tuple[int, bool, list[int]]:
    form = IncidentFilterForm({k: v for k, v in params.items() if v})
    assert form.is_valid(), form.errors
    ids = list(
        incidents_filtered(**form.filters(), reader=reader, typing=typing).values_list(
            "pk", flat=True
        )
    )
    # Every kind is counted exactly up to the limit and "more than" beyond; its pages go
    # as far as the limit.
    return min(len(ids), limit), len(ids) > limit, ids[:limit]


@pytest.mark.parametrize(
    ("limit", "probes", "walk"),
    [
        (selectors.COUNT_LIMIT, selectors.SEARCH_PROBES, selectors.WALK_FACTOR),
        (12, 1000, 0),
        (12, 3, 10**9),
    ],
)
@pytest.mark.parametrize("reader", [None, "coordinator", "analyst", "caseworker"])
def test_each_page_and_count_equals_the_plain_filtered_query(
    sample, personas, monkeypatch, reader, limit, probes, walk
):
    """A limit of 12 in 90 incidents makes common words take the per-incident check and
    most filters count "more than"; 3 probes make a search with filters count the index's
    matches among the incidents (SQLite), and 3 incidents read make counts start from the
    acts' side; a walk factor of 0 pages every act or tag filter that matches few among
    its listed matches, one of 10**9 never."""
    monkeypatch.setattr(selectors, "COUNT_LIMIT", limit)
    monkeypatch.setattr(selectors, "SEARCH_PROBES", probes)
    monkeypatch.setattr(selectors, "SIDE_PROBE", probes)
    monkeypatch.setattr(selectors, "WALK_FACTOR", walk)
    user = personas[reader] if reader else None
    if reader == "caseworker":
        Incident.objects.first().assigned_to.add(user)
    for params in _parameters():
        for typing in (False, True) if params.get("q") else (False,):
            expected = _expected(params, user, typing, limit)
            assert _pages(params, user, typing) == expected, (params, typing)


def test_the_sample_exercises_both_kinds_of_search(sample):
    """The comparison above means something: some words match more than the small limit,
    some fewer, and the mixed filters match some incidents but not all."""
    everyone = Incident.objects.count()
    assert incidents_filtered(q="police").count() > 12
    assert incidents_filtered(q="police", force=Incident.objects.first().force).count() > 0
    act = Act.objects.exclude(legal_provision=None).first()
    mixed = incidents_filtered(act_type=act.act_type, status=act.incident.status).count()
    assert 0 < mixed < everyone
