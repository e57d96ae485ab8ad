"""The box editor in a real browser (Debian's Chromium through Playwright): a caseworker
removes the detected box, draws a new one, moves it, and saves; the page obeys the CSP."""

from __future__ import annotations

import io
import re
import shutil

import pytest

from tests.conftest import CHROMIUM
from tests.redaction.conftest import jpeg_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM),
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_a_caseworker_edits_the_boxes_in_the_browser(
    live_server, make_user, browser_page, evidence_dir, astronaut
):
    from casebook.redaction.models import RedactedDerivative
    from casebook.redaction.services import derivative_propose
    from casebook.redaction.views import _version
    from casebook.sources.evidence.services import evidence_add
    from tests.factories import IncidentFactory

    casey = make_user("caseworker", username="casey")
    incident = IncidentFactory(created_by=casey)
    evidence = evidence_add(
        content=io.BytesIO(jpeg_bytes(astronaut)),
        filename="photo.jpg",
        actor=None,
        incident=incident,
    ).evidence
    derivative = derivative_propose(original=evidence, actor=None)
    assert len(derivative.regions) == 1

    page = browser_page
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/redaction/{derivative.pk}/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"/redaction/{derivative.pk}/$"))

    boxes = page.locator(".redaction-box")
    boxes.first.wait_for()
    assert boxes.count() == 1
    boxes.first.click()
    page.get_by_role("button", name="Remove the selected box").click()
    assert boxes.count() == 0

    picture = page.locator(".box-editor-image").bounding_box()
    scale = picture["width"] / 512
    # Draw a box over the rocket, then drag it 20 picture pixels to the right.
    page.mouse.move(picture["x"] + 390 * scale, picture["y"] + 20 * scale)
    page.mouse.down()
    page.mouse.move(picture["x"] + 470 * scale, picture["y"] + 260 * scale, steps=5)
    page.mouse.up()
    assert boxes.count() == 1
    centre = boxes.first.bounding_box()
    page.mouse.move(centre["x"] + centre["width"] / 2, centre["y"] + centre["height"] / 2)
    page.mouse.down()
    page.mouse.move(
        centre["x"] + centre["width"] / 2 + 20 * scale, centre["y"] + centre["height"] / 2, steps=5
    )
    page.mouse.up()
    assert page.locator("[data-approve-form]").count() == 0  # caseworkers do not approve

    page.get_by_role("button", name="Save the boxes and blur again").click()
    page.get_by_text(re.compile("Saved: 1 area blurred")).wait_for()

    derivative = RedactedDerivative.objects.get(pk=derivative.pk)
    ((x1, y1, x2, y2),) = derivative.regions
    assert abs(x1 - 410) <= 4 and abs(x2 - 490) <= 4
    assert abs(y1 - 20) <= 4 and abs(y2 - 260) <= 4
    # The preview shows the new rendering (its address carries the new version) once loaded.
    preview = page.locator("[data-redacted-preview]")
    assert preview.get_attribute("src").endswith(f"?v={_version(derivative)}")
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-redacted-preview]');"
        " return img.complete && img.naturalWidth === 512; }"
    )
    assert not problems, problems
