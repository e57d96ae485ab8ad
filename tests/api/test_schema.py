"""Schemathesis against the API's own OpenAPI document: every operation, as a token of each
role and of an account without one, with generated (valid and invalid) input.

What must hold: never a server error, and every answer documented (status, content type,
body schema). The examples are few per operation and derandomised, so the run stays short
and the same on every machine; a finding is a real bug to fix, never a test to loosen.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import ALL_SCOPES, raw_token_for

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def _connection_kept():
    """Schemathesis calls the WSGI application itself, whose request signals would close the
    database connection the test's transaction lives on; Django's test client unhooks them
    the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["administrator", "coordinator", "caseworker", "analyst", "outsider"])
def bearer(request, personas, evidence_dir, _connection_kept) -> dict:
    from tests.factories import ready_incident

    ready_incident()  # something for the lists and counts to show
    persona = request.param
    scopes = ("read", "write") if persona == "analyst" else ALL_SCOPES
    return {"Authorization": f"Bearer {raw_token_for(personas[persona], scopes)}"}


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_to_its_document(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)
