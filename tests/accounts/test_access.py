"""The one role gate: the view runs for the roles its predicate admits, 403 for the rest."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from casebook.accounts import roles
from casebook.accounts.access import role_required

pytestmark = pytest.mark.django_db


@role_required(roles.can_import, "Only coordinators and administrators import incidents.")
def import_like_view(request, number: int):
    return HttpResponse(f"ran with {number}")


def test_the_gate_lets_admitted_roles_through_and_passes_the_arguments(personas):
    request = RequestFactory().get("/")
    request.user = personas["coordinator"]
    assert import_like_view(request, 7).content == b"ran with 7"


@pytest.mark.parametrize("persona", ["caseworker", "analyst", "outsider"])
def test_the_gate_refuses_other_roles_with_its_sentence(personas, persona):
    request = RequestFactory().get("/")
    request.user = personas[persona]
    with pytest.raises(PermissionDenied, match="Only coordinators and administrators import"):
        import_like_view(request, 7)


def test_the_gate_keeps_the_view_name_for_urls_and_tracebacks():
    assert import_like_view.__name__ == "import_like_view"
