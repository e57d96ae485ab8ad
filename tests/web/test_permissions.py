"""Who may open which page: one table for every URL of the project, checked for every persona.

The test walks the URLconf, so a new view without a row in MATRIX fails here instead of
quietly inheriting whatever access its author forgot to restrict.

Apps keep their own rows beside their tests, in `tests/<app>/matrix.py`, as a dict whose
name ends in `_MATRIX` (see tests/redaction/matrix.py); they are merged into MATRIX below,
so this stays the one table every URL is checked against.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS
from tests.factories import IncidentFactory, InvolvementFactory, ProtestFactory

pytestmark = pytest.mark.django_db

# Status per persona, in the order of PERSONAS:
#       administrator, coordinator, caseworker (not on the incident), analyst, outsider, anonymous
STAFF_READ = (200, 200, 200, 200, 403, 302)
CASE_EDITORS = (200, 200, 200, 403, 403, 302)
INCIDENT_EDITORS = (200, 200, 403, 403, 403, 302)
ADMIN_ONLY = (200, 302, 302, 302, 302, 302)  # the admin sends non-administrators to its login

# URL name -> (method, how to build the URL from the test's world, expected statuses).
MATRIX = {
    "healthz": ("GET", lambda w: reverse("healthz"), (200,) * 6),
    # Its own bearer token, never a session: off (404) unless CASEBOOK_METRICS_TOKEN is set.
    "metrics": ("GET", lambda w: reverse("metrics"), (404,) * 6),
    "accounts:login": ("GET", lambda w: reverse("accounts:login"), (302,) * 5 + (200,)),
    "accounts:logout": ("POST", lambda w: reverse("accounts:logout"), (302,) * 6),
    # Signed-in personas need no (more) second factor here, so it sends them on.
    "accounts:two-factor": ("GET", lambda w: reverse("accounts:two-factor"), (302,) * 6),
    "casework:incident-list": ("GET", lambda w: reverse("casework:incident-list"), STAFF_READ),
    "casework:incident-create": (
        "GET",
        lambda w: reverse("casework:incident-create"),
        CASE_EDITORS,
    ),
    "casework:incident-detail": (
        "GET",
        lambda w: reverse("casework:incident-detail", args=[w.incident.reference]),
        STAFF_READ,
    ),
    "casework:incident-edit": (
        "GET",
        lambda w: reverse("casework:incident-edit", args=[w.incident.reference]),
        INCIDENT_EDITORS,
    ),
    # A fresh draft each time, so that every persona asks for the same, valid transition.
    "casework:incident-status": (
        "POST",
        lambda w: reverse("casework:incident-status", args=[w.fresh_incident().reference]),
        (302, 302, 403, 403, 403, 302),
    ),
    "cases:protest-list": ("GET", lambda w: reverse("cases:protest-list"), STAFF_READ),
    "cases:protest-detail": (
        "GET",
        lambda w: reverse("cases:protest-detail", args=[w.protest.pk]),
        STAFF_READ,
    ),
    "transfer:import": (
        "GET",
        lambda w: reverse("transfer:import"),
        (200, 200, 403, 403, 403, 302),
    ),
    # A job nobody has: importers get 404, everyone else 403.
    "transfer:import-job": (
        "GET",
        lambda w: reverse("transfer:import-job", args=[999999]),
        (404, 404, 403, 403, 403, 302),
    ),
    "transfer:import-job-rejects": (
        "GET",
        lambda w: reverse("transfer:import-job-rejects", args=[999999]),
        (404, 404, 403, 403, 403, 302),
    ),
    "transfer:export": (
        "GET",
        lambda w: reverse("transfer:export"),
        (200, 200, 403, 200, 403, 302),
    ),
}


# URL names that answer anonymous visitors themselves instead of sending them to sign in
# (the API: 401 without a token). Apps add theirs as a set named `*_NOT_REDIRECTED`.
NOT_REDIRECTED: set[str] = set()


def _rows_kept_by_apps() -> dict:
    rows = {}
    tests_dir = Path(__file__).resolve().parent.parent
    for package in pkgutil.iter_modules([str(tests_dir)]):
        if package.ispkg and (tests_dir / package.name / "matrix.py").exists():
            module = importlib.import_module(f"tests.{package.name}.matrix")
            for name, value in vars(module).items():
                if name.endswith("_MATRIX") and isinstance(value, dict):
                    rows |= value
                elif name.endswith("_NOT_REDIRECTED") and isinstance(value, set):
                    NOT_REDIRECTED.update(value)
    return rows


MATRIX |= _rows_kept_by_apps()

# Every admin URL is covered by the admin's own gate (accounts/admin.py); these samples
# check that gate, and the prefix rule accounts for the admin's many other patterns.
ADMIN_PREFIX = "admin/"
ADMIN_SAMPLES = {
    "admin:index": ("GET", lambda w: reverse("admin:index"), ADMIN_ONLY),
    "admin:cases_incident_changelist": (
        "GET",
        lambda w: reverse("admin:cases_incident_changelist"),
        ADMIN_ONLY,
    ),
    "admin:people_person_change": (
        "GET",
        lambda w: reverse("admin:people_person_change", args=[w.person.pk]),
        ADMIN_ONLY,
    ),
    "admin:accounts_user_changelist": (
        "GET",
        lambda w: reverse("admin:accounts_user_changelist"),
        ADMIN_ONLY,
    ),
}
PUBLIC = {"healthz", "metrics", "accounts:login"}
SESSION_ENDING = {"accounts:logout"}

CANARIES = ("Canaryname Zqxwv", "canary-zqxwv@example.test", "7 Canary Row, Zqxwvton")


def url_patterns(patterns=None, route: str = "", namespace: str = ""):
    """(route, qualified name) of every pattern in the URLconf, walking includes."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_patterns(pattern.url_patterns, route + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else None
            yield route + str(pattern.pattern), name


