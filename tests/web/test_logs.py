"""What `casebook serve` writes to its log when it refuses a request: one line each, no
traceback, at WARNING. Read from the real server's standard error, with the real settings."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.processes import casebook_env, run_casebook, serving

PASSWORD = "a-long-password-1"
SETUP = f"""
import datetime as dt
from casebook.accounts.models import User
from casebook.accounts.roles import Role
from casebook.accounts.services import user_ensure
from casebook.cases.models import Incident
casey, _ = user_ensure(username="casey", role=Role.CASEWORKER, password="{PASSWORD}")
User.objects.create_user(username="norole", password="{PASSWORD}")
Incident.objects.create(
    reference="CB-2024-000001", title="Invented vigil", date=dt.date(2024, 5, 4), created_by=casey
)
"""
EVIDENCE_LIMIT = 1000  # bytes: an upload past it is refused


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    data = tmp_path_factory.mktemp("served")
    init = run_casebook(data, "init", "--password-stdin", stdin=PASSWORD + "\n")
    assert init.returncode == 0, init.stderr
    setup = run_casebook(data, "shell", "-c", SETUP)
    assert setup.returncode == 0, setup.stderr
    return data


def signed_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    client.get("/accounts/login/")
    answer = client.post(
        "/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Referer": base + "/accounts/login/"},
    )
    assert answer.status_code == 302, answer.text[:500]
    return client


def log_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_every_refused_request_is_one_warning_line_without_a_traceback(installation):
    env = casebook_env(
        installation / "home",
        data_dir=installation,
        CASEBOOK_EVIDENCE_MAX_BYTES=str(EVIDENCE_LIMIT),
    )
    with serving(env) as server:
        base = server.base
        casey, norole = signed_in(base, "casey"), signed_in(base, "norole")
        token = casey.cookies["csrftoken"]
        form = {"csrfmiddlewaretoken": token}
        referer = {"Referer": base + "/incidents/new/"}
        refusals = {
            # A role gate: an account without a role opens the incident list.
            "403 GET Forbidden (Permission denied): /incidents/": norole.get("/incidents/"),
            # A record gate inside a view: no such incident.
            "404 GET Not Found: /incidents/CB-2024-999999/": casey.get(
                "/incidents/CB-2024-999999/"
            ),
            # A form sent without its CSRF token.
            "403 POST Forbidden (CSRF token missing.): /accounts/logout/": casey.post(
                "/accounts/logout/", headers={"Referer": base + "/"}
            ),
            # A forged Host header.
            "400 GET Invalid HTTP_HOST header": httpx.get(
                base + "/healthz", headers={"Host": "evil.example"}
            ),
            # A form past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB of text).
            "400 POST Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE": (
                casey.post(
                    "/incidents/new/", data=form | {"summary": "x" * 3_000_000}, headers=referer
                )
            ),
            # More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS.
            "400 POST The number of GET/POST parameters exceeded": casey.post(
                "/incidents/new/",
                data=form | {f"field{n}": "1" for n in range(1200)},
                headers=referer,
            ),
            # A multipart body with no boundary.
            "400 POST Bad request (Unable to parse request body): /incidents/new/": casey.post(
                "/incidents/new/",
                content=b"not really multipart",
                headers=referer | {"Content-Type": "multipart/form-data", "X-CSRFToken": token},
            ),
            # An evidence file past the evidence size limit.
            "413 POST Request Entity Too Large: /incidents/CB-2024-000001/evidence/upload/": (
                casey.post(
                    "/incidents/CB-2024-000001/evidence/upload/",
                    files={"file": ("photo.jpg", b"\xff\xd8\xff" + b"0" * 5000, "image/jpeg")},
                    headers={"X-CSRFToken": token, "Referer": base + "/"},
                )
            ),
        }
        for expected, answer in refusals.items():
            assert str(answer.status_code) == expected.split()[0], (expected, answer.text[:300])
    lines = log_lines(server.stderr)
    assert "Traceback" not in server.stderr, server.stderr
    for expected in refusals:
        matching = [line for line in lines if expected in line]
        assert len(matching) == 1, (expected, lines)
        assert re.search(r" WARNING django\.[\w.]+ ", matching[0]), matching[0]
    assert len(lines) == len(refusals), lines


def test_refusal_pages_say_what_happened_without_a_server_error(installation):
    with serving(casebook_env(installation / "home", data_dir=installation)) as server:
        casey = signed_in(server.base, "casey")
        too_big = casey.post(
            "/incidents/new/",
            data={"csrfmiddlewaretoken": casey.cookies["csrftoken"], "summary": "x" * 3_000_000},
            headers={"Referer": server.base + "/incidents/new/"},
        )
        forged = httpx.get(server.base + "/healthz", headers={"Host": "evil.example"})
    assert too_big.status_code == 400
    assert "could not take this request" in too_big.text
    assert "your browser still has it" in too_big.text
    assert forged.status_code == 400 and "could not take this request" in forged.text
    assert "Traceback" not in server.stderr


def test_a_server_error_keeps_its_traceback_and_its_level():
    import logging
    import sys

    from casebook.web.logs import ExpectedRefusalFilter

    try:
        raise RuntimeError("a fault on our side")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/incidents/",),
            sys.exc_info(),
        )
    record.status_code = 500
    assert ExpectedRefusalFilter().filter(record) is True
    assert record.levelname == "ERROR" and record.exc_info is not None
    assert record.getMessage() == "Internal Server Error: /incidents/"
