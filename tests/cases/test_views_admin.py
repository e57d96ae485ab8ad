"""The admin, as administrators use it to manage users, the codebook and the record."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import ActFactory, InvolvementFactory, OutcomeFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_every_admin_list_and_add_page_opens_for_an_administrator(client_for):
    OutcomeFactory(act=InvolvementFactory(act=ActFactory()).act)
    SourceFactory()
    client = client_for("administrator")
    failures = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        pages = [f"admin:{meta.app_label}_{meta.model_name}_changelist"]
        if model_admin.has_add_permission(_administrator_request()):
            pages.append(f"admin:{meta.app_label}_{meta.model_name}_add")
        obj = model._default_manager.first()
        if obj is not None:
            pages.append((f"admin:{meta.app_label}_{meta.model_name}_change", obj.pk))
        for page in pages:
            url = reverse(page[0], args=[page[1]]) if isinstance(page, tuple) else reverse(page)
            status = client.get(url).status_code
            if status != 200:
                failures.append(f"{url}: {status}")
    assert not failures, failures


def _administrator_request():
    from django.test import RequestFactory

    from casebook.accounts.models import User

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="administrator")
    return request


def test_the_person_list_in_the_admin_shows_references_not_names(client_for):
    involvement = InvolvementFactory(person__full_name="Canaryname Adminlist")
    html = client_for("administrator").get(reverse("admin:people_person_changelist")).content
    assert involvement.person.reference in html.decode()
    assert "Canaryname" not in html.decode()


def test_an_incident_added_in_the_admin_gets_a_reference(client_for):
    client = client_for("administrator")
    data = {
        "title": "Synthetic admin incident",
        "date": "2024-02-03",
        "date_precision": "day",
        "country": "GB",
        "status": "draft",
        "summary": "",
        "place": "",
        "acts-TOTAL_FORMS": "0",
        "acts-INITIAL_FORMS": "0",
        "source_links-TOTAL_FORMS": "0",
        "source_links-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:cases_incident_add"), data)
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    from casebook.cases.models import Incident

    assert Incident.objects.get(title="Synthetic admin incident").reference.startswith("CB-2024-")
