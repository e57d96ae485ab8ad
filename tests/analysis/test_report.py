"""The statistics report (`casebook report`, the page's download): a PDF that opens, the data
version on every page, the same version for the same data and another after a change, small
counts as "<5", nobody's name in a restricted reader's report, and never LCMCR in a request."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from casebook.analysis.reports.version import data_version_of
from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident
from tests.factories import ActFactory, IncidentFactory, InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db

NAME = "Reportcanary Zqxwvy"


def pages_of(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() or "" for page in reader.pages]


ROW = re.compile(r'<tr(?: class="total")?><th>(\d{4})</th>((?:<td class="num">[^<]*</td>){3})</tr>')
FOOTER = re.compile(r"Data version ([0-9a-f]{16}) · codebook uk")


def version_in(pages: list[str]) -> str:
    """The data version printed in the first page's footer."""
    found = FOOTER.search(pages[0])
    assert found, pages[0]
    return found[1]


@pytest.fixture
def casebook(reference_data):
    """Two years of arrests: 12 incidents in 2023, 3 in 2024 (a small count)."""
    for day in range(12):
        ActFactory(incident=IncidentFactory(date=dt.date(2023, 3, day + 1)), number_affected=2)
    for day in range(3):
        ActFactory(incident=IncidentFactory(date=dt.date(2024, 3, day + 1)), number_affected=1)


def report(tmp_path, *args: str, name: str = "report.pdf") -> bytes:
    out = tmp_path / name
    call_command("report", "-o", str(out), *args, stderr=io.StringIO())
    return out.read_bytes()


def test_the_command_writes_a_pdf_with_the_data_version_on_every_page(casebook, tmp_path):
    pdf = report(tmp_path, "--unit", "year")
    assert pdf.startswith(b"%PDF-")
    pages = pages_of(pdf)
    assert len(pages) >= 3
    version = version_in(pages)
    assert len(version) == 16
    for number, text in enumerate(pages, start=1):
        assert FOOTER.search(text) and FOOTER.search(text)[1] == version, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text
    whole = "\n".join(pages)
    for heading in (
        "Summary",
        "Counts per year",
        "Is it growing?",
        "Breakdowns",
        "What became of the people arrested",
        "How many went unrecorded?",
        "Methods and caveats",
    ):
        assert heading in whole
    # The first page gives the whole hash and the codebook's version.
    full = data_version_of(Incident.objects.all())
    assert full.digest in pages[0].replace("\n", "")
    assert full.short == version
    assert "codebook uk" in pages[0]


def test_small_counts_are_shown_as_under_the_threshold(casebook, tmp_path, settings):
    settings.SMALL_CELL_THRESHOLD = 5
    html = report(tmp_path, "--unit", "year", "--html", name="r.html").decode()
    rows = dict(ROW.findall(html))
    # 2024 has 3 incidents, 3 acts and 3 people: each hidden; so 2023 is hidden too (the sum
    # of 15 is printed, and 15 − 2024 would give 2024 away).
    assert rows["2024"] == '<td class="num">&lt;5</td>' * 3
    assert rows["2023"].count("[c]") == 3
    assert '<th>All</th><td class="num">15</td>' in html
    # The PDF shows the same, and never the hidden figure.
    text = "\n".join(pages_of(report(tmp_path, "--unit", "year")))
    assert "<5 <5 <5" in text
    assert "[c] [c] [c]" in text


def test_two_reports_of_the_same_data_share_a_version_and_a_change_alters_it(casebook, tmp_path):
    first = version_in(pages_of(report(tmp_path, "--unit", "year", name="a.pdf")))
    second = version_in(pages_of(report(tmp_path, "--unit", "year", name="b.pdf")))
    assert first == second
    incident = Incident.objects.order_by("pk").first()
    incident.title = "A retitled synthetic incident"  # no figure reads the title
    incident.save()
    assert data_version_of(Incident.objects.all()).short == first
    incident.date = dt.date(2022, 7, 1)
    incident.save()
    third = version_in(pages_of(report(tmp_path, "--unit", "year", name="c.pdf")))
    assert third != first


def test_filters_narrow_the_report_and_a_wrong_one_is_named(casebook, tmp_path):
    html = report(tmp_path, "--html", "--from", "2024-01-01", name="r.html").decode()
    assert "From date: 2024-01-01" in html
    assert "Data version" in html
    with pytest.raises(Exception, match="force"):
        report(tmp_path, "--force", "Metropolis PD")


def test_the_page_offers_the_report_and_an_analyst_downloads_it(casebook, client_for):
    client = client_for("analyst")
    page = client.get(reverse("analysis:statistics"), {"unit": "year"}).content.decode()
    assert reverse("analysis:report") + "?unit=year" in page
    response = client.get(reverse("analysis:report"), {"unit": "year", "act_type": "arrest"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="casebook-report-')
    pages = pages_of(response.content)
    assert "Act: Arrest" in pages[0]
    entry = AuditEntry.objects.filter(action="analysis.report.made").get()
    assert entry.actor_name == "analyst"
    assert entry.changes["format"] == "pdf"
    assert entry.changes["data_version"].startswith(version_in(pages))


def test_a_request_never_runs_the_latent_class_sampler(casebook, client_for, monkeypatch):
    import casebook.analysis.stats.mse as mse

    def refuse(*args, **kwargs):
        raise AssertionError("LCMCR ran in a request")

    monkeypatch.setattr(mse, "lcmcr_posterior", refuse)
    response = client_for("coordinator").get(reverse("analysis:report"))
    assert response.status_code == 200
    assert AuditEntry.objects.get(action="analysis.report.made").changes["method"] == "dga"


def test_a_restricted_readers_report_names_nobody(reference_data, client_for, tmp_path):
    act = ActFactory(incident=IncidentFactory(title=f"Arrest of {NAME}", summary=NAME))
    InvolvementFactory(act=act, person=PersonFactory(full_name=NAME))
    for who in ("analyst", "caseworker", "coordinator"):
        pdf = client_for(who).get(reverse("analysis:report"), {"by": "protest"}).content
        assert "zqxwvy" not in "\n".join(pages_of(pdf)).lower(), who
    searched = client_for("analyst").get(reverse("analysis:report"), {"q": "Zqxwvy"}).content
    text = "\n".join(pages_of(searched)).lower()
    assert "zqxwvy" not in text
    assert "its words are not printed" in text


def test_shares_of_a_hidden_number_of_arrests_are_hidden(reference_data, tmp_path):
    ActFactory(incident=IncidentFactory(date=dt.date(2024, 3, 1)), number_affected=1)
    ActFactory(incident=IncidentFactory(date=dt.date(2024, 3, 2)), number_affected=1)
    html = report(tmp_path, "--html", name="few.html").decode()
    funnel = html[html.index("What became of the people arrested") :]
    funnel = funnel[: funnel.index("Time from arrest to outcome")]
    assert "Of &lt;5 arrest records" in funnel
    assert "%" not in funnel.split("<tbody>")[1]  # no share, no interval (0 of n would tell n)
