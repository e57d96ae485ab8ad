"""`kill -9` half-way through a monitor run, an incident merge, an evidence upload and a key
rotation: nothing is left half-written, and the same command run again completes the work.

Each test starts the real `casebook` command on an installation of its own, kills it
(SIGKILL: no handler, no cleanup) at the moment a first piece of its work becomes visible
(a row in the database, a file in the vault, a key re-wrapped in the keyring), then runs it
again and checks the whole result. Where the kill lands within that moment varies from run
to run; every check holds wherever it lands.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.installations import Installation, kill_when
from tests.linkage.casebook_support import reports_write
from tests.monitor.pipeline_support import LocalServer, fixture

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "tests" / "monitor" / "fixtures" / "articles.jsonl"


@pytest.fixture
def site(sample_installation, tmp_path, request):
    copy = sample_installation.copy(
        tmp_path / "casebook", f"casebook_kill_{request.node.name[10:30]}"
    )
    yield copy
    copy.drop()


def test_kill_during_a_monitor_run_then_the_same_run_completes_it(site, tmp_path):
    # 300 articles: the monitor commits them in chunks of 200, so the kill comes after
    # the first chunk is in and before the last is.
    lines = ARTICLES.read_text().splitlines()
    articles = [a for a in map(json.loads, lines) if "text" in a]
    pages = tmp_path / "pages.jsonl"
    with pages.open("w", encoding="utf-8") as handle:
        for number in range(300):
            article = dict(articles[number % len(articles)])
            article["id"] = f"kill-{number}"
            article["url"] = f"https://news.example.org/kill/{number}"
            article["text"] += f"\n\nReport number {number}."
            handle.write(json.dumps(article) + "\n")

    run = site.start("monitor", "ingest", str(pages))
    kill_when(run, lambda: site.count("SELECT COUNT(*) FROM monitor_page") > 0)
    kept = site.count("SELECT COUNT(*) FROM monitor_page")
    assert 0 < kept < 300

    again = site.ok("monitor", "ingest", str(pages))
    assert f"{300 - kept} pages processed, {kept} already seen" in again
    assert site.count("SELECT COUNT(*) FROM monitor_page") == 300
    assert site.count("SELECT COUNT(DISTINCT identity) FROM monitor_page") == 300
    unfinished = "SELECT COUNT(*) FROM monitor_page WHERE status IN ('new', 'failed')"
    assert site.count(unfinished) == 0
    assert "Audit trail intact" in site.ok("audit", "verify")


def _feed_server(pages: int) -> LocalServer:
    """A news site on 127.0.0.1: a feed of `pages` articles, answering 304 to a reader that
    says it has the feed already (so a run that recorded the feed as read too early would
    never see the articles it had not reached)."""
    server = LocalServer().start()
    article = fixture("norwich-hospital-protest.html").decode()
    items = []
    for number in range(pages):
        path = f"/news/{number}"
        server.serve(path, article.replace("</body>", f"<p>Update {number}.</p></body>"))
        items.append(f"<item><title>Report {number}</title><link>{server.url(path)}</link></item>")
    feed = (
        f'<rss version="2.0"><channel><title>Invented Post</title>{"".join(items)}</channel></rss>'
    ).encode()

    def answer(request):
        if request.headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, feed

    server.routes["/feed.xml"] = answer
    return server


def test_kill_during_a_monitor_feed_run_then_the_next_run_reads_what_was_left(site):
    site.env.update(
        CASEBOOK_MONITOR_ALLOW_PRIVATE_ADDRESSES="1", CASEBOOK_MONITOR_HOST_DELAY_MS="0"
    )
    server = _feed_server(40)
    try:
        site.ok("monitor", "add-feed", server.url("/feed.xml"), "--name", "Invented Post")
        run = site.start("monitor", "run")
        kill_when(run, lambda: site.count("SELECT COUNT(*) FROM monitor_page") > 0)
        assert site.count("SELECT COUNT(*) FROM monitor_page") < 40

        site.ok("monitor", "run")
    finally:
        server.stop()
    assert site.count("SELECT COUNT(DISTINCT url) FROM monitor_page") == 40
    unfinished = "SELECT COUNT(*) FROM monitor_page WHERE status IN ('new', 'failed')"
    assert site.count(unfinished) == 0
    assert site.count("SELECT COUNT(*) FROM monitor_feed WHERE last_status = 'ok'") == 1


def _big_text(path: Path, megabytes: int) -> Path:
    line = "A legal observer's note of the evening, written down as it happened.\n"
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(megabytes * 1024 * 1024 // len(line)):
            handle.write(line)
    return path


def test_kill_during_an_evidence_upload_leaves_no_cut_short_file(site, tmp_path):
    import hashlib

    incident = site.python(
        "from casebook.cases.models import Incident; "
        "print(Incident.objects.order_by('pk').first().reference)"
    )
    files = [_big_text(tmp_path / f"notes-{n}.txt", 8 + n) for n in range(2)]
    first = hashlib.sha256(files[0].read_bytes()).hexdigest()
    blob_folder = site.vault / first[:2] / first[2:4]

    upload = site.start("evidence", "add", *map(str, files), "--incident", incident)
    # The moment the first file's bytes start to land in the vault.
    kill_when(upload, lambda: blob_folder.is_dir() and any(blob_folder.iterdir()))

    again = site.ok("evidence", "add", *map(str, files), "--incident", incident)
    assert again.count("stored ") + again.count("already ") == 2
    verified = site.ok("evidence", "verify")
    assert "Evidence intact: 2 stored files match their hashes." in verified
    stored = {p.name for p in site.vault.rglob("*") if p.is_file()}
    expected = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    assert stored == expected  # no partial file left beside them
    assert site.count("SELECT COUNT(*) FROM sources_evidencefile") == 2
    assert "Audit trail intact" in site.ok("audit", "verify")


def _keyring_masters(site: Installation) -> int:
    ring = sqlite3.connect(f"file:{site.data / 'keyring.sqlite3'}?mode=ro", uri=True)
    try:
        return ring.execute("SELECT COUNT(DISTINCT master_key_id) FROM data_key").fetchone()[0]
    finally:
        ring.close()


SPARE_KEYS = (
    "from casebook.people.keys.keyring import keyring; ring = keyring(); "
    "[ring.take_new_data_key() for _ in range(1500)]; print(ring.count())"
)
READABLE = (
    "from casebook.people.models import Person; "
    "people = list(Person.objects.all()); "
    "print(sum(p.details_readable for p in people), len(people))"
)


def test_kill_during_a_key_rotation_then_the_rotation_finishes(site):
    keys = int(site.python(SPARE_KEYS))  # many keys, so the rotation takes many batches
    readable_before = site.python(READABLE)
    assert _keyring_masters(site) == 1

    rotation = site.start("keys", "rotate", "--batch", "5")
    kill_when(rotation, lambda: _keyring_masters(site) == 2)

    again = site.ok("keys", "rotate", "--batch", "50")
    assert "Finishing the rotation to master key" in again
    assert f"all {keys} data keys are wrapped by master key" in again
    assert _keyring_masters(site) == 1
    master = (site.data / "master.key").read_text()
    assert len([line for line in master.splitlines() if line and not line.startswith("#")]) == 1
    assert site.python(READABLE) == readable_before


@pytest.fixture
def reports_site(site, tmp_path):
    """The site with 240 synthetic reports (several per event) and automatic merging on."""
    incidents, _ = reports_write(tmp_path, size=240, seed=5)
    site.ok("import", str(incidents))
    site.python(
        "from casebook.linkage.services import settings_change; "
        "settings_change(auto_merge=True, auto_merge_threshold=0.999, actor=None); print('on')"
    )
    return site


def test_kill_during_incident_merges_then_the_same_run_completes_them(reports_site):
    site = reports_site
    before = site.count("SELECT COUNT(*) FROM cases_incident")
    run = site.start("linkage", "run")
    kill_when(run, lambda: site.count("SELECT COUNT(*) FROM linkage_incidentmerge") > 0)

    site.ok("linkage", "run")
    merges = site.count("SELECT COUNT(*) FROM linkage_incidentmerge")
    assert merges > 1
    # Each merge whole: the merged-away incident gone, nothing lost or counted twice.
    assert site.count("SELECT COUNT(*) FROM cases_incident") == before - merges
    gone = (
        "SELECT COUNT(*) FROM linkage_incidentmerge m JOIN cases_incident i "
        "ON i.reference = m.merged_reference"
    )
    assert site.count(gone) == 0
    # And complete: no clear match of the last run is left unmerged.
    left = (
        "SELECT COUNT(*) FROM linkage_suggestedpair p "
        "JOIN cases_incident a ON a.reference = p.left_reference "
        "JOIN cases_incident b ON b.reference = p.right_reference "
        "WHERE p.probability >= 0.999 AND p.run_id = (SELECT MAX(id) FROM linkage_linkagerun)"
    )
    assert site.count(left) == 0
    assert "Audit trail intact" in site.ok("audit", "verify")
