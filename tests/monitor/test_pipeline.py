"""The pipeline end to end: ingesting files, feeds over HTTP, duplicates, failures, re-runs."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from casebook.monitor.fetching import Fetcher
from casebook.monitor.intake import Document, InProcessRunner, document_submit, feed_poll, ingest
from casebook.monitor.models import Candidate, Feed, Page, SketchValue
from casebook.monitor.pipeline import STAGES, Context
from tests.monitor.pipeline_support import FIXTURES, LocalServer, fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

CAP = 1_000_000


def stub_extract(**kwargs) -> dict:
    """A stand-in extractor: relevant when the text mentions arrests; one event."""
    text = kwargs["text"]
    if "arrested" not in text:
        return {
            "id": kwargs["article_id"],
            "relevant": False,
            "relevance_score": 0.1,
            "published": None,
            "events": [],
        }
    start = text.index("arrested")
    return {
        "id": kwargs["article_id"],
        "relevant": True,
        "relevance_score": 0.9,
        "published": None,
        "span_base": "text",
        "events": [
            {
                "force": None,
                "country": "GB",
                "location": None,
                "date": None,
                "total_arrests": None,
                "confidence": 0.7,
                "spans": {},
                "acts": [
                    {
                        "type": "arrest",
                        "count": None,
                        "legal_basis": None,
                        "offence": None,
                        "trigger": None,
                        "confidence": 0.7,
                        "spans": {"type": [[start, start + 8]]},
                    }
                ],
            }
        ],
    }


def runner(extract=stub_extract, *, cap: int = CAP) -> InProcessRunner:
    fetcher = Fetcher(
        user_agent="Casebook-monitor/0.1 (+test)",
        timeout=30,  # generous: a busy machine may answer slowly
        host_delay=0,
        allow_private=True,
        max_bytes=cap,
    )
    return InProcessRunner(ctx=Context(fetcher=fetcher, extract=extract, max_bytes=cap))


def page_named(name: str) -> Page:
    return Page.objects.get(external_id=name)


def test_ingesting_a_folder_reads_html_text_and_json_lines():
    report = ingest(FIXTURES, runner(), cap=CAP)

    assert report.files == 8 - 1  # every .html, .txt and .jsonl; not the .xml
    assert any("articles.jsonl line 2: not JSON" in e for e in report.errors)
    assert any('line 4: give "text" or "html"' in e for e in report.errors)
    relevant = page_named("norwich-hospital-protest.html")
    assert relevant.status == Page.Status.DONE and relevant.relevant
    assert relevant.title == "Six arrested at Norwich hospital maternity protest"
    assert str(relevant.published) == "2025-10-13"
    assert relevant.publisher == "Norwich Invented Post"
    assert "Mothers Against Closures" in relevant.text
    assert "Most read" not in relevant.text and "cookies" not in relevant.text
    assert set(relevant.stages) == set(STAGES)  # JSONB keeps no key order
    assert all(stage["status"] == "ok" for stage in relevant.stages.values())
    assert relevant.candidates.count() == 1
    statement = page_named("statement.txt")
    assert statement.relevant and statement.text.startswith("Arrests made following protest")
    from_jsonl = Page.objects.get(external_id="jl-1")
    assert from_jsonl.url.endswith("/derby-rally") and from_jsonl.relevant
    assert str(from_jsonl.published) == "2025-10-06"


def test_bad_input_is_recorded_with_a_clear_reason_and_skipped():
    ingest(FIXTURES, runner(), cap=CAP)

    french = page_named("nantes.html")
    assert (french.status, french.stage) == (Page.Status.SKIPPED, "read")
    assert "not in English" in french.reason
    empty = page_named("empty-page.html")
    assert empty.status == Page.Status.SKIPPED and "no text" in empty.reason
    allotments = page_named("allotments.html")
    assert (allotments.status, allotments.relevant) == (Page.Status.DONE, False)
    assert "not relevant" in allotments.reason
    assert "extract" not in allotments.stages  # the prefilter spared the costly stages
    assert not Page.objects.exclude(raw="").exists()


def test_a_page_in_another_language_is_recognised_without_a_lang_attribute():
    french = fixture("nantes.html").decode().replace('<html lang="fr">', "<html>")
    document_submit(
        Document(origin=Page.Origin.INGEST, external_id="no-lang", markup=french), runner()
    )
    page = page_named("no-lang")
    assert page.status == Page.Status.SKIPPED
    assert "not in English (common English words are" in page.reason


def test_an_enormous_file_is_skipped_without_being_read_whole(tmp_path):
    big = tmp_path / "big.html"
    big.write_bytes(b"<html><body>" + b"<p>words and more words</p>" * 2000 + b"</body></html>")
    ingest(big, runner(cap=10_000), cap=10_000)
    page = page_named("big.html")
    assert page.status == Page.Status.SKIPPED and "too large" in page.reason
    assert page.size == 10_001


def test_hostile_json_lines_are_recorded_as_bad_input_and_the_rest_goes_on(tmp_path):
    dump = tmp_path / "dump.jsonl"
    good = json.dumps({"id": "fine", "text": "An invented council meeting about parking."})
    dump.write_text("\n".join([("[" * 100_000), '{"id": ' + "9" * 5000 + "}", good]) + "\n")

    report = ingest(dump, runner(), cap=CAP)

    assert any("dump.jsonl line 1: not JSON (is nested more than" in e for e in report.errors)
    assert any("dump.jsonl line 2: not JSON (holds a number" in e for e in report.errors)
    assert Page.objects.filter(external_id="fine").exists()


def test_a_syndicated_copy_is_linked_to_the_first_and_not_processed_again():
    run = runner()
    ingest(FIXTURES / "norwich-hospital-protest.html", run, cap=CAP)
    ingest(FIXTURES / "syndicated-norwich-hospital-protest.html", run, cap=CAP)
    # The exact text again, under another address and in other markup:
    original = page_named("norwich-hospital-protest.html")
    document_submit(
        Document(
            origin=Page.Origin.INGEST, url="https://mirror.example.test/x", plain=original.text
        ),
        run,
    )

    copy = page_named("syndicated-norwich-hospital-protest.html")
    assert copy.status == Page.Status.DUPLICATE
    assert copy.duplicate_of == original
    assert "a copy of page" in copy.reason
    assert "extract" not in copy.stages
    exact = Page.objects.get(url="https://mirror.example.test/x")
    assert (exact.status, exact.duplicate_of) == (Page.Status.DUPLICATE, original)
    assert "same text" in exact.reason
    assert Candidate.objects.count() == 1
    assert not SketchValue.objects.exclude(page=original).exists()


def test_rerunning_over_the_same_inputs_creates_nothing_new():
    ingest(FIXTURES, runner(), cap=CAP)
    counts = (Page.objects.count(), Candidate.objects.count(), SketchValue.objects.count())
    stamps = dict(Page.objects.values_list("pk", "updated_at"))

    report = ingest(FIXTURES, runner(), cap=CAP)

    assert report.submitted == 0 and report.unchanged > 0
    assert (Page.objects.count(), Candidate.objects.count(), SketchValue.objects.count()) == counts
    assert dict(Page.objects.values_list("pk", "updated_at")) == stamps


def test_a_page_that_fails_a_stage_keeps_its_error_and_the_others_go_on():
    def fragile(**kwargs):
        if "Derby" in kwargs["text"]:
            raise RuntimeError("the extractor tripped over this one")
        return stub_extract(**kwargs)

    ingest(FIXTURES, runner(extract=fragile), cap=CAP)

    failed = Page.objects.get(external_id="jl-1")
    assert failed.status == Page.Status.FAILED
    assert failed.stage == "extract"
    assert "RuntimeError: the extractor tripped over this one" in failed.error
    assert failed.stages["extract"]["status"] == "failed"
    assert page_named("norwich-hospital-protest.html").candidates.count() == 1
    assert page_named("statement.txt").status == Page.Status.DONE

    # Re-running retries the failed page (and only it).
    ingest(FIXTURES, runner(), cap=CAP)
    failed.refresh_from_db()
    assert failed.status == Page.Status.DONE and failed.attempts == 2, failed.error


def test_a_stage_failing_half_way_writes_nothing(monkeypatch):
    def two_events(**kwargs):
        result = stub_extract(**kwargs)
        result["events"] = result["events"] * 2
        return result

    calls = []
    original = Candidate.objects.get_or_create

    def flaky_get_or_create(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(**kwargs)

    monkeypatch.setattr(Candidate.objects, "get_or_create", flaky_get_or_create)
    ingest(FIXTURES / "statement.txt", runner(extract=two_events), cap=CAP)

    page = page_named("statement.txt")
    assert page.status == Page.Status.FAILED and page.stage == "candidates"
    assert Candidate.objects.count() == 0  # the first candidate was rolled back with the stage


def test_a_feed_over_http_ends_in_candidates_with_the_real_extractor(settings):
    server = LocalServer().start()
    try:
        server.serve("/news/norwich", fixture("norwich-hospital-protest.html"))
        server.serve("/news/allotments", fixture("allotments.html"))
        items = "".join(
            f"<item><title>{title}</title><link>{server.url(path)}</link></item>"
            for title, path in [
                ("Six arrested", "/news/norwich"),
                ("Allotments", "/news/allotments"),
                ("Gone", "/news/gone"),
            ]
        )
        server.serve(
            "/feed.xml",
            f'<rss version="2.0"><channel><title>Invented Post</title>{items}</channel></rss>',
            content_type="application/rss+xml",
        )
        feed = Feed.objects.create(name="Norwich Invented Post", url=server.url("/feed.xml"))
        from casebook.monitor.pipeline import default_extract

        report = feed_poll(feed, runner(extract=default_extract))
    finally:
        server.stop()

    assert report.new_pages == 3
    norwich = Page.objects.get(url=server.url("/news/norwich"))
    assert norwich.relevant and norwich.http_status == 200
    candidate = norwich.candidates.get()
    assert candidate.force_name == "Norfolk Constabulary"
    assert candidate.event["acts"], "the extractor found the arrests"
    gone = Page.objects.get(url=server.url("/news/gone"))
    assert gone.status == Page.Status.FAILED and "HTTP 404" in gone.error
    assert Page.objects.get(url=server.url("/news/allotments")).relevant is False
    feed.refresh_from_db()
    assert feed.last_status == Feed.LastStatus.OK and feed.next_due_at


def test_the_monitor_command_adds_feeds_ingests_and_exports(tmp_path, settings):
    settings.MONITOR_ALLOW_PRIVATE_ADDRESSES = True
    settings.MONITOR_HOST_DELAY_MS = 0
    out = StringIO()
    call_command(
        "monitor",
        "add-feed",
        "https://invented.example.test/rss",
        "--name",
        "Invented",
        "--interval",
        "45",
        "--kind",
        "police",
        stdout=out,
    )
    feed = Feed.objects.get()
    assert (feed.name, feed.interval_minutes, feed.kind) == ("Invented", 45, "police")

    call_command("monitor", "ingest", str(FIXTURES / "articles.jsonl"), stdout=out)
    assert Page.objects.filter(external_id__startswith="jl-").count() == 2

    target = tmp_path / "decisions.jsonl"
    call_command("monitor", "export-decisions", str(target), stdout=out)
    assert target.read_text() == ""


def test_monitor_run_reads_every_active_feed_once(settings):
    settings.MONITOR_ALLOW_PRIVATE_ADDRESSES = True
    settings.MONITOR_HOST_DELAY_MS = 0
    server = LocalServer().start()
    try:
        server.serve(
            "/one.xml",
            '<rss version="2.0"><channel><title>One</title></channel></rss>',
            content_type="application/rss+xml",
        )
        Feed.objects.create(name="One", url=server.url("/one.xml"))
        Feed.objects.create(name="Paused", url=server.url("/paused.xml"), active=False)
        call_command("monitor", "run", "--in-process", stdout=StringIO())
    finally:
        server.stop()
    assert len(server.seen("/one.xml")) == 1
    assert not server.seen("/paused.xml")


def test_the_demo_feeds_put_candidates_in_the_queue_and_load_once():
    from casebook.monitor.demo import monitor_demo_load

    first = monitor_demo_load()
    assert first["pages"] >= 10
    assert 1 <= first["candidates"] < first["pages"]
    assert Candidate.objects.filter(status=Candidate.Status.PENDING).exists()
    assert monitor_demo_load() == first
    assert Feed.objects.filter(active=False).count() == 2
    french = Page.objects.get(title__startswith="Manifestation")
    assert french.status == Page.Status.SKIPPED and "not in English" in french.reason


def test_pages_show_what_each_stage_did(client_for):
    ingest(FIXTURES, runner(), cap=CAP)
    client = client_for("coordinator")
    listing = client.get("/monitor/pages/?status=skipped").content.decode()
    assert "not in English" in listing
    french = page_named("nantes.html")
    detail = client.get(f"/monitor/pages/{french.pk}/").content.decode()
    assert "not in English" in detail and "read" in detail


def test_export_of_no_decisions_is_empty_json_lines(tmp_path):
    from casebook.monitor.services import decisions_export

    buffer = StringIO()
    assert decisions_export(buffer) == 0
    assert json.loads("[]") == [] and buffer.getvalue() == ""
