"""Synthetic reports with a known truth: several per event, with the noise real reports carry."""

from __future__ import annotations

from collections import Counter

import pytest

from casebook.sample.reports import reports_as_records, reports_generate, truth_rows

SIZE = 1500


@pytest.fixture(scope="module")
def reports():
    return reports_generate(size=SIZE, seed=7)


def test_the_same_seed_gives_the_same_reports(reports):
    again = reports_generate(size=SIZE, seed=7)
    assert [(r.report_id, r.event_id, r.title, r.place) for r in again] == [
        (r.report_id, r.event_id, r.title, r.place) for r in reports
    ]


def test_most_events_have_several_reports_and_some_only_one(reports):
    per_event = Counter(r.event_id for r in reports)
    assert len(reports) == SIZE
    sizes = Counter(per_event.values())
    assert sizes[1] > 0
    assert sum(count for size, count in sizes.items() if size >= 3) > 0


def test_reports_of_one_event_come_through_different_channels(reports):
    channels = Counter(r.channel for r in reports)
    assert len(channels) >= 6


def test_forces_are_written_as_aliases_and_resolved_for_linkage(reports):
    records = {r.record_id: r for r in reports_as_records(reports)}
    aliased = [
        r
        for r in reports
        if r.force_written
        and r.force_written != ""
        and records[r.report_id].force
        and "police" not in r.force_written.lower()
    ]
    assert aliased, "some reports name the force by an alias"
    assert all(records[r.report_id].force for r in reports if r.force_written)


def test_the_noise_is_there(reports):
    by_event: dict[str, list] = {}
    for report in reports:
        by_event.setdefault(report.event_id, []).append(report)
    groups = [group for group in by_event.values() if len(group) > 1]
    assert any(len({r.date for r in group}) > 1 for group in groups), "dates a day off"
    assert any(r.date_precision == "month" for r in reports), "dates known to the month"
    assert any(len({r.place for r in group}) > 1 for group in groups), "places written apart"
    counts = [{a.number for r in group for a in r.acts[:1]} - {None} for group in groups]
    assert any(len(numbers) > 1 for numbers in counts), "counts that disagree"
    assert any(len({r.title for r in group}) == len(group) for group in groups), "reworded"


def test_copies_of_a_photo_keep_their_perceptual_hash_when_the_file_changes(reports):
    by_event: dict[str, set] = {}
    for report in reports:
        for photo in report.photos:
            by_event.setdefault(report.event_id, set()).add(photo)
    changed = [photos for photos in by_event.values() if len({p.sha256 for p in photos}) > 1]
    assert changed, "some copies were re-encoded or resized"
    # A re-encoded or resized copy is another file whose perceptual hash is (almost) the
    # same; photos of different scenes are far apart.
    distances = [
        bin(int(a.phash, 16) ^ int(b.phash, 16)).count("1")
        for photos in changed
        for a in photos
        for b in photos
        if a.sha256 < b.sha256
    ]
    assert any(distance <= 2 for distance in distances)
    assert all(distance <= 4 or distance >= 12 for distance in distances)


def test_the_truth_names_each_report_once(reports):
    rows = truth_rows(reports)
    assert len(rows) == len({report for report, _ in rows}) == SIZE


def test_some_reports_give_the_time_of_day_and_incidents_of_one_protest_differ_in_it(reports):
    timed = [r for r in reports if r.time is not None]
    assert 0.2 < len(timed) / len(reports) < 0.8
    assert not any(r.time for r in reports if r.channel == "court-lists")
    by_protest: dict[str, set] = {}
    for report in timed:
        if report.event_protest:
            by_protest.setdefault(report.event_protest, set()).add(report.event_id)
    assert any(len(events) > 1 for events in by_protest.values())


def test_a_charge_after_an_arrest_is_for_what_the_arrest_was_for():
    # A court list that reports only the charge quotes what the arrest was over.
    reports = reports_generate(size=6000, seed=5, photos=False)
    by_event: dict[str, list] = {}
    for report in reports:
        by_event.setdefault(report.event_id, []).append(report)
    compared = 0
    for group in by_event.values():
        exact = [r for r in group if r.trigger_wording and "wording changed" not in r.noise]
        charges = [
            r for r in exact if r.acts[0].act_type == "charge" and "main act left out" in r.noise
        ]
        arrests = [r for r in exact if r.acts[0].act_type == "arrest"]
        for charge in charges:
            for arrest in arrests:
                assert charge.trigger_wording == arrest.trigger_wording
                compared += 1
    assert compared


def test_a_seizure_or_force_after_another_act_is_mostly_over_the_same_thing():
    # A report that tells only of the seizure still quotes what the arrests were over.
    reports = reports_generate(size=6000, seed=5, photos=False)
    by_event: dict[str, list] = {}
    for report in reports:
        by_event.setdefault(report.event_id, []).append(report)
    same = compared = 0
    for group in by_event.values():
        exact = [r for r in group if r.trigger_wording and "wording changed" not in r.noise]
        follow_ups = [
            r
            for r in exact
            if r.acts[0].act_type in ("seizure", "force") and "main act left out" in r.noise
        ]
        mains = [r for r in exact if "main act left out" not in r.noise]
        for follow_up in follow_ups:
            for main in mains:
                same += follow_up.trigger_wording == main.trigger_wording
                compared += 1
    assert compared
    assert same / compared > 0.5
