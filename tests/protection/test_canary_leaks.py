"""The canary leak test (issue 4): a unique string in every personal field, every narrative, a
person's name typed into every free-text field (issue 12) and the metadata of an uploaded
photo; then every page, export and download, fetched as every role and as anonymous, and
everything Casebook logged, audited, stored and wrote to disk, searched for them. Each canary
may appear only where its kind may be seen: the table is MAY_SEE and NEVER_IN in
tests/protection/canaries.py. Searching each typed name finds the incident only for those who
may see its people.

The pages are the GET rows of the project's permission matrix (tests/web/test_permissions.py,
with the apps' rows merged in), so a page gets walked here as soon as it has its matrix row.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident, IncidentStatus
from casebook.casework.drafts import ActDraft, IncidentDraft, PersonDraft
from casebook.casework.services import incident_save
from casebook.people.models import Involvement, Person
from casebook.redaction.services import derivative_propose
from casebook.sources.models import EvidenceFile
from casebook.transfer.formats import FORMATS
from tests.conftest import sign_in
from tests.factories import ProtestFactory
from tests.protection import canaries as c
from tests.protection.exhibits import (
    Exhibit,
    as_text,
    audit_exhibits,
    crashes,
    database_exhibits,
    everything_logged,
    file_exhibits,
    leaks,
    log_exhibits,
    mail_and_console_exhibits,
    missing_sightings,
    pdf_text,
)
from tests.web.test_permissions import ADMIN_SAMPLES, MATRIX, World

pytestmark = pytest.mark.django_db

TITLE = c.FREE["title"][1]
SURNAME = "Quillfeather"  # in the person's name, but not a canary: searching it echoes none
FIRST_NAME = "Canaryname7f3a Firstspelling"  # as first recorded; corrected in the editor


# --- The world ---------------------------------------------------------------------------------


def _editor_data(protest) -> dict:
    """The incident editor's form, as the coordinator fills it in: two acts, a source, a person."""
    data = {
        "title": TITLE,
        "summary": c.SUMMARY,
        "date": "2024-05-04",
        "date_precision": "day",
        "place": c.FREE["place"][1],
        "country": "GB",
        "force": "metropolitan-police-service",
        "protest": str(protest.pk),
        "tags": "vigils",
    }
    rows = {
        "acts": [
            {
                "act_type": "arrest",
                "number_affected": "2",
                "number_precision": "exact",
                "legal_provision": "poa-1986-s5",
                "offence_wording": c.FREE["offence_wording"][1],
                "trigger_type": "banner",
                "trigger_wording": c.FREE["trigger_wording"][1],
                "perpetrator_unit": c.FREE["perpetrator_unit"][1],
                "outcome_type": "bailed",
                "outcome_date": "2024-05-05",
                "outcome_note": c.FREE["outcome_note"][1],
            },
            {
                "act_type": "seizure",
                "number_affected": "1",
                "number_precision": "exact",
                "trigger_type": "banner",
            },
        ],
        "sources": [
            {
                "kind": "news_article",
                "channel": "news-monitor",
                "title": c.FREE["source title"][1],
                "url": "https://news.example.test/leak-test",
                "publisher": c.FREE["source publisher"][1],
                "published_on": "2024-05-05",
                "reliability": "B",
                "credibility": "2",
                "text": c.SOURCE_TEXT,
                "supports": c.FREE["supports"][1],
            },
        ],
        "people": [
            {
                "full_name": FIRST_NAME,
                "contact": "first-contact@example.test",
                "role": "arrested",
                "act_number": "1",
                "consent_record": "on",
            },
        ],
    }
    for prefix, forms in rows.items():
        data[f"{prefix}-TOTAL_FORMS"], data[f"{prefix}-INITIAL_FORMS"] = str(len(forms)), "0"
        for index, form in enumerate(forms):
            data |= {f"{prefix}-{index}-{name}": value for name, value in form.items()}
    return data


