"""The sample generator writes a plausible, deterministic casebook that the app can use."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from casebook.cases.models import Act, Incident, Outcome, Protest, SearchDocument
from casebook.cases.search import filter_by_text
from casebook.people.models import Person
from casebook.sample import coding, words
from casebook.sample.generator import missing_codebook_entries, sample_generate
from casebook.sources.models import Source

pytestmark = pytest.mark.django_db

SIZE = 30


@pytest.fixture(autouse=True)
def _codebook(reference_data):
    pass


@pytest.fixture
def sample():
    report = sample_generate(size=SIZE, seed=3)
    return report, Incident.objects.order_by("pk")


def content(incidents) -> list[tuple]:
    """What a reader sees of each incident, without the database's own numbering."""
    rows = []
    for incident in incidents.prefetch_related("acts__outcomes", "source_links__source", "tags"):
        rows.append(
            (
                incident.title,
                incident.summary,
                incident.date,
                incident.date_precision,
                incident.status,
                incident.place,
                incident.force_id,
                incident.protest.name if incident.protest else None,
                [
                    (
                        a.act_type_id,
                        a.number_affected,
                        a.legal_provision_id,
                        a.trigger_wording,
                        [(o.outcome_type_id, o.date) for o in a.outcomes.all()],
                    )
                    for a in incident.acts.all()
                ],
                [(link.source.title, link.source.text) for link in incident.source_links.all()],
                sorted(t.name for t in incident.tags.all()),
            )
        )
    return rows


def test_same_seed_and_size_give_the_same_content(sample):
    _, first = sample
    first_ids = list(first.values_list("pk", flat=True))
    sample_generate(size=SIZE, seed=3)
    second = Incident.objects.exclude(pk__in=first_ids).order_by("pk")
    assert content(Incident.objects.filter(pk__in=first_ids).order_by("pk")) == content(second)


def test_another_seed_gives_other_content(sample):
    _, first = sample
    titles = list(first.values_list("title", "date"))
    sample_generate(size=SIZE, seed=4)
    others = list(Incident.objects.order_by("pk").values_list("title", "date")[SIZE:])
    assert titles != others


def test_size_is_honoured_and_counted(sample):
    report, incidents = sample
    assert incidents.count() == SIZE == report.incidents
    assert SearchDocument.objects.count() == SIZE == report.search_documents
    assert Protest.objects.count() == report.protests == SIZE // 5
    assert Act.objects.count() == report.acts
    assert Source.objects.count() == report.sources
    assert Person.objects.count() == report.people


def test_every_incident_has_an_act_and_a_source(sample):
    _, incidents = sample
    assert not incidents.filter(acts__isnull=True).exists()
    assert not incidents.filter(source_links__isnull=True).exists()


def test_outcomes_are_never_dated_before_their_incident(sample):
    outcomes = Outcome.objects.select_related("act__incident")
    assert outcomes.exists()
    for outcome in outcomes:
        assert outcome.date >= outcome.act.incident.date


def test_every_force_and_provision_comes_from_the_codebook(sample):
    assert missing_codebook_entries() == {}
    forces = {place.name: place.force for place in words.PLACES}
    for incident in Incident.objects.select_related("force"):
        assert incident.force.slug == forces[incident.place]


def test_provisions_fit_the_trigger_of_offence_acts(sample):
    acts = Act.objects.filter(act_type__slug__in=coding.OFFENCE_ACTS, legal_provision__isnull=False)
    for act in acts.select_related("legal_provision", "trigger_type", "incident"):
        table = coding.OFFENCE_PROVISIONS[act.trigger_type.slug]
        allowed = set(table) | set(coding.PLACE_PROVISIONS.get(act.incident.place, {}))
        for equivalents in coding.NATION_EQUIVALENTS.values():
            allowed |= {equivalents[slug] for slug in table if slug in equivalents}
        assert act.legal_provision.slug in allowed, (act.trigger_type.slug, act.legal_provision)


def test_generated_rows_pass_model_validation(sample):
    for model in (Incident, Act, Source, Person):
        for obj in model.objects.all():
            obj.full_clean(validate_unique=False)


def test_people_are_invented_and_pseudonymous(sample):
    people = Person.objects.all()
    assert people.exists()
    for person in people:
        assert person.reference == f"P-{person.pk:06d}"
        assert (
            person.contact == ""
            or person.contact.endswith("@example.test")
            or re.fullmatch(r"07700 900\d{3}", person.contact)
        )
        if person.consent_record:
            assert person.full_name.split()[-1].endswith(words.SURNAME_TAILS)
        else:  # no consent to keep their details: recorded without them
            assert (person.full_name, person.contact, person.address) == ("", "", "")


def test_personal_details_are_sealed_in_the_database(sample):
    person = Person.objects.exclude(full_name="").first()
    stored = Person.objects.filter(pk=person.pk).values_list("full_name", flat=True).get()
    assert person.full_name and person.full_name not in stored


def test_full_text_search_finds_an_incident_by_its_trigger_wording(sample):
    act = Act.objects.filter(act_type__slug="arrest").exclude(trigger_wording="").first()
    word = max(re.findall(r"[A-Za-z]+", act.trigger_wording), key=len)
    found = filter_by_text(Incident.objects.all(), word)
    assert act.incident in found


def test_incidents_are_assigned_to_existing_caseworkers(personas):
    sample_generate(size=SIZE, seed=3)
    caseworker = personas["caseworker"]
    assert Incident.objects.worked_on_by(caseworker).exists()


def test_load_sample_prints_the_counts():
    out = io.StringIO()
    call_command("load_sample", "--size", "12", "--seed", "5", stdout=out)
    assert Incident.objects.count() == 12
    assert "Added 12 sample incidents" in out.getvalue()
    assert re.search(r"acts\s+\d+", out.getvalue())
