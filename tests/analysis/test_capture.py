"""Capture histories from the casebook, and the undercount estimate from them (CLI and API)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json

import pytest
from django.core.management import call_command

from casebook.analysis.capture import capture_estimate, capture_patterns, force_group
from casebook.analysis.lists.models import CaptureList
from casebook.analysis.stats.mse import LcmcrSettings, capture_table_parse, mse_estimate
from casebook.cases.models import Incident, IncidentStatus
from casebook.cases.services import reference_block
from casebook.codebook.models import Organisation
from casebook.sources.models import Channel, IncidentSource
from tests.factories import IncidentFactory, IncidentSourceFactory, SourceFactory

pytestmark = pytest.mark.django_db

# The default lists, in order, and one channel of each.
LISTS = ("Our hotline", "Legal observers", "News monitor", "Police statements")
CHANNELS = ("hotline", "legal-observers", "news-monitor", "police-statements")

# A table drawn once from four lists recording 1,000 incidents independently with
# probabilities 0.3, 0.4, 0.5 and 0.35 (expected counts, rounded): independence fits it.
TABLE = {
    (0, 0, 0, 1): 74,
    (0, 0, 1, 0): 136,
    (0, 0, 1, 1): 74,
    (0, 1, 0, 0): 91,
    (0, 1, 0, 1): 49,
    (0, 1, 1, 0): 91,
    (0, 1, 1, 1): 49,
    (1, 0, 0, 0): 58,
    (1, 0, 0, 1): 32,
    (1, 0, 1, 0): 58,
    (1, 0, 1, 1): 32,
    (1, 1, 0, 0): 39,
    (1, 1, 0, 1): 21,
    (1, 1, 1, 0): 39,
    (1, 1, 1, 1): 21,
}


def _record(table, *, date=dt.date(2024, 5, 4), force="metropolitan-police-service"):
    """Incidents with exactly these capture histories, written in bulk."""
    channels = [Channel.objects.get(slug=slug) for slug in CHANNELS]
    sources = [SourceFactory(channel=channel) for channel in channels]
    total = sum(table.values())
    references = iter(reference_block(year=date.year, count=total))
    organisation = Organisation.objects.get(slug=force) if force else None
    incidents, patterns = [], []
    for pattern, count in table.items():
        for _ in range(count):
            incidents.append(
                Incident(
                    reference=next(references),
                    title="Synthetic incident",
                    date=date,
                    place="Testford",
                    force=organisation,
                    status=IncidentStatus.VERIFIED,
                )
            )
            patterns.append(pattern)
    Incident.objects.bulk_create(incidents, batch_size=500)
    if incidents[0].pk is None:  # backends that do not return keys from bulk inserts
        incidents = list(Incident.objects.filter(date=date, force=organisation).order_by("pk"))
    links = [
        IncidentSource(incident=incident, source=source)
        for incident, pattern in zip(incidents, patterns, strict=True)
        for source, on in zip(sources, pattern, strict=True)
        if on
    ]
    IncidentSource.objects.bulk_create(links, batch_size=1000)
    return incidents


def _mse(*args):
    out = io.StringIO()
    try:
        call_command("analysis", "mse", *args, stdout=out)
    except SystemExit as leaving:
        return leaving.code, out.getvalue()
    return 0, out.getvalue()


def test_a_new_casebook_has_the_four_default_lists_made_from_its_channels():
    lists = list(CaptureList.objects.prefetch_related("channels"))
    assert tuple(c.name for c in lists) == LISTS
    news = next(c for c in lists if c.name == "News monitor")
    assert {c.slug for c in news.channels.all()} == {"news-monitor", "social-media"}
    on_a_list = {c.slug for c in Channel.objects.filter(list_membership__isnull=False)}
    assert "other" not in on_a_list and "court-lists" not in on_a_list


def test_capture_patterns_count_each_incident_once_by_the_lists_that_found_it():
    _record(TABLE)
    patterns = capture_patterns()
    assert patterns.lists == LISTS
    assert dict(patterns.rows()) == TABLE
    assert patterns.incidents == patterns.n_observed == sum(TABLE.values())
    assert patterns.outside_lists == 0


def test_sources_found_by_searching_and_channels_on_no_list_are_not_captures():
    searched = IncidentSourceFactory(
        source=SourceFactory(channel=Channel.objects.get(slug="legal-observers")),
        found_independently=False,
    )
    IncidentSourceFactory(
        incident=searched.incident,
        source=SourceFactory(channel=Channel.objects.get(slug="hotline")),
    )
    other = IncidentSourceFactory(source=SourceFactory(channel=Channel.objects.get(slug="other")))
    IncidentSourceFactory(incident=other.incident, found_independently=False)
    IncidentSourceFactory(incident=IncidentFactory(status=IncidentStatus.REJECTED))
    patterns = capture_patterns()
    assert dict(patterns.rows()) == {(1, 0, 0, 0): 1}
    assert patterns.incidents == 2 and patterns.outside_lists == 1  # the rejected one: neither


def test_two_sources_from_one_list_are_one_capture():
    link = IncidentSourceFactory()  # news monitor
    IncidentSourceFactory(
        incident=link.incident,
        source=SourceFactory(channel=Channel.objects.get(slug="social-media")),
    )
    assert dict(capture_patterns().rows()) == {(0, 0, 1, 0): 1}


def test_the_casebook_estimate_equals_the_estimate_from_its_pattern_table(tmp_path):
    _record(TABLE)
    report = capture_estimate()
    from_table = mse_estimate(capture_table_parse(capture_patterns().csv()))
    assert report.overall.estimate is not None
    assert report.overall.estimate.estimate == pytest.approx(from_table.estimate, rel=1e-9)
    assert report.overall.estimate.lower < 1000 < report.overall.estimate.upper
    code, out = _mse("--json")
    assert code == 0
    payload = json.loads(out)
    assert {"method", "n_observed", "estimate", "lower", "upper", "model", "models"} <= set(payload)
    assert payload["n_observed"] == sum(TABLE.values())
    assert payload["estimate"] == pytest.approx(from_table.estimate, rel=1e-9)
    assert payload["lists"] == list(LISTS)
    assert payload["caveats"]


def test_the_casebook_estimate_reads_as_a_sentence_without_json():
    _record(TABLE)
    code, out = _mse()
    assert code == 0
    assert "Casebook: 864 incidents, 864 of them on 4 lists (1=Our hotline" in out
    assert "Estimated total:" in out and "95% interval" in out


def test_fewer_than_three_lists_with_records_is_refused_with_the_reason():
    _record({(1, 0, 0, 0): 30, (0, 1, 0, 0): 30, (1, 1, 0, 0): 30})
    report = capture_estimate()
    assert report.overall.estimate is None
    assert "Only 2 lists recorded anything" in report.overall.refused
    code, out = _mse("--json")
    assert code == 3
    assert "at least 3" in json.loads(out)["refused"]


def test_a_casebook_with_fewer_than_three_lists_set_up_is_refused():
    _record(TABLE)
    CaptureList.objects.filter(name__in=LISTS[2:]).delete()
    code, out = _mse("--json")
    assert code == 3
    assert "Lists page" in json.loads(out)["refused"]


def test_sparse_overlaps_are_refused():
    _record({(1, 0, 0, 0): 40, (0, 1, 0, 0): 40, (0, 0, 1, 0): 40, (1, 1, 0, 0): 3})
    code, out = _mse("--json")
    assert code == 3
    reason = json.loads(out)["refused"]
    assert "shares no record" in reason or "too sparse" in reason


def test_estimates_by_year_give_each_year_its_interval_and_refuse_a_thin_year():
    _record(TABLE, date=dt.date(2023, 6, 1))
    _record(TABLE, date=dt.date(2024, 6, 1))
    _record({(1, 0, 0, 0): 5, (0, 1, 0, 0): 4}, date=dt.date(2025, 6, 1))
    code, out = _mse("--by", "period", "--json")
    assert code == 0
    payload = json.loads(out)
    strata = {s["stratum"]: s for s in payload["strata"]}
    assert list(strata) == ["2023", "2024", "2025"]
    for year in ("2023", "2024"):
        assert strata[year]["n_observed"] == sum(TABLE.values())
        assert strata[year]["lower"] < strata[year]["estimate"] < strata[year]["upper"]
    assert "refused" in strata["2025"] and "estimate" not in strata["2025"]
    assert payload["overall"]["n_observed"] == 2 * sum(TABLE.values()) + 9
    assert any("need not add up" in c for c in payload["caveats"])


def test_quarters_leave_out_incidents_known_only_to_the_year_and_say_so():
    _record(TABLE, date=dt.date(2024, 2, 1))
    dated_to_year = IncidentSourceFactory(
        incident=IncidentFactory(date=dt.date(2024, 1, 1), date_precision="year")
    )
    report = capture_estimate(by="period", period="quarter")
    assert [s.key for s in report.strata] == ["2024-Q1"]
    assert report.strata[0].patterns.incidents == sum(TABLE.values())
    assert report.overall.patterns.incidents == sum(TABLE.values()) + 1
    assert any("1 incident(s) known only to the year" in c for c in report.caveats)
    assert dated_to_year.incident.date_precision == "year"


def test_estimates_by_force_group_group_forces_as_documented():
    _record(TABLE, force="metropolitan-police-service")
    _record(TABLE, force="police-scotland")
    code, out = _mse("--by", "force-group")
    assert code == 0
    assert "Metropolitan" in out and "Scotland" in out  # the table may wrap at 80 columns
    report = capture_estimate(by="force-group")
    assert [s.key for s in report.strata] == ["met", "scotland"]
    assert all(s.estimate is not None for s in report.strata)


@pytest.mark.parametrize(
    ("slug", "group"),
    [
        ("metropolitan-police-service", "met"),
        ("city-of-london-police", "england-wales"),
        ("south-wales-police", "england-wales"),
        ("police-scotland", "scotland"),
        ("police-service-of-northern-ireland", "northern-ireland"),
        ("british-transport-police", "national"),
        ("new-york-city-police-department", "outside-uk"),
    ],
)
def test_every_force_falls_in_its_group(slug, group):
    force = Organisation.objects.get(slug=slug)
    assert force_group(slug=force.slug, nation=force.nation, country=force.country) == group


def test_every_codebook_force_has_a_group_label():
    from casebook.analysis.capture import FORCE_GROUPS

    groups = {
        force_group(slug=o.slug, nation=o.nation, country=o.country)
        for o in Organisation.objects.all()
    }
    assert groups <= set(FORCE_GROUPS)


def test_by_needs_the_casebook_not_a_file(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("a,b,c,count\n1,0,0,3\n")
    with pytest.raises(Exception, match="leave out the pattern file"):
        call_command("analysis", "mse", str(path), "--by", "period", stdout=io.StringIO())


def test_lcmcr_from_the_casebook_gives_a_posterior_interval():
    _record(TABLE)
    # A shorter chain than LCMCR's default: this checks the path, the references check LCMCR.
    settings = LcmcrSettings(burn_in=2_000, thinning=10, samples=500)
    report = capture_estimate(method="lcmcr", seed=3, lcmcr_settings=settings)
    estimate = report.overall.estimate
    assert estimate is not None and estimate.method == "lcmcr"
    assert estimate.lower < 1000 < estimate.upper


def test_patterns_csv_is_the_layout_the_file_command_reads():
    _record({p: 2 for p in itertools.islice(TABLE, 3)})
    table = capture_table_parse(capture_patterns().csv())
    assert table.lists == LISTS and table.n_observed == 6
