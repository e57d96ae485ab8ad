"""The review queue by persona: accept, edit then accept, merge, reject; decisions kept."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.urls import reverse

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident
from casebook.codebook.models import Organisation
from casebook.monitor.models import Candidate, Feed, ReviewDecision
from casebook.monitor.services import candidate_merge_suggestions, decisions_export
from casebook.sources.models import IncidentSource, Source
from tests.factories import ActFactory, IncidentFactory
from tests.monitor.pipeline_support import ARTICLE, event_for, make_candidate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def test_the_queue_lists_waiting_candidates_newest_first(client_for):
    older = make_candidate(title="Older invented story")
    newer = make_candidate(title="Newer invented story")
    decided = make_candidate(title="Decided invented story")
    Candidate.objects.filter(pk=decided.pk).update(status="rejected", reject_reason="other")
    Candidate.objects.filter(pk=older.pk).update(
        created_at=newer.created_at - dt.timedelta(hours=1)
    )

    page = client_for("coordinator").get(reverse("monitor:candidate-list")).content.decode()

    assert page.index("Newer invented story") < page.index("Older invented story")
    assert "Decided invented story" not in page
    rejected = (
        client_for("coordinator")
        .get(reverse("monitor:candidate-list"), {"status": "rejected"})
        .content.decode()
    )
    assert "Decided invented story" in rejected and "Newer invented story" not in rejected


def test_the_candidate_page_highlights_the_supporting_words_and_escapes_the_text(client_for):
    candidate = make_candidate()
    page = client_for("coordinator").get(candidate.get_absolute_url()).content.decode()

    assert '<mark data-field="force" title="force">Scotland Yard</mark>' in page
    assert 'title="act 1 · legal_basis">section 13 of the Terrorism Act</mark>' in page
    assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page
    assert "Metropolitan Police Service" in page
    assert "Terrorism Act 2000 s13" in page  # resolved to the codebook provision
    assert "Accept as proposed" in page


def test_accepting_records_the_incident_its_acts_and_the_article_as_a_source(client_for, personas):
    candidate = make_candidate()
    response = client_for("coordinator").post(
        reverse("monitor:candidate-accept", args=[candidate.pk])
    )

    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert incident.force == Organisation.objects.get(slug="metropolitan-police-service")
    assert (incident.place, incident.country, str(incident.date)) == (
        "Testford",
        "GB",
        "2025-06-07",
    )
    acts = list(incident.acts.order_by("position"))
    assert [(a.act_type.slug, a.number_affected) for a in acts] == [("arrest", 3), ("arrest", 2)]
    assert acts[0].legal_provision.citation == "Terrorism Act 2000 s13"
    assert acts[0].trigger_type.slug == "flag"
    assert acts[1].offence_wording == "assaulting officers"
    source = IncidentSource.objects.get(incident=incident).source
    assert source.kind == Source.Kind.NEWS_ARTICLE
    assert source.channel.slug == "news-monitor"
    assert source.text == ARTICLE
    assert len(source.text_sha256) == 64
    assert source.retrieved_at is not None and source.url == candidate.page.url
    assert source.publisher == "The Invented Gazette"

    candidate.refresh_from_db()
    assert (candidate.status, candidate.incident, candidate.decided_by) == (
        "accepted",
        incident,
        personas["coordinator"],
    )
    decision = ReviewDecision.objects.get()
    assert decision.decision == "accepted"
    assert decision.final["force"] == "Metropolitan Police Service"
    assert decision.final["acts"][0]["legal_basis"] == "Terrorism Act 2000 s13"
    assert "spans" not in json.dumps(decision.proposed)
    entry = AuditEntry.objects.get(action="monitor.candidate.accepted")
    assert entry.incident_reference == incident.reference
    assert AuditEntry.objects.filter(action="cases.incident.created").exists()


def test_an_article_from_a_police_feed_becomes_a_police_statement(client_for):
    feed = Feed.objects.create(
        name="Invented force newsroom",
        kind=Feed.Kind.POLICE,
        url="https://police.example.test/news.rss",
    )
    candidate = make_candidate(feed=feed, url="https://police.example.test/news/1")
    client_for("administrator").post(reverse("monitor:candidate-accept", args=[candidate.pk]))
    source = Source.objects.get()
    assert source.kind == Source.Kind.POLICE_STATEMENT
    assert source.channel.slug == "police-statements"


def test_two_events_of_one_article_cite_the_same_source(client_for):
    first, second = make_candidate(events=2)
    client = client_for("coordinator")
    client.post(reverse("monitor:candidate-accept", args=[first.pk]))
    client.post(reverse("monitor:candidate-accept", args=[second.pk]))
    assert Incident.objects.count() == 2
    assert Source.objects.count() == 1
    assert IncidentSource.objects.count() == 2


def test_edit_then_accept_records_the_corrected_values(client_for):
    candidate = make_candidate(event=event_for(date=None))
    client = client_for("coordinator")
    url = reverse("monitor:candidate-edit", args=[candidate.pk])
    form = client.get(url)
    assert form.status_code == 200
    body = form.content.decode()
    assert 'value="Testford"' in body and "news monitor" in body
    assert "assaulting officers" in body

    data = {
        "title": "Five arrested at invented Testford protest",
        "summary": "Corrected.",
        "date": "2025-06-07",
        "date_precision": "day",
        "place": "Testford",
        "country": "GB",
        "force": "city-of-london-police",
        "tags": "news monitor",
        "acts-TOTAL_FORMS": "1",
        "acts-INITIAL_FORMS": "1",
        "acts-MIN_NUM_FORMS": "0",
        "acts-MAX_NUM_FORMS": "1000",
        "acts-0-act_type": "arrest",
        "acts-0-number_affected": "5",
        "acts-0-number_precision": "exact",
        "acts-0-legal_provision": "",
        "acts-0-offence_wording": "carrying flags",
        "acts-0-trigger_type": "flag",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "1",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
        "sources-0-kind": "news_article",
        "sources-0-channel": "news-monitor",
        "sources-0-title": "Five arrested at Testford",
        "sources-0-url": candidate.page.url,
        "sources-0-publisher": "The Invented Gazette",
        "sources-0-text": ARTICLE,
        "sources-0-reliability": "B",
        "sources-0-credibility": "2",
        "people-TOTAL_FORMS": "0",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)

    incident = Incident.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert incident.force.slug == "city-of-london-police"
    assert [(a.act_type.slug, a.number_affected) for a in incident.acts.all()] == [("arrest", 5)]
    decision = ReviewDecision.objects.get()
    assert decision.decision == "edited"
    assert decision.final["force"] == "City of London Police"
    assert decision.final["date"] == "2025-06-07"  # the reviewer supplied the date
    assert decision.proposed["date"] is None
    assert decision.final["acts"] == [
        {
            "type": "arrest",
            "count": 5,
            "legal_basis": None,
            "offence": "carrying flags",
            "trigger": "flag",
        }
    ]
    assert Candidate.objects.get().page.source.reliability == "B"


def test_merge_suggestions_rank_the_matching_incident_first():
    met = Organisation.objects.get(slug="metropolitan-police-service")
    kent = Organisation.objects.get(slug="kent-police")
    right = IncidentFactory(force=met, place="Testford", date=dt.date(2025, 6, 8))
    IncidentFactory(force=met, place="Elsewhere", date=dt.date(2025, 6, 5))
    IncidentFactory(force=kent, place="Testford", date=dt.date(2025, 6, 7))
    IncidentFactory(force=met, place="Testford", date=dt.date(2025, 6, 20))  # too far apart
    IncidentFactory(force=kent, place="Dover", date=dt.date(2025, 6, 7))  # nothing in common

    suggestions = candidate_merge_suggestions(candidate=make_candidate())

    assert suggestions[0].incident == right
    assert suggestions[0].reasons == ["same force", "same place", "1 day apart"]
    assert len(suggestions) == 3


def test_merging_adds_the_source_and_only_the_new_acts(client_for):
    met = Organisation.objects.get(slug="metropolitan-police-service")
    incident = IncidentFactory(force=met, place="Testford", date=dt.date(2025, 6, 7))
    ActFactory(incident=incident, number_affected=3)  # the three arrests are known already
    candidate = make_candidate()

    page = client_for("coordinator").get(candidate.get_absolute_url()).content.decode()
    assert f"Merge into {incident.reference}" in page
    response = client_for("coordinator").post(
        reverse("monitor:candidate-merge", args=[candidate.pk]), {"reference": incident.reference}
    )

    assert response.status_code == 302
    counts = sorted(incident.acts.values_list("number_affected", flat=True))
    assert counts == [2, 3]
    link = incident.source_links.get()
    assert link.source.channel.slug == "news-monitor"
    # A feed read the page without knowing of the incident: an independent capture (see
    # IncidentSource), not one found by searching.
    assert link.found_independently
    candidate.refresh_from_db()
    assert (candidate.status, candidate.incident) == ("merged", incident)
    assert AuditEntry.objects.filter(
        action="monitor.candidate.merged", incident_reference=incident.reference
    ).exists()
    assert ReviewDecision.objects.get().final["location"] == "Testford"


def test_rejecting_keeps_the_reason(client_for):
    candidate = make_candidate()
    following = make_candidate()
    response = client_for("coordinator").post(
        reverse("monitor:candidate-reject", args=[candidate.pk]),
        {"reason": "not_relevant", "note": "An opinion piece"},
    )

    assert response.status_code == 302
    assert response["Location"] == following.get_absolute_url()
    candidate.refresh_from_db()
    assert (candidate.status, candidate.reject_reason, candidate.reject_note) == (
        "rejected",
        "not_relevant",
        "An opinion piece",
    )
    assert ReviewDecision.objects.get().final is None
    entry = AuditEntry.objects.get(action="monitor.candidate.rejected")
    assert entry.changes["reason"] == [None, "not_relevant"]
    assert not Incident.objects.exists()


def test_a_rejection_without_a_reason_is_refused(client_for):
    candidate = make_candidate()
    client_for("coordinator").post(
        reverse("monitor:candidate-reject", args=[candidate.pk]), {"reason": "other"}
    )
    candidate.refresh_from_db()
    assert candidate.status == "pending"


def test_a_decided_candidate_cannot_be_decided_again(client_for):
    candidate = make_candidate()
    client = client_for("coordinator")
    client.post(reverse("monitor:candidate-accept", args=[candidate.pk]))
    response = client.post(
        reverse("monitor:candidate-reject", args=[candidate.pk]),
        {"reason": "not_relevant"},
        follow=True,
    )
    assert "already accepted" in response.content.decode()
    assert Incident.objects.count() == 1
    assert ReviewDecision.objects.count() == 1


@pytest.mark.parametrize("persona", ["caseworker", "analyst", "outsider"])
def test_only_coordinators_and_administrators_decide(client_for, persona):
    candidate = make_candidate()
    client = client_for(persona)
    for name, data in [
        ("candidate-accept", {}),
        ("candidate-reject", {"reason": "other", "note": "x"}),
        ("candidate-merge", {"reference": "CB-2025-000001"}),
    ]:
        response = client.post(reverse(f"monitor:{name}", args=[candidate.pk]), data)
        assert response.status_code == 403
    assert client.get(reverse("monitor:candidate-edit", args=[candidate.pk])).status_code == 403
    candidate.refresh_from_db()
    assert candidate.status == "pending" and not Incident.objects.exists()


def test_caseworkers_read_the_queue_and_analysts_do_not(client_for):
    candidate = make_candidate()
    page = client_for("caseworker").get(candidate.get_absolute_url())
    assert page.status_code == 200
    assert "Accept as proposed" not in page.content.decode()
    assert client_for("analyst").get(reverse("monitor:candidate-list")).status_code == 403
    assert client_for("analyst").get(candidate.get_absolute_url()).status_code == 403


def test_coordinators_add_pause_and_delete_feeds_and_caseworkers_cannot(client_for):
    coordinator = client_for("coordinator")
    response = coordinator.post(
        reverse("monitor:feed-list"),
        {
            "url": "https://invented-news.example.test/rss",
            "name": "Invented News",
            "kind": "rss",
            "interval_minutes": "30",
        },
    )
    assert response.status_code == 302
    feed = Feed.objects.get()
    coordinator.post(reverse("monitor:feed-toggle", args=[feed.pk]))
    feed.refresh_from_db()
    assert not feed.active
    assert "paused" in coordinator.get(reverse("monitor:feed-list")).content.decode()

    caseworker = client_for("caseworker")
    assert caseworker.get(reverse("monitor:feed-list")).status_code == 200
    assert (
        caseworker.post(
            reverse("monitor:feed-list"),
            {"url": "https://other.example.test/rss", "kind": "rss", "interval_minutes": "30"},
        ).status_code
        == 403
    )
    assert caseworker.post(reverse("monitor:feed-delete", args=[feed.pk])).status_code == 403

    coordinator.post(reverse("monitor:feed-delete", args=[feed.pk]))
    assert not Feed.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"monitor.feed.added", "monitor.feed.paused", "monitor.feed.deleted"} <= actions


def test_a_feed_address_is_added_once(client_for):
    client = client_for("coordinator")
    data = {
        "url": "https://invented-news.example.test/rss",
        "kind": "rss",
        "interval_minutes": "30",
    }
    client.post(reverse("monitor:feed-list"), data)
    again = client.post(reverse("monitor:feed-list"), data)
    assert "already monitored" in again.content.decode()
    assert Feed.objects.count() == 1


def test_decisions_export_as_gold_like_records(client_for):
    accepted = make_candidate(title="Accepted story")
    rejected = make_candidate(title="Rejected story")
    duplicate = make_candidate(title="Duplicate story")
    pending = make_candidate(title="Pending story")
    client = client_for("coordinator")
    client.post(reverse("monitor:candidate-accept", args=[accepted.pk]))
    client.post(reverse("monitor:candidate-reject", args=[rejected.pk]), {"reason": "not_relevant"})
    client.post(reverse("monitor:candidate-reject", args=[duplicate.pk]), {"reason": "duplicate"})

    out = StringIO()
    written = decisions_export(out)

    records = {r["title"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert written == 3 and "Pending story" not in records
    assert pending.status == "pending"
    gold = records["Accepted story"]
    assert gold["relevant"] is True and gold["text"] == ARTICLE
    assert gold["id"] == accepted.page.article_id
    assert gold["events"][0]["force"] == "Metropolitan Police Service"
    assert {"type", "count", "legal_basis", "offence", "trigger"} == set(
        gold["events"][0]["acts"][0]
    )
    assert records["Rejected story"]["relevant"] is False
    assert records["Rejected story"]["events"] == []
    assert records["Duplicate story"]["relevant"] is True  # a real event, already recorded


OUTCOMES_ARTICLE = (
    "Police arrested seven people at a protest in Testford on Saturday. Three were later "
    "charged with obstructing the highway and four were released under investigation. A "
    "woman held for assaulting an officer was bailed."
)


def outcomes_candidate():
    """A candidate whose article states what became of the people arrested."""
    from casebook.monitor.extraction import Extractor

    result = Extractor().extract(
        article_id="o", text=OUTCOMES_ARTICLE, published=dt.date(2025, 6, 9)
    )
    (event,) = result["events"]
    return make_candidate(text=OUTCOMES_ARTICLE, event=event)


def test_outcomes_stated_in_the_article_are_proposed_and_recorded_on_accepting(client_for):
    candidate = outcomes_candidate()
    client = client_for("coordinator")
    page = client.get(candidate.get_absolute_url()).content.decode()
    assert "Outcomes stated" in page and "Released under investigation" in page

    client.post(reverse("monitor:candidate-accept", args=[candidate.pk]))

    incident = Incident.objects.get()
    recorded = {
        (act.act_type.slug, act.number_affected): [
            (o.outcome_type.slug, o.note) for o in act.outcomes.all()
        ]
        for act in incident.acts.all()
    }
    assert recorded[("arrest", 7)] == [
        ("charged", "3 people, as the article found by the news monitor states"),
        (
            "released_under_investigation",
            "4 people, as the article found by the news monitor states",
        ),
    ]
    assert [slug for slug, _ in recorded[("arrest", 1)]] == ["bailed"]
    assert AuditEntry.objects.filter(action="cases.outcome.recorded").count() == 3


def test_edit_then_accept_offers_the_first_stated_outcome_of_each_act(client_for):
    candidate = outcomes_candidate()
    form = client_for("coordinator").get(reverse("monitor:candidate-edit", args=[candidate.pk]))
    body = form.content.decode()
    assert '<option value="charged" selected>' in body
    assert "as the article found by the news monitor states" in body


def test_outcomes_of_an_untrusted_event_that_name_no_outcome_are_left_out(client_for):
    event = event_for()
    event["acts"][0]["outcomes"] = [
        {"outcome": "beheaded", "count": 3},
        "bailed",
        {"outcome": "bailed", "count": -4},
    ]
    candidate = make_candidate(event=event)
    client_for("coordinator").post(reverse("monitor:candidate-accept", args=[candidate.pk]))
    act = Incident.objects.get().acts.order_by("position").first()
    assert [(o.outcome_type.slug, o.note) for o in act.outcomes.all()] == [
        ("bailed", "as the article found by the news monitor states")
    ]
