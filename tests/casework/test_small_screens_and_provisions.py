"""The incident list on a phone (390 px wide) and choosing a legal provision by typing: a
text box with the codebook's 115 provisions as suggestions, read by the server as typed."""

from __future__ import annotations

import re
import shutil

import pytest
from django.urls import reverse

from casebook.cases.models import Act
from casebook.codebook.models import LegalProvision
from tests.casework.test_editing import ARREST, CREATE, INCIDENT, editor_data
from tests.conftest import CHROMIUM
from tests.factories import ActFactory, IncidentFactory

browser = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM),
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
]


def recorded_provision(client, typed: str):
    response = client.post(
        CREATE, editor_data(INCIDENT, acts=[dict(ARREST, legal_provision=typed)])
    )
    return response, Act.objects.select_related("legal_provision").first()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "Public Order Act 1986 s14",  # the citation, as a suggestion fills it in
        "public order act 1986   S14",  # case and spacing do not matter
        "poa-1986-s14",  # the slug, as imports and older links give it
        "POA 1986 s.14",  # the short citation
        "s.14 POA",  # an alias
        "Public Order Act 1986 s14 — Imposing conditions on public assemblies",
        "imposing conditions on public assemblies",  # its title, which no other has
    ],
)
def test_a_provision_is_found_by_what_people_type(client_for, typed):
    response, act = recorded_provision(client_for("caseworker"), typed)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert act.legal_provision.slug == "poa-1986-s14"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["Wombat Act 2099 s1", "Advance notice of public processions"]
)  # unknown; a title two provisions share (England and Wales, Northern Ireland)
def test_an_unknown_or_ambiguous_provision_is_refused_with_a_message_and_kept(client_for, typed):
    response, act = recorded_provision(client_for("caseworker"), typed)
    assert response.status_code == 200 and act is None
    html = response.content.decode()
    assert f"“{typed}” is not a legal provision in the codebook" in html
    assert f'value="{typed}"' in html


@pytest.mark.django_db
def test_the_editor_offers_every_provision_as_a_suggestion(client_for, personas):
    incident = IncidentFactory(created_by=personas["caseworker"])
    ActFactory(incident=incident)  # Public Order Act 1986 s5
    html = (
        client_for("caseworker")
        .get(reverse("casework:incident-edit", args=[incident.reference]))
        .content.decode()
    )
    field = re.search(r'<input[^>]*name="acts-0-legal_provision"[^>]*>', html).group(0)
    assert (
        'value="Public Order Act 1986 s5"' in field and 'list="id_acts-0-legal_provision' in field
    )
    datalist = re.search(r'<datalist id="id_acts-0-legal_provision-options">(.*?)</datalist>', html)
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', datalist.group(1))
    assert len(options) == LegalProvision.objects.count() >= 100
    hints = dict(options)
    assert "Imposing conditions on public assemblies" in hints["Public Order Act 1986 s14"]
    assert "s.14 POA" in hints["Public Order Act 1986 s14"]


@pytest.mark.django_db
def test_the_list_filter_takes_a_typed_provision_and_a_slug(client_for, reference_data):
    s5 = IncidentFactory(title="Invented s5 incident")
    ActFactory(incident=s5)
    other = IncidentFactory(title="Invented s14 incident")
    ActFactory(incident=other, legal_provision=LegalProvision.objects.get(slug="poa-1986-s14"))
    client = client_for("analyst")
    for value in ("s.14 POA", "poa-1986-s14"):
        page = client.get(reverse("casework:incident-list"), {"provision": value})
        assert [i.reference for i, _a, _s in page.context["rows"]] == [other.reference]
    assert 'value="Public Order Act 1986 s14"' in page.content.decode()


def sign_in_casey(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))


@browser[0]
@browser[1]
@pytest.mark.django_db(transaction=True)
def test_the_incident_list_reads_as_cards_on_a_phone(live_server, make_user, browser_page):
    casey = make_user("caseworker", username="casey")
    for n in range(3):
        incident = IncidentFactory(
            created_by=casey,
            title=f"Invented arrests at the long-named synthetic vigil number {n}",
            place="Testford Market Square",
        )
        ActFactory(incident=incident)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_casey(page, live_server, "/incidents/")
    rows = page.locator("table.incidents tbody tr")
    assert rows.count() == 3
    page.screenshot(path="/work/notes/shots/incident-list-390.png", full_page=True)
    # Nothing sticks out sideways, and a title gets the width of the screen, not of a word.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    title = rows.first.locator("td.title").bounding_box()
    assert title["width"] > 250
    assert title["height"] < 80  # two lines or so, not one word a line
    # Each fact says what it is (the column headings are out of sight).
    labels = rows.first.evaluate(
        "row => [...row.querySelectorAll('td[data-label]')]"
        ".map(td => getComputedStyle(td, '::before').content)"
    )
    assert labels == ['"Force: "', '"Place: "', '"Acts: "', '"Sources: "']
    # Reference, date and status share the first line.
    tops = [
        rows.first.locator(f"td.{name}").bounding_box()["y"] for name in ("ref", "date", "state")
    ]
    assert max(tops) - min(tops) < 10
    # On a wide screen the same list is a table with its column headings.
    page.set_viewport_size({"width": 1400, "height": 900})
    assert page.get_by_role("columnheader", name="Force").is_visible()


@browser[0]
@browser[1]
@pytest.mark.django_db(transaction=True)
def test_a_provision_is_chosen_by_typing_in_the_browser(live_server, make_user, browser_page):
    make_user("caseworker", username="casey")
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    sign_in_casey(page, live_server, "/incidents/new/")
    provision = page.get_by_label("Legal provision").first
    assert provision.get_attribute("list") == "id_acts-0-legal_provision-options"
    suggestions = page.locator("#id_acts-0-legal_provision-options option")
    assert suggestions.count() == LegalProvision.objects.count()
    page.locator("[name=title]").fill("Invented arrests under a typed provision")
    page.locator("[name=date]").fill("2024-05-04")
    page.locator("[name=force]").select_option(label="Metropolitan Police Service")
    page.locator("[name=acts-0-act_type]").select_option(value="arrest")
    page.locator("[name=acts-0-number_affected]").fill("2")
    provision.click()
    provision.press_sequentially("s.14 POA")
    page.screenshot(path="/work/notes/shots/provision-typeahead.png")
    # A second act added by the script gets its own suggestions too.
    page.get_by_role("button", name="Add another act").click()
    assert page.locator("#id_acts-1-legal_provision-options option").count() == suggestions.count()
    page.get_by_role("button", name="Record incident").click()
    page.wait_for_url(re.compile(r"/incidents/CB-2024-\d{6}/$"))
    assert "Public Order Act 1986 s14" in page.content()
    act = Act.objects.select_related("legal_provision").get()
    assert act.legal_provision.slug == "poa-1986-s14"
    assert not problems, problems
