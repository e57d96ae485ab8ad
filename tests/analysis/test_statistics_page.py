"""The statistics page: every figure checked against a count made here, independently, from
the sample data (plain Python over every incident and act), and every figure's link checked
to lead to the list of exactly those incidents."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from casebook.cases.models import Act, Incident, Outcome
from tests.conftest import rows_shared

pytestmark = pytest.mark.django_db

SIZE = 400


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    """One sample for the module's tests, which only read it (see `rows_shared`)."""
    from casebook.sample.generator import sample_generate

    yield from rows_shared(django_db_blocker, lambda: sample_generate(size=SIZE, seed=7))


class Figures(HTMLParser):
    """Each table of the page (data-table) as rows of (header, [(text, href)…]), and the
    figures marked with data-figure."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[tuple[str, list[tuple[str, str | None]]]]] = {}
        self.marked: dict[str, tuple[str, str | None]] = {}
        self._table = None
        self._row = None
        self._cell = None
        self._href = None
        self._mark = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._table = attrs["data-table"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = ["", []]
        elif tag in ("th", "td") and self._row is not None:
            self._cell = {"tag": tag, "text": "", "href": None}
        elif tag == "a":
            self._href = attrs.get("href")
            if "data-figure" in attrs:
                self._mark = [attrs["data-figure"], "", attrs.get("href")]
        if tag == "p" and "data-figure" in attrs:
            self._mark = [attrs["data-figure"], "", None]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
            if self._href:
                self._cell["href"] = self._href
        if self._mark is not None:
            self._mark[1] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None
            if self._mark is not None and self._mark[2] is not None:
                self.marked[self._mark[0]] = (self._mark[1].strip(), self._mark[2])
                self._mark = None
        elif tag == "p" and self._mark is not None:
            self.marked[self._mark[0]] = (self._mark[1].strip(), None)
            self._mark = None
        elif tag in ("th", "td") and self._cell is not None:
            if self._cell["tag"] == "th" and not self._row[1]:
                self._row[0] = self._cell["text"].strip()
            else:
                self._row[1].append((self._cell["text"].strip(), self._cell["href"]))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row[1]:
                self.tables[self._table].append((self._row[0], self._row[1]))
            self._row = None
        elif tag == "table":
            self._table = None


def page(client, **params) -> Figures:
    response = client.get(reverse("analysis:statistics"), params)
    assert response.status_code == 200, response.content[:500]
    figures = Figures()
    figures.feed(response.content.decode())
    return figures


def number(text: str) -> int:
    return int(text.replace(",", ""))


def list_count(client, href: str) -> int:
    """How many incidents the incident list says its link finds."""
    response = client.get(href)
    assert response.status_code == 200
    text = response.content.decode()
    match = re.search(r'class="result-count">([\d,]+) incident', text)
    assert match, text[:300]
    return number(match[1])


# --- The independent count -------------------------------------------------------------------


def placed(date: dt.date, precision: str, unit: str) -> str | None:
    """The label of the period an incident belongs to, or None when its date is too coarse."""
    if unit == "week":
        if precision != "day":
            return None
        iso = date.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if unit in ("month", "quarter"):
        if precision == "year":
            return None
        return (
            f"{date.year}-{date.month:02d}"
            if unit == "month"
            else f"{date.year}-Q{(date.month - 1) // 3 + 1}"
        )
    return str(date.year)


def everything():
    incidents = {i.pk: i for i in Incident.objects.all()}
    acts = list(Act.objects.all())
    outcomes = defaultdict(set)
    for outcome in Outcome.objects.select_related("outcome_type"):
        outcomes[outcome.act_id].add(outcome.outcome_type.slug)
    return incidents, acts, outcomes


@pytest.mark.parametrize("unit", ["week", "month", "quarter", "year"])
def test_counts_per_period_match_an_independent_count(sample, client_for, unit):
    incidents, acts, _ = everything()
    expected_incidents: Counter = Counter()
    expected_acts: Counter = Counter()
    expected_people: Counter = Counter()
    coarse = 0
    for incident in incidents.values():
        label = placed(incident.date, incident.date_precision, unit)
        if label is None:
            coarse += 1
        else:
            expected_incidents[label] += 1
    for act in acts:
        incident = incidents[act.incident_id]
        label = placed(incident.date, incident.date_precision, unit)
        if label:
            expected_acts[label] += 1
            expected_people[label] += act.number_affected or 0

    client = client_for("analyst")
    figures = page(client, unit=unit)
    assert number(figures.marked["total-incidents"][0]) == len(incidents)
    assert number(figures.marked["total-acts"][0]) == len(acts)
    assert number(figures.marked["total-people"][0]) == sum(a.number_affected or 0 for a in acts)
    if coarse:
        assert figures.marked["coarse"][0].startswith(f"{coarse:,} incident")
    else:
        assert "coarse" not in figures.marked
    rows = {label: cells for label, cells in figures.tables["series"]}
    shown = {label: number(cells[0][0]) for label, cells in rows.items()}
    assert {k: v for k, v in shown.items() if v} == dict(expected_incidents)
    assert {
        label: number(cells[1][0]) for label, cells in rows.items() if number(cells[1][0])
    } == dict(expected_acts)
    assert {label: number(cells[2][0]) for label, cells in rows.items() if number(cells[2][0])} == {
        k: v for k, v in expected_people.items() if v
    }
    # A few links: each leads to the list of exactly the incidents counted.
    for label, cells in list(rows.items())[:3]:
        assert list_count(client, cells[0][1]) == shown[label]


def test_filters_are_the_incident_lists(sample, client_for):
    incidents, acts, _ = everything()
    arrest_incidents = {a.incident_id for a in acts if a.act_type.slug == "arrest"}
    client = client_for("caseworker")
    figures = page(client, act_type="arrest", unit="year")
    assert number(figures.marked["total-incidents"][0]) == len(arrest_incidents)
    assert number(figures.marked["total-acts"][0]) == sum(
        1 for a in acts if a.act_type.slug == "arrest"
    )
    assert list_count(client, figures.marked["total-incidents"][1]) == len(arrest_incidents)


def act_keys(act, by: str, outcomes) -> list[str]:
    """The breakdown values an act counts under, as the list's filter writes them."""
    incident = act.incident
    value = {
        "force": lambda: incident.force.slug if incident.force_id else None,
        "protest": lambda: str(incident.protest_id) if incident.protest_id else None,
        "country": lambda: incident.country,
        "act_type": lambda: act.act_type.slug,
        "provision": lambda: act.legal_provision.slug if act.legal_provision_id else None,
        "trigger": lambda: act.trigger_type.slug if act.trigger_type_id else None,
        "outcome": lambda: sorted(outcomes[act.pk]),
    }[by]()
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def expected_breakdown(by: str) -> dict[str, tuple[int, int, int]]:
    _incidents, _acts, outcomes = everything()
    incidents = defaultdict(set)
    acts = Counter()
    people = Counter()
    related = ("act_type", "legal_provision", "trigger_type", "incident__force")
    for act in Act.objects.select_related(*related):
        for key in act_keys(act, by, outcomes):
            incidents[key].add(act.incident_id)
            acts[key] += 1
            people[key] += act.number_affected or 0
    if by in ("force", "protest", "country"):  # incidents without acts count too
        for incident in Incident.objects.select_related("force"):
            key = {
                "force": incident.force.slug if incident.force_id else None,
                "protest": str(incident.protest_id) if incident.protest_id else None,
                "country": incident.country,
            }[by]
            if key is not None:
                incidents[key].add(incident.pk)
    return {key: (len(found), acts[key], people[key]) for key, found in incidents.items()}