class CanaryWorld(World):
    """The permission matrix's world (an incident with a person, its protest), with a canary in
    every personal field, narrative and piece of photo metadata, entered the way people enter
    them: the incident editor and the upload page."""

    def __init__(self, *, clients: dict[str, Client], users: dict, photo: bytes):
        self.protest = ProtestFactory(
            name=c.FREE["protest name"][1],
            place=c.FREE["protest place"][1],
            organiser=c.FREE["protest organiser"][1],
            cause=c.FREE["protest cause"][1],
        )
        created = clients["coordinator"].post(
            reverse("casework:incident-create"), _editor_data(self.protest)
        )
        assert created.status_code == 302, "the incident editor refused the canary incident"
        self.incident = Incident.objects.get(title=TITLE)
        # As an administrator does in the admin: the only way to assign a caseworker.
        self.incident.assigned_to.add(users[c.ASSIGNED_CASEWORKER])
        involvement = Involvement.objects.get(act__incident=self.incident)
        # The name and contact corrected, by the service behind the editor: an update is
        # audited too ("changed", never the values).
        incident_save(
            actor=users[c.ASSIGNED_CASEWORKER],
            incident=self.incident,
            draft=IncidentDraft(
                fields={},
                tags=["vigils"],
                acts=[ActDraft({}, id=involvement.act_id)],
                people=[
                    PersonDraft(
                        {"full_name": c.PERSON["full_name"][1], "contact": c.PERSON["contact"][1]},
                        role="arrested",
                        act_index=0,
                        involvement_id=involvement.pk,
                    )
                ],
            ),
        )
        self.person = Person.objects.get(pk=involvement.person_id)
        assert self.person.full_name == c.PERSON["full_name"][1]
        # The editor asks for a name and a contact only; the rest is set on the record.
        for name, (_token, value) in c.PERSON.items():
            setattr(self.person, name, value)
        self.person.date_of_birth = c.DATE_OF_BIRTH
        self.person.full_clean(exclude=["reference"])
        self.person.save()
        self.source = self.incident.source_links.get().source

        uploaded = clients[c.ASSIGNED_CASEWORKER].post(
            reverse("sources:evidence-upload", args=[self.incident.reference]),
            {
                "file": SimpleUploadedFile(c.PHOTO_FILENAME, photo, "image/jpeg"),
                "caption": c.PHOTO_CAPTION,
            },
        )
        assert uploaded.status_code == 201, uploaded.content
        self.evidence = EvidenceFile.objects.get(pk=uploaded.json()["id"])

        # The apps' matrix rows build what they point at on first use; give them ours.
        coordinator = users["coordinator"]
        self.sources_evidence = self.redaction_evidence = self.evidence
        self.redaction_source = self.source
        self.redaction_text = derivative_propose(
            original=self.incident, field="summary", actor=coordinator
        )
        self.redaction_image = derivative_propose(original=self.evidence, actor=coordinator)
        self.source_redaction = derivative_propose(
            original=self.source, field="text", actor=coordinator
        )


# --- What is fetched ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    label: str  # the URL's name, and what this request of it is for
    method: str
    url: str
    data: dict | None = None
    place: str = "page"

    def place_for(self, viewer: str) -> str:
        # Asking for personal data is honoured for these two roles only; the others get the
        # export without it (the form drops the field), which is what must then be checked.
        if self.place == "personal-data export" and viewer not in ("administrator", "coordinator"):
            return "export"
        return self.place

    def __str__(self) -> str:
        data = f" {self.data}" if self.data else ""
        return f"{self.method} {self.url}{data} ({self.label})"


def _admin_pages(world: CanaryWorld) -> list[Request]:
    """Every model's list in the admin, and the admin page of each record of the world."""
    records = [
        world.incident,
        *world.incident.acts.all(),
        world.protest,
        world.person,
        world.source,
        world.evidence,
        world.redaction_text,
        world.redaction_image,
        *AuditEntry.objects.filter(incident_reference=world.incident.reference),
    ]
    pages = []
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        pages.append(Request(name, "GET", reverse(name)))
    for record in records:
        if type(record) in admin.site._registry:
            name = f"admin:{record._meta.app_label}_{record._meta.model_name}_change"
            pages.append(Request(name, "GET", reverse(name, args=[record.pk])))
    return pages


def requests_for(world: CanaryWorld) -> list[Request]:
    """Every page of the matrix, the admin, and every export and download, for this world."""
    requests = [
        Request(name, "GET", build(world))
        for name, (method, build, _statuses) in (MATRIX | ADMIN_SAMPLES).items()
        if method == "GET"
    ]
    requests += _admin_pages(world)
    export = reverse("transfer:export")
    requests += [
        Request(
            "redaction:review (the photo)",
            "GET",
            reverse("redaction:review", args=[world.redaction_image.pk]),
        ),
        Request(
            "redaction:review (the source text)",
            "GET",
            reverse("redaction:review", args=[world.source_redaction.pk]),
        ),
        Request(
            "people:person-list (search)", "POST", reverse("people:person-list"), {"q": SURNAME}
        ),
        *(
            Request(
                f"transfer:export ({name}, default options)",
                "POST",
                export,
                # Every status: drafts must not leak either.
                {"format": name, "statuses": IncidentStatus.values},
                place="export",
            )
            for name in FORMATS
        ),
        Request(
            "transfer:export (asking for personal data)",
            "POST",
            export,
            {"format": "json", "personal_data": "on", "statuses": IncidentStatus.values},
            place="personal-data export",
        ),
    ]
    unique = {(r.method, r.url, json.dumps(r.data, sort_keys=True)): r for r in requests}
    return list(unique.values())


