"""The API's document and docs page: served from our own files, under the strict CSP."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_only_our_own_static_files_under_the_strict_policy():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    # No inline script runs: the one <script> without src is JSON data for the page.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert all('type="application/json"' in attributes for attributes in inline)
    for path in sources:
        assert Client().get(path).status_code == 200, path


def test_the_document_describes_tokens_and_problem_details():
    document = Client().get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    answer = document["paths"]["/api/v1/incidents"]["post"]["responses"]["422"]
    assert list(answer["content"]) == ["application/problem+json"]
