"""Approve approves what the reviewer sees: the findings as ticked when Approve was pressed,
never an earlier saved version (a false positive unticked and then approved stays readable)."""

from __future__ import annotations

import re
import shutil

import pytest
from django.test import Client
from django.urls import reverse

from casebook.audit.models import AuditEntry
from casebook.redaction.approved import approved_text_for
from casebook.redaction.services import derivative_propose
from tests.conftest import CHROMIUM, sign_in


@pytest.fixture
def text_derivative(testimony_incident, personas):
    return derivative_propose(
        original=testimony_incident, field="summary", actor=personas["caseworker"]
    )


def _review_form(client, derivative) -> dict:
    """What the review page's findings form would send as it stands (every finding ticked)."""
    page = client.get(reverse("redaction:review", args=[derivative.pk]))
    html = page.content.decode()
    # The Approve button submits the findings form (not a separate form without the ticks).
    assert re.search(
        r'<button[^>]*form="findings-form"[^>]*formaction="'
        + re.escape(reverse("redaction:approve", args=[derivative.pk])),
        html,
    )
    return {
        "version": page.context["version"],
        "reviewed": "text",
        "redact": [str(i) for i, r in enumerate(derivative.regions) if r["redact"]],
        "add_text": "",
        "add_entity": "PERSON",
    }


@pytest.mark.django_db
def test_unticking_a_false_positive_and_approving_approves_it_unticked(
    client_for, text_derivative, testimony_incident
):
    coordinator = client_for("coordinator")
    form = _review_form(coordinator, text_derivative)
    assert text_derivative.regions[0]["start"] == testimony_incident.summary.index("Daniel")
    form["redact"].remove("0")  # "Daniel Okafor", unticked; Save is not pressed

    response = coordinator.post(reverse("redaction:approve", args=[text_derivative.pk]), form)

    assert response.status_code == 302 and response.url == reverse("redaction:queue")
    approved = approved_text_for(testimony_incident, "summary")
    assert approved is not None and approved.startswith("My name is Daniel Okafor.")
    assert "07700 900123" not in approved  # the findings still ticked stay hidden
    text_derivative.refresh_from_db()
    assert text_derivative.status == "approved" and text_derivative.text == approved
    actions = AuditEntry.objects.filter(object_id=str(text_derivative.pk)).order_by("sequence")
    assert list(actions.values_list("action", flat=True)) == [
        "redaction.derivative.proposed",
        "redaction.derivative.edited",
        "redaction.derivative.approved",
    ]


@pytest.mark.django_db
def test_text_added_with_approve_is_hidden_in_what_is_approved(
    client_for, text_derivative, testimony_incident
):
    coordinator = client_for("coordinator")
    form = _review_form(coordinator, text_derivative)
    form.update(add_text="six hours", add_entity="OTHER")
    coordinator.post(reverse("redaction:approve", args=[text_derivative.pk]), form)
    approved = approved_text_for(testimony_incident, "summary")
    assert approved is not None and "six hours" not in approved and "[OTHER-1]" in approved


@pytest.mark.django_db
def test_approving_unchanged_ticks_approves_the_saved_version(
    client_for, text_derivative, testimony_incident
):
    coordinator = client_for("coordinator")
    coordinator.post(
        reverse("redaction:approve", args=[text_derivative.pk]),
        _review_form(coordinator, text_derivative),
    )
    assert approved_text_for(testimony_incident, "summary") == text_derivative.text


@pytest.mark.django_db
def test_approve_with_text_that_is_not_in_the_original_is_refused_with_a_message(
    client_for, text_derivative, testimony_incident
):
    coordinator = client_for("coordinator")
    form = _review_form(coordinator, text_derivative)
    form.update(add_text="nowhere in the testimony")
    response = coordinator.post(
        reverse("redaction:approve", args=[text_derivative.pk]), form, follow=True
    )
    assert "nothing was approved" in response.content.decode()
    text_derivative.refresh_from_db()
    assert text_derivative.status == "proposed"
    assert approved_text_for(testimony_incident, "summary") is None