class World:
    """The records the URLs point at: an incident with a person, and its protest."""

    def __init__(self):
        self.protest = ProtestFactory()
        self.incident = IncidentFactory(protest=self.protest)
        involvement = InvolvementFactory(
            act__incident=self.incident,
            person__full_name=CANARIES[0],
            person__contact=CANARIES[1],
            person__address=CANARIES[2],
        )
        self.person = involvement.person

    def fresh_incident(self):
        return IncidentFactory(status="draft")


def test_every_url_pattern_has_an_expected_status_for_every_persona(client_for, personas):
    table = MATRIX | ADMIN_SAMPLES
    seen, unaccounted = set(), []
    for route, name in url_patterns():
        if route.startswith(ADMIN_PREFIX):
            continue
        if name not in MATRIX:
            unaccounted.append(route if name is None else f"{name} ({route})")
        seen.add(name)
    assert not unaccounted, f"URL patterns missing from the permission matrix: {unaccounted}"
    assert not set(MATRIX) - seen, f"Stale rows in the matrix: {set(MATRIX) - seen}"

    world = World()
    # One client per persona: each new client starts the whole middleware stack again
    # (WhiteNoise rescans every static file), which made this test take 40 seconds.
    clients = {persona: client_for(persona) for persona in PERSONAS}
    failures = []
    for name, (method, build, expected) in table.items():
        for persona, status in zip(PERSONAS, expected, strict=True):
            url = build(world)
            # Signing out ends the session the persona's other requests go on using.
            client = client_for(persona) if name in SESSION_ENDING else clients[persona]
            response = (
                client.post(url, {"status": "in_review"}) if method == "POST" else client.get(url)
            )
            if response.status_code != status:
                failures.append(
                    f"{persona} {method} {url}: {response.status_code}, expected {status}"
                )
            if persona == "anonymous" and name not in PUBLIC | NOT_REDIRECTED:
                location = response.get("Location", "")
                if not location.startswith(reverse("accounts:login")):
                    failures.append(f"anonymous {method} {url} is not sent to sign in")
            if persona in ("caseworker", "analyst", "outsider", "anonymous"):
                raw = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                body = raw.decode(errors="replace")
                leaked = [canary for canary in CANARIES if canary in body]
                if leaked:
                    failures.append(f"{persona} {method} {url} shows personal data")
    assert not failures, "\n".join(failures)


def test_static_files_are_public(client):
    response = client.get("/static/web/casebook.css")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "assigned", "sees_people"),
    [
        ("administrator", False, True),
        ("coordinator", False, True),
        ("caseworker", True, True),
        ("caseworker", False, False),
        ("analyst", False, False),
        ("analyst", True, False),  # even an analyst assigned by mistake sees nobody
    ],
)
def test_the_incident_page_shows_people_only_to_those_allowed(
    client_for, personas, persona, assigned, sees_people
):
    world = World()
    if assigned:
        world.incident.assigned_to.add(personas[persona])
    page = client_for(persona).get(world.incident.get_absolute_url()).content.decode()
    for canary in CANARIES:
        assert (canary in page) is sees_people, (persona, canary)
    assert (world.person.reference in page) is sees_people
    if not sees_people:
        assert "1 person recorded" in page


def test_the_editor_shows_people_only_to_those_allowed(client_for, personas):
    world = World()
    world.incident.assigned_to.add(personas["caseworker"])
    url = reverse("casework:incident-edit", args=[world.incident.reference])
    assert CANARIES[0] in client_for("caseworker").get(url).content.decode()
    assert CANARIES[0] in client_for("coordinator").get(url).content.decode()
