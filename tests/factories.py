"""factory_boy factories for the record. All data is synthetic and obviously so."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group

from casebook.accounts.models import User
from casebook.cases.models import Act, Incident, Outcome, Protest
from casebook.cases.services import reference_block
from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType
from casebook.people.models import Involvement, Person
from casebook.sources.models import Channel, IncidentSource, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted == "administrator":
                self.is_staff = True
        self.save()


class ProtestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Protest

    name = factory.Sequence(lambda n: f"Synthetic march number {n}")
    date = dt.date(2024, 5, 4)
    place = "Testford"
    organiser = "Invented Collective"
    cause = "Invented cause"
    estimated_size = 500


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident
        skip_postgeneration_save = True

    reference = factory.LazyAttribute(lambda o: reference_block(year=o.date.year)[0])
    title = factory.Sequence(lambda n: f"Synthetic incident {n}")
    summary = "Officers stopped people holding invented placards."
    date = dt.date(2024, 5, 4)
    place = "Testford"
    country = "GB"
    force = factory.LazyFunction(
        lambda: Organisation.objects.get(slug="metropolitan-police-service")
    )


class ActFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Act

    incident = factory.SubFactory(IncidentFactory)
    act_type = factory.LazyFunction(lambda: ActType.objects.get(slug="arrest"))
    number_affected = 3
    offence_wording = "displaying an invented slogan"
    trigger_type = factory.LazyFunction(lambda: TriggerType.objects.get(slug="placard"))
    trigger_wording = "INVENTED SLOGAN"
    legal_provision = factory.LazyFunction(
        lambda: LegalProvision.objects.get(citation="Public Order Act 1986 s5")
    )


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    act = factory.SubFactory(ActFactory)
    outcome_type = factory.LazyFunction(lambda: OutcomeType.objects.get(slug="charged"))
    date = dt.date(2024, 6, 1)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Testperson Number{n}")
    contact = factory.Sequence(lambda n: f"person{n}@example.test")
    address = "1 Nowhere Lane, Testford"
    consent_record = True


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    act = factory.SubFactory(ActFactory)
    person = factory.SubFactory(PersonFactory)
    role = Involvement.Role.ARRESTED


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    kind = Source.Kind.NEWS_ARTICLE
    channel = factory.LazyFunction(lambda: Channel.objects.get(slug="news-monitor"))
    title = factory.Sequence(lambda n: f"Invented report {n}")
    url = factory.Sequence(lambda n: f"https://news.example.test/story/{n}")
    publisher = "The Example Gazette"
    text = "An invented article about invented arrests."
    reliability = "B"
    credibility = "2"


class IncidentSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentSource

    incident = factory.SubFactory(IncidentFactory)
    source = factory.SubFactory(SourceFactory)
    supports = "arrest count"


def ready_incident(**kwargs) -> Incident:
    """An incident with an act and a source, as sending for review and verifying need."""
    incident = IncidentFactory(**kwargs)
    ActFactory(incident=incident)
    IncidentSourceFactory(incident=incident)
    return incident
