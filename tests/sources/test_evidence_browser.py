"""The evidence page after an upload: in a real browser (Debian's Chromium through Playwright)
the list of files shows the new files at once, without another click; and a picture without
camera details names no device."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import CHROMIUM
from tests.sources.conftest import image_bytes


@pytest.mark.browser
@pytest.mark.skipif(
    not shutil.which(CHROMIUM),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)
@pytest.mark.django_db(transaction=True)
def test_after_an_upload_the_list_shows_the_new_file(
    live_server, make_user, browser_page, evidence_dir, tmp_path
):
    from tests.factories import IncidentFactory

    casey = make_user("caseworker", username="casey")
    incident = IncidentFactory(created_by=casey)
    photo = tmp_path / "invented-banner.png"
    photo.write_bytes(image_bytes("PNG"))
    notes = tmp_path / "invented-notes.txt"
    notes.write_text("Invented notes about an invented banner.\n")

    page = browser_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/incidents/{incident.reference}/evidence/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/evidence/$"))
    files_heading = page.locator("#files-heading")
    assert re.search(r"Files\s*\(0\)", files_heading.inner_text())
    assert page.get_by_text("No evidence files yet.").is_visible()

    page.locator("#evidence-files").set_input_files([str(photo), str(notes)])
    page.get_by_role("button", name="Upload").click()
    page.get_by_text(re.compile(r"^Stored\.")).first.wait_for()
    # The list is read again once both files are in: no reload, no extra click.
    page.wait_for_function(
        "() => /Files\\s*\\(2\\)/.test(document.querySelector('#files-heading').textContent)"
    )
    assert page.locator(".evidence-item").count() == 2
    assert not page.get_by_text("No evidence files yet.").is_visible()
    assert page.locator(".upload-reload").count() == 0
    page.locator(".evidence-picture img").first.wait_for()
    page.screenshot(path="/work/notes/shots/evidence-after-upload.png", full_page=True)
    assert not problems, problems


@pytest.mark.django_db
def test_a_picture_without_a_camera_make_names_no_device(client_for, personas, evidence_dir):
    import io

    from casebook.sources.models import EvidenceFile
    from tests.factories import IncidentFactory

    incident = IncidentFactory(created_by=personas["caseworker"])
    upload = io.BytesIO(image_bytes("PNG"))
    upload.name = "invented.png"
    client = client_for("caseworker")
    url = f"/incidents/{incident.reference}/evidence/"
    client.post(url, {"files": [upload]})
    evidence = EvidenceFile.objects.get()
    assert (evidence.device_make, evidence.device_model) == ("", "")
    assert "None None" not in client.get(url).content.decode()