def fetch(client: Client, viewer: str, request: Request) -> Exhibit:
    """The response's body, headers and, for a picture, its metadata; redirects not followed."""
    if request.method == "POST":
        response = client.post(request.url, request.data or {})
    else:
        response = client.get(request.url)
    # Reading a streamed body to its end closes the response, as a WSGI server would (closing
    # it again here would close the database connection inside the test's transaction).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        body = pdf_text(body).encode()  # a PDF's text is compressed: search what it shows
    text = as_text(body) + "\n" + "\n".join(f"{k}: {v}" for k, v in response.items()).lower()
    place, picture = request.place_for(viewer), None
    if request.label.startswith("analysis:report"):
        place = "export"  # a report is for outside use: nothing personal or narrative in it
    if response.get("Content-Type", "").startswith("image/"):
        picture = body
        place = (
            "evidence original"
            if request.label == "sources:evidence-original"
            else "derivative image"
        )
    return Exhibit(str(request), place, text, viewer, response.status_code, picture)


def command_exports(users: dict) -> list[Exhibit]:
    """`casebook export` in every format, without personal data: as each role that may
    export, and as the server's shell (no --user)."""
    exhibits = []
    for who in ("administrator", "coordinator", "analyst", None):
        options = {"user": users[who].username} if who else {}
        for name in FORMATS:
            out = io.StringIO()
            call_command(
                "export_incidents", format=name, stdout=out, stderr=io.StringIO(), **options
            )
            command = f"casebook export --format {name}" + (f" --user {who}" if who else "")
            exhibits.append(
                Exhibit(command, "export", out.getvalue().lower(), who or "server shell")
            )
    return exhibits


def release_files(world: CanaryWorld, folder) -> list[Exhibit]:
    """`casebook release`: every file of an open data release, which leaves like an export,
    with the canaries' incident verified and published (its summary's redaction approved)."""
    from tests.publishing.world import approve, publish

    Incident.objects.filter(pk=world.incident.pk).update(status=IncidentStatus.VERIFIED)
    incident = Incident.objects.get(pk=world.incident.pk)
    approve(incident, "summary", "An approved summary without anybody in it.")
    publish(incident)
    call_command("release", "-o", str(folder), stdout=io.StringIO(), stderr=io.StringIO())
    return [
        Exhibit(f"casebook release: {path.name}", "export", as_text(path.read_bytes()))
        for path in sorted(folder.iterdir())
    ]


# Free-text fields in an incident's search document (cases/search.py): searching a name typed
# into one finds the incident only for those who may see its people.
SEARCHED = (
    "title",
    "summary",
    "place",
    "offence_wording",
    "trigger_wording",
    "source title",
    "source publisher",
    "source text",
    "supports",
    "protest name",
)


def search_findings(world: CanaryWorld, clients: dict[str, Client]) -> tuple[int, list[str]]:
    """(searches made, problems): each typed name searched in the incident list by everyone."""
    problems, searches = [], 0
    for field in SEARCHED:
        token = c.FREE[field][0]
        # Not as an account without a role: its refusal is logged with the address searched.
        for viewer in c.VIEWERS:
            response = clients[viewer].get(reverse("casework:incident-list"), {"q": token})
            if response.status_code != 200:
                continue
            searches += 1
            found = world.incident.reference in response.content.decode()
            if found and viewer not in c.MAY_SEE[c.FREE_TEXT]:
                problems.append(f"{viewer} finds the incident by the name typed into {field}")
            elif not found and viewer in c.MAY_SEE[c.FREE_TEXT]:
                problems.append(f"{viewer} no longer finds the incident by its {field}")
    return searches, problems


