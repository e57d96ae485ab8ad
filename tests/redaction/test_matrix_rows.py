"""The redaction rows of the permission matrix hold, and cover every redaction URL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS
from tests.redaction.matrix import REDACTION_MATRIX
from tests.web.test_permissions import CANARIES, World, url_patterns

pytestmark = pytest.mark.django_db


def test_every_redaction_url_has_a_row():
    ours = {name for _route, name in url_patterns() if name and name.startswith("redaction:")}
    assert ours == set(REDACTION_MATRIX)


def test_the_rows_hold_for_every_persona(client_for):
    world = World()
    failures = []
    for name, (method, build, expected) in REDACTION_MATRIX.items():
        for persona, status in zip(PERSONAS, expected, strict=True):
            url = build(world)
            client = client_for(persona)
            # The same request the project's matrix sends.
            response = (
                client.post(url, {"status": "in_review"}) if method == "POST" else client.get(url)
            )
            if response.status_code != status:
                failures.append(
                    f"{persona} {method} {name}: {response.status_code}, expected {status}"
                )
            if persona == "anonymous" and not response.get("Location", "").startswith(
                reverse("accounts:login")
            ):
                failures.append(f"anonymous {method} {name} is not sent to sign in")
            if persona in ("caseworker", "analyst", "outsider", "anonymous"):
                body = response.content.decode(errors="replace")
                if any(canary in body for canary in CANARIES):
                    failures.append(f"{persona} {method} {name} shows personal data")
    assert not failures, "\n".join(failures)