@pytest.mark.parametrize(
    "by", ["force", "act_type", "provision", "trigger", "outcome", "protest", "country"]
)
def test_breakdowns_match_an_independent_count(sample, client_for, by):
    expected = expected_breakdown(by)
    client = client_for("coordinator")
    figures = page(client, by=by, unit="year")
    rows = figures.tables["breakdown"]
    shown = {}
    for label, cells in rows:
        if label == "Not recorded":
            # The list's `unrecorded` filter finds exactly the incidents counted.
            assert parse_qs(urlsplit(cells[0][1]).query)["unrecorded"] == [by]
            assert list_count(client, cells[0][1]) == number(cells[0][0])
            continue
        (key,) = parse_qs(urlsplit(cells[0][1]).query)[by]
        shown[key] = tuple(number(text) for text, _href in cells)
    from casebook.analysis.pages import BREAKDOWN_ROWS

    # The page lists the largest values (all of them for this sample size, bar protests).
    assert len(shown) == min(len(expected), BREAKDOWN_ROWS)
    assert shown == {key: expected[key] for key in shown}
    # The largest rows' links find exactly the incidents counted.
    for label, cells in rows[:3]:
        if label != "Not recorded":
            assert list_count(client, cells[0][1]) == number(cells[0][0])
    # The cross table's cells (per year) add up to the row and lead to their incidents.
    for _label, cells in figures.tables["cross"][:3]:
        *years, total = cells
        assert sum(number(text) for text, _ in years) <= number(total[0])
        text, href = next((t, h) for t, h in years if number(t))
        assert list_count(client, href) == number(text)
