"""The API's permission matrix: every operation, as a token of every role and with none."""

from __future__ import annotations

import pytest

from casebook.api.main import api
from tests.api.conftest import ALL_SCOPES, TokenClient, raw_token_for
from tests.api.operations import API_PERSONAS, OPERATIONS
from tests.web.test_permissions import World

pytestmark = pytest.mark.django_db


def test_every_operation_of_the_document_is_in_the_matrix():
    document = api.get_openapi_schema()
    documented = {
        (method.upper(), path) for path, methods in document["paths"].items() for method in methods
    }
    listed = {(op.method, op.path) for op in OPERATIONS}
    assert documented - listed == set(), "add these operations to tests/api/operations.py"
    assert listed - documented == set(), "stale rows in tests/api/operations.py"


def token_clients(personas) -> dict[str, TokenClient]:
    clients = {}
    for persona in API_PERSONAS:
        user = personas[persona]
        if user is None:
            clients[persona] = TokenClient(None)
            continue
        scopes = ALL_SCOPES if persona != "analyst" else ("read", "write")
        clients[persona] = TokenClient(raw_token_for(user, scopes))
    return clients


def call(client: TokenClient, operation, world):
    url = operation.build(world)
    body = operation.body(world) if operation.body else None
    if operation.method == "GET":
        return client.get(url, headers=operation.headers)
    if operation.multipart:
        return client.post(url, data=body, headers=operation.headers)
    return getattr(client, operation.method.lower())(url, json=body, headers=operation.headers)


def test_every_operation_answers_every_role_as_the_matrix_says(personas, evidence_dir):
    world = World()
    clients = token_clients(personas)
    failures = []
    for operation in OPERATIONS:
        for persona, expected in zip(API_PERSONAS, operation.expected, strict=True):
            response = call(clients[persona], operation, world)
            if response.status_code != expected:
                failures.append(
                    f"{persona} {operation}: {response.status_code}, expected {expected} "
                    f"{response.content[:300]!r}"
                )
            elif response.status_code >= 400:
                assert response["Content-Type"] == "application/problem+json", operation
    assert not failures, "\n".join(failures)