@pytest.mark.django_db
def test_ticks_sent_for_an_older_version_are_refused(client_for, text_derivative, personas):
    coordinator = client_for("coordinator")
    stale_form = _review_form(coordinator, text_derivative)
    # Meanwhile the caseworker saves a different review: the indices no longer mean the same.
    client_for("caseworker").post(
        reverse("redaction:spans", args=[text_derivative.pk]), {"redact": ["1"]}
    )
    stale_form["redact"].remove("0")
    response = coordinator.post(
        reverse("redaction:approve", args=[text_derivative.pk]), stale_form, follow=True
    )
    assert "changed since you opened it" in response.content.decode()
    text_derivative.refresh_from_db()
    assert text_derivative.status == "proposed"
    del stale_form["version"]  # the ticks without saying which version they belong to
    coordinator.post(reverse("redaction:approve", args=[text_derivative.pk]), stale_form)
    text_derivative.refresh_from_db()
    assert text_derivative.status == "proposed"


@pytest.mark.django_db
def test_a_caseworker_cannot_change_the_ticks_through_approve(
    client_for, text_derivative, personas
):
    caseworker = client_for("caseworker")
    page = caseworker.get(reverse("redaction:review", args=[text_derivative.pk]))
    before = list(text_derivative.regions)
    response = caseworker.post(
        reverse("redaction:approve", args=[text_derivative.pk]),
        {"version": page.context["version"], "reviewed": "text", "redact": []},
    )
    assert response.status_code == 403
    text_derivative.refresh_from_db()
    assert text_derivative.regions == before and text_derivative.status == "proposed"


@pytest.mark.browser
@pytest.mark.skipif(
    not shutil.which(CHROMIUM),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)
@pytest.mark.django_db(transaction=True)
def test_a_coordinator_unticks_a_finding_and_approves_in_the_browser(
    live_server, make_user, browser_page, reference_data, settings
):
    from casebook.redaction.models import RedactedDerivative
    from tests.factories import IncidentFactory
    from tests.redaction.conftest import TESTIMONY

    coordinator = make_user("coordinator", username="cora")
    incident = IncidentFactory(summary=TESTIMONY, created_by=coordinator)
    derivative = derivative_propose(original=incident, field="summary", actor=coordinator)
    client = sign_in(Client(), coordinator)
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/redaction/{derivative.pk}/")
    first = page.locator("#redact-0")
    assert first.is_checked()
    notice = page.locator("[data-unsaved-ticks]")
    assert not notice.is_visible()
    first.uncheck()
    assert notice.is_visible()  # says the published preview is the last saved one
    assert "is-kept" in (page.locator("#region-0").get_attribute("class") or "")
    page.screenshot(path="/work/notes/shots/redaction-unticked.png", full_page=True)

    page.get_by_role("button", name="Approve for publication").click()
    page.wait_for_url(re.compile(r"/redaction/$"))
    assert page.get_by_text(re.compile("approved")).first.is_visible()
    derivative = RedactedDerivative.objects.get(pk=derivative.pk)
    assert derivative.status == "approved"
    assert derivative.text.startswith("My name is Daniel Okafor.")
    assert approved_text_for(incident, "summary") == derivative.text
    assert not problems, problems


@pytest.mark.django_db
def test_boxes_changed_but_not_saved_are_refused_at_approval(client_for, photo_evidence, personas):
    import json

    from casebook.redaction.approved import approved_image_for

    derivative = derivative_propose(original=photo_evidence, actor=personas["caseworker"])
    coordinator = client_for("coordinator")
    page = coordinator.get(reverse("redaction:review", args=[derivative.pk]))
    html = page.content.decode()
    assert re.search(
        r'<button[^>]*form="boxes-form"[^>]*formaction="'
        + re.escape(reverse("redaction:approve", args=[derivative.pk])),
        html,
    )
    url = reverse("redaction:approve", args=[derivative.pk])
    version = page.context["version"]
    # Without the script a reviewer edits the boxes as text; Approve without Save is refused.
    edited = coordinator.post(
        url, {"version": version, "boxes": json.dumps([[0, 0, 50, 50]])}, follow=True
    )
    assert "differ from the saved ones, so nothing was approved" in edited.content.decode()
    derivative.refresh_from_db()
    assert derivative.status == "proposed" and approved_image_for(photo_evidence) is None
    # The boxes as saved are approved.
    coordinator.post(url, {"version": version, "boxes": json.dumps(derivative.regions)})
    derivative.refresh_from_db()
    assert derivative.status == "approved"