def api_clients(users: dict) -> dict[str, Client]:
    """A client per viewer sending an API token with every scope the viewer's role may hold
    (no token for the anonymous viewer): the API must hide what the pages hide."""
    from casebook.accounts.roles import may_see_people
    from tests.api.conftest import ALL_SCOPES, raw_token_for

    clients = {}
    for viewer in c.VIEWERS:
        user = users[viewer]
        if user is None:
            clients[viewer] = Client(raise_request_exception=False)
            continue
        scopes = ALL_SCOPES if may_see_people(user) else ("read", "write")
        header = f"Bearer {raw_token_for(user, scopes)}"
        clients[viewer] = Client(raise_request_exception=False, HTTP_AUTHORIZATION=header)
    return clients


def api_requests(world: CanaryWorld) -> list[Request]:
    """Every read operation of the API (tests/api/operations.py) for this world."""
    from tests.api.operations import OPERATIONS

    return [
        Request(f"API {operation}", "GET", operation.build(world))
        for operation in OPERATIONS
        if operation.method == "GET"
    ]


def api_search_findings(world: CanaryWorld, clients: dict[str, Client]) -> list[str]:
    """Each typed name searched through the API's incident list: found only by those who may."""
    problems = []
    for field in SEARCHED:
        token = c.FREE[field][0]
        for viewer in c.VIEWERS:
            response = clients[viewer].get("/api/v1/incidents", {"q": token})
            if response.status_code != 200:
                continue
            found = world.incident.reference in response.content.decode()
            if found and viewer not in c.MAY_SEE[c.FREE_TEXT]:
                problems.append(f"{viewer} finds the incident through the API by {field}")
            elif not found and viewer in c.MAY_SEE[c.FREE_TEXT]:
                problems.append(f"{viewer} no longer finds the incident through the API by {field}")
    return problems


def _client(user) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is recorded, not raised
    return client if user is None else sign_in(client, user)


def test_every_canary_appears_only_where_its_kind_may_be_seen(
    personas,
    make_user,
    evidence_dir,
    capsys,
    recwarn,
    django_capture_on_commit_callbacks,
    tmp_path,
):
    users = {
        **personas,
        c.ASSIGNED_CASEWORKER: make_user("caseworker", username="assigned-caseworker"),
    }
    clients = {viewer: _client(users[viewer]) for viewer in c.VIEWERS}
    photo = c.canary_photo()  # before the logs are collected: making it logs its EXIF
    mail.outbox = []
    with everything_logged() as recorder:
        # Committed as the editor's save would be: the redacted search documents are made.
        with django_capture_on_commit_callbacks(execute=True):
            world = CanaryWorld(clients=clients, users=users, photo=photo)
        requests = requests_for(world)
        searches, wrong_finds = search_findings(world, clients)
        exhibits = [
            fetch(clients[viewer], viewer, request) for request in requests for viewer in c.VIEWERS
        ]
        tokens = api_clients(users)
        from_api = api_requests(world)
        exhibits += [
            fetch(tokens[viewer], viewer, request) for request in from_api for viewer in c.VIEWERS
        ]
        requests += from_api
        wrong_finds += api_search_findings(world, tokens)
        exhibits += command_exports(users)
        exhibits += release_files(world, tmp_path / "release")
    exhibits = [exhibit.with_picture_metadata() for exhibit in exhibits]
    exhibits += log_exhibits(recorder)
    exhibits += audit_exhibits()
    exhibits += database_exhibits()
    exhibits += file_exhibits(evidence_dir)
    exhibits += mail_and_console_exhibits(capsys, recwarn)

    found, crashed, unseen = leaks(exhibits), crashes(exhibits), missing_sightings(exhibits)
    # The API's absences prove something only if it shows the person to those who may see.
    name = c.PERSON["full_name"][0].lower()
    if not any(
        e.viewer == "coordinator" and "(API GET" in e.where and name in e.text for e in exhibits
    ):
        unseen.append("the coordinator's token never saw the person through the API")
    summary = (
        f"{len(requests)} requests x {len(c.VIEWERS)} viewers, {len(c.CANARIES)} "
        f"canaries, {len(recorder.records)} log records, {searches} searches"
    )
    sections = [
        (f"Canaries where they must not be ({len(found)})", found),
        (f"Requests that crashed ({len(crashed)})", crashed),
        (f"Checks of the test itself ({len(unseen)})", unseen),
        (
            f"Searches by a typed name that find what they must not ({len(wrong_finds)})",
            wrong_finds,
        ),
    ]
    assert not (found or crashed or unseen or wrong_finds), (
        summary
        + "\n"
        + "\n".join(f"\n{title}:\n  " + "\n  ".join(lines) for title, lines in sections if lines)
    )
    print(summary)  # noqa: T201 (shown with -s: what the test covered)
