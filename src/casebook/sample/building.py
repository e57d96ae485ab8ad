"""What happened in each sample incident: acts, outcomes, sources, people.

`IncidentBuilder.build()` turns a planned incident into unsaved model objects (a `Built`)
whose keys come from a `KeyPool`, so that `sample.writing.built_write()` inserts a whole
batch with one statement per table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from casebook.cases.bulk import KeyPool
from casebook.cases.models import (
    Act,
    DatePrecision,
    Incident,
    NumberPrecision,
    Outcome,
)
from casebook.people.models import Involvement, Person
from casebook.sample import coding, texts, words
from casebook.sample.capture import LIST_CHANNELS, capture_draw, plan_capture_kind
from casebook.sample.planning import (
    FIRST_DAY,
    LAST_DAY,
    PROSCRIPTION_WAVE_FROM,
    IncidentPlan,
    ProtestPlan,
    Weighted,
    round_figure,
)
from casebook.sample.writing import Built
from casebook.sources.models import IncidentSource, Source

if TYPE_CHECKING:
    from casebook.sample.generator import Codebook, Staff

# Outcomes dated after this have not happened yet: later court dates stay pending.
AS_OF = dt.date(2026, 11, 15)

_COURT_RESULT = Weighted(coding.COURT_RESULTS)
_ARREST_START = Weighted(coding.ARREST_FIRST_STEPS)
_STATUS_RECENT = Weighted(coding.STATUSES_RECENT)
_STATUS_OLDER = Weighted(coding.STATUSES_OLDER)
_ACT_COUNT = Weighted(coding.ACTS_PER_INCIDENT)
# Each channel's kind of source (the first listed for it), with its grades.
_KIND_OF_CHANNEL = {kind[0]: kind for kind in reversed(coding.SOURCE_KINDS)}
_GRADES = {kind: Weighted(dict(kind[2])) for kind in coding.SOURCE_KINDS}
_SMALL_COUNT = Weighted(coding.PEOPLE_AFFECTED)
_PEOPLE_COUNT = Weighted(coding.PEOPLE_RECORDED)
_ACTS_AT_PROTEST = Weighted(coding.ACTS_AT_PROTEST)
_ACTS_AWAY = Weighted(coding.ACTS_AWAY_FROM_PROTEST)
_FOLLOW_UPS = {act: Weighted(table) for act, table in coding.FOLLOW_UP_ACTS.items()}
_TRIGGERS_BY_ACT = {act: Weighted(table) for act, table in coding.TRIGGERS_BY_ACT.items()}
_AWAY_TRIGGERS = Weighted(coding.AWAY_OFFENCE_TRIGGERS)
_CAUSE_TRIGGERS = {
    c.slug: Weighted({**coding.EXTRA_OFFENCE_TRIGGERS, **c.triggers}) for c in words.CAUSES
}
_CARRIED_TRIGGERS = texts.CARRIED


class IncidentBuilder:
    """Builds planned incidents one by one, drawing from `rng` in a fixed order."""

    def __init__(
        self,
        rng: random.Random,
        codebook: Codebook,
        *,
        staff: Staff,
        keys: KeyPool,
        capture_rng: random.Random | None = None,
    ):
        self.rng = rng
        # Which lists record each incident comes from a stream of its own, so the capture
        # structure can be read (and tested) apart from the rest of the content.
        self.capture_rng = capture_rng or random.Random("capture")
        self.codebook = codebook
        self.staff = staff
        self.keys = keys
        self.source_number = 0

    # The incident as a whole.

    def build(self, plan: IncidentPlan, reference: str) -> Built:
        rng = self.rng
        protest = plan.protest
        incident = Incident(
            pk=self.keys.take(Incident),
            reference=reference,
            date=plan.date,
            date_precision=plan.precision,
            place=plan.place.name,
            country="GB",
            force=self.codebook.forces[plan.place.force],
            protest=protest.protest if protest else None,
        )
        if plan.precision == DatePrecision.DAY and rng.random() < 0.55:
            incident.time = dt.time(rng.randint(9, 21), rng.randrange(0, 60, 5))
        if rng.random() < 0.85:
            incident.latitude = Decimal(f"{plan.place.latitude:.6f}")
            incident.longitude = Decimal(f"{plan.place.longitude:.6f}")
            incident.coordinate_precision = plan.place.precision
        recent = (LAST_DAY - plan.date).days < 60
        incident.status = (_STATUS_RECENT if recent else _STATUS_OLDER).pick(rng)
        built = Built(incident)
        mass = plan.mass_arrest
        stories = self._acts(plan, built, mass=mass)
        story = stories[0]
        incident.title = texts.incident_title(rng, story)
        incident.summary = texts.incident_summary(rng, story)
        self._sources(plan, built, story)
        if rng.random() < 0.3:
            self._people(plan, built)
        self._tags(plan, built, mass=mass)
        if self.staff.creators:
            incident.created_by = self.staff.rng.choice(self.staff.creators)
        if self.staff.caseworkers and self.staff.rng.random() < 0.4:
            built.assigned.append(self.staff.rng.choice(self.staff.caseworkers))
        return built

    # Acts.

    def _acts(self, plan: IncidentPlan, built: Built, *, mass: bool) -> list[texts.Story]:
        rng = self.rng
        at_protest = plan.protest is not None
        first = "arrest" if mass else (_ACTS_AT_PROTEST if at_protest else _ACTS_AWAY).pick(rng)
        act_types = [first]
        follow = _FOLLOW_UPS.get(first, _ACTS_AT_PROTEST if at_protest else _ACTS_AWAY)
        act_types += [follow.pick(rng) for _ in range(_ACT_COUNT.pick(rng) - 1)]
        stories = []
        for position, act_type in enumerate(act_types):
            previous = built.acts[0] if built.acts else None
            trigger, wording = self._trigger(plan, act_type, previous, mass=mass and not position)
            provision = self._provision(plan, act_type, trigger, mass=mass and not position)
            number, precision = self._number(act_type, mass=mass and not position)
            act = Act(
                pk=self.keys.take(Act),
                incident=built.incident,
                position=position,
                act_type=self.codebook.act_types[act_type],
                number_affected=number,
                number_precision=precision,
                legal_provision=self.codebook.provisions[provision] if provision else None,
                offence_wording=self._offence(plan, act_type, provision, trigger),
                trigger_type=self.codebook.triggers[trigger] if trigger else None,
                trigger_wording=wording,
            )
            if rng.random() < 0.08:
                act.perpetrator_unit = rng.choice(words.PERPETRATOR_UNITS)
            built.acts.append(act)
            outcomes = self._outcomes(act_type, plan)
            for slug, date, note in outcomes:
                built.outcomes.append(
                    Outcome(
                        pk=self.keys.take(Outcome),
                        act=act,
                        outcome_type=self.codebook.outcomes[slug],
                        date=date,
                        note=note,
                    )
                )
            stories.append(
                texts.Story(
                    date=plan.date,
                    precision=plan.precision,
                    place=plan.place,
                    force=built.incident.force.name,
                    cause=plan.cause,
                    protest_name=plan.protest.protest.name if plan.protest else "",
                    organiser=plan.protest.protest.organiser if plan.protest else "",
                    act_type=act_type,
                    who=texts.people_phrase(rng, number, precision),
                    number=number,
                    trigger=trigger,
                    wording=wording,
                    offence=act.offence_wording,
                    outcome=outcomes[-1][0] if outcomes else None,
                )
            )
        return stories

    def _trigger(
        self, plan: IncidentPlan, act_type: str, previous: Act | None, *, mass: bool
    ) -> tuple[str | None, str]:
        rng = self.rng
        cause = plan.cause
        if mass and cause.slug in coding.PROSCRIPTION_CAUSES:
            trigger = "placard"
        elif (
            previous
            and previous.trigger_type
            and (
                (act_type == "seizure" and previous.trigger_type.slug in _CARRIED_TRIGGERS)
                or (act_type in coding.OFFENCE_ACTS and rng.random() < 0.5)
            )
        ):
            return previous.trigger_type.slug, previous.trigger_wording
        elif act_type in coding.OFFENCE_ACTS:
            table = _CAUSE_TRIGGERS[cause.slug] if plan.protest else _AWAY_TRIGGERS
            trigger = table.pick(rng)
        elif act_type in _TRIGGERS_BY_ACT:
            trigger = _TRIGGERS_BY_ACT[act_type].pick(rng)
        else:
            return None, ""
        if rng.random() < 0.05 and trigger not in ("gathering", "obstruction"):
            return trigger, ""  # the source names the trigger but not its words
        return trigger, self._wording(trigger, cause, plan.place)

    def _wording(self, trigger: str, cause: words.Cause, place: words.Place) -> str:
        rng = self.rng
        lists = {
            "placard": cause.placards,
            "banner": cause.banners,
            "chant": cause.chants,
            "flag": cause.flags,
            "clothing": cause.clothing,
            "online_post": cause.online_posts,
            "gathering": cause.actions,
            "obstruction": cause.actions,
            "violence": words.VIOLENCE,
            "symbol": words.SYMBOLS,
            "noise": words.NOISES,
            "filming": words.FILMING,
            "other": words.OTHER_TRIGGERS,
        }
        if trigger == "speech":
            return rng.choice(words.SPEECHES).format(topic=cause.topic)
        if trigger == "leaflet":
            return rng.choice(words.LEAFLETS).format(slogan=rng.choice(cause.placards))
        return rng.choice(lists[trigger]).format(town=place.town)

    def _provision(
        self, plan: IncidentPlan, act_type: str, trigger: str | None, *, mass: bool
    ) -> str | None:
        rng = self.rng
        date, place, cause = plan.date, plan.place, plan.cause
        wave = cause.slug in coding.PROSCRIPTION_CAUSES and date >= PROSCRIPTION_WAVE_FROM
        if mass and wave:
            return "ta-2000-s13"  # UK-wide law: the same in every nation
        if act_type in coding.OFFENCE_ACTS or act_type in ("image_appeal", "home_visit"):
            table = dict(
                coding.OFFENCE_PROVISIONS.get(
                    trigger or "other", coding.OFFENCE_PROVISIONS["other"]
                )
            )
            if act_type not in coding.OFFENCE_ACTS:
                table[None] = table.get(None, 0) + 6  # appeals and visits seldom cite a law
            if wave and trigger in _CARRIED_TRIGGERS and "ta-2000-s13" in table:
                table["ta-2000-s13"] *= 6
            if trigger in ("gathering", "obstruction", "noise", "placard"):
                table.update(coding.PLACE_PROVISIONS.get(place.name, {}))
        elif act_type in coding.POWER_PROVISIONS:
            table = dict(coding.POWER_PROVISIONS[act_type])
        else:
            return None
        candidates: dict[str | None, float] = {}
        local = coding.PLACE_PROVISIONS.get(place.name, {})
        for slug, weight in table.items():
            if slug is not None and slug not in local:
                slug = coding.provision_in_nation(slug, place.nation)
            if slug is not None and date < coding.IN_FORCE_FROM.get(slug, FIRST_DAY):
                slug = None
            candidates[slug] = candidates.get(slug, 0) + weight
        return Weighted(candidates).pick(rng)

    def _offence(
        self, plan: IncidentPlan, act_type: str, provision: str | None, trigger: str | None
    ) -> str:
        rng = self.rng
        offence_act = act_type in coding.OFFENCE_ACTS
        if not offence_act and not (provision and act_type in ("image_appeal", "home_visit")):
            return ""
        if provision is None:
            key = "scotland" if plan.place.nation == "scotland" else "default"
            return rng.choice(coding.UNCITED_WORDING[key])
        if rng.random() < (0.15 if offence_act else 0.5):
            return ""  # the source does not say
        wording = coding.OFFENCE_WORDING_BY_TRIGGER.get(
            (provision, trigger)
        ) or coding.OFFENCE_WORDING.get(provision)
        return rng.choice(wording) if wording else self.codebook.provisions[provision].title

    def _number(self, act_type: str, *, mass: bool) -> tuple[int | None, str]:
        rng = self.rng
        if mass:
            return rng.randint(100, 500), (
                NumberPrecision.APPROXIMATE if rng.random() < 0.6 else NumberPrecision.EXACT
            )
        rarely_counted = act_type in ("conditions", "surveillance")
        if rng.random() < (0.7 if rarely_counted else 0.07):
            return None, NumberPrecision.UNKNOWN
        if act_type in ("dispersal", "containment"):
            low, high = (20, 300) if act_type == "dispersal" else (50, 800)
            return round_figure(rng.uniform(low, high)), NumberPrecision.APPROXIMATE
        if act_type == "image_appeal":
            number = rng.choice((1, 1, 2, 3, 4, 6, 8, 12, 15, 24, 31))
        elif act_type in ("home_visit", "caution", "fine"):
            number = rng.choice((1, 1, 1, 1, 2, 3))
        else:
            picked = _SMALL_COUNT.pick(rng)
            number = rng.randint(*picked) if isinstance(picked, tuple) else picked
        if number > 10 and rng.random() < 0.6:
            return round_figure(number), NumberPrecision.APPROXIMATE
        return number, NumberPrecision.EXACT

    def _outcomes(self, act_type: str, plan: IncidentPlan) -> list[tuple[str, dt.date, str]]:
        """A plausible history: arrested → bailed → charged → convicted, or released → NFA."""
        rng = self.rng
        steps: list[str] = []
        if act_type == "arrest":
            start = _ARREST_START.pick(rng)
            if start is not None:
                steps.append(start)
            if start == "released" and rng.random() < 0.4:
                steps.append("no_further_action")
            elif start == "released_under_investigation":
                then = rng.random()
                steps += ["no_further_action"] if then < 0.55 else ["charged"] if then < 0.8 else []
            elif start == "bailed":
                steps.append("charged" if rng.random() < 0.7 else "no_further_action")
        elif act_type == "charge":
            steps.append("charged")
        elif act_type == "caution":
            steps.append("cautioned")
        if steps and steps[-1] == "charged":
            steps.append(_COURT_RESULT.pick(rng))
        outcomes = []
        date = plan.date
        for position, slug in enumerate(steps):
            if position == 0:
                date += dt.timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))
            elif slug in ("convicted", "acquitted", "dropped", "pending"):
                date += dt.timedelta(days=rng.randint(30, 400))
            else:
                date += dt.timedelta(days=rng.randint(14, 240))
            if date > AS_OF:
                break
            note = rng.choice(coding.OUTCOME_NOTES[slug]).format(
                town=plan.place.town, fine=rng.choice((80, 150, 200, 350, 500))
            )
            outcomes.append((slug, date, note))
        return outcomes

    # Sources, people, tags.

    def _sources(self, plan: IncidentPlan, built: Built, story: texts.Story) -> None:
        """One source for each list that recorded the incident (see sample/capture.py), then
        sources from channels on no list, and articles found by searching for it."""
        rng = self.rng
        protest = plan.protest
        capture = capture_draw(self.capture_rng, plan_capture_kind(plan))
        built.missed = capture.missed
        channels = [LIST_CHANNELS[i] for i, on in enumerate(capture.pattern) if on]
        charged = any(o.outcome_type.slug == "charged" for o in built.outcomes)
        if charged and rng.random() < 0.3:
            channels.append("court-lists")
        if rng.random() < 0.05:
            channels.append("partner")
        if rng.random() < 0.02:
            channels.append("other")
        for channel in channels:
            if channel == "news-monitor" and protest and rng.random() < 0.35:
                self._link(built, self._coverage(protest, built), "date and place")
                continue
            if channel == "news-monitor" and rng.random() < 0.2:
                channel = "social-media"
            self._source(plan, built, story, _KIND_OF_CHANNEL[channel])
        # A caseworker looked up the press coverage of an incident the monitor had missed.
        if "news-monitor" not in channels and rng.random() < 0.15:
            self._source(plan, built, story, coding.SOURCE_KINDS[0], found_independently=False)

    def _link(
        self, built: Built, source: Source, supports: str, *, found_independently: bool = True
    ) -> None:
        built.links.append(
            IncidentSource(
                pk=self.keys.take(IncidentSource),
                incident=built.incident,
                source=source,
                supports=supports,
                found_independently=found_independently,
            )
        )

    def _source(
        self,
        plan: IncidentPlan,
        built: Built,
        story: texts.Story,
        kind: tuple,
        *,
        found_independently: bool = True,
    ) -> None:
        rng = self.rng
        channel, source_kind = kind[0], kind[1]
        self.source_number += 1
        words_ = texts.source_text(rng, story, source_kind, number=self.source_number)
        grade = _GRADES[kind].pick(rng)
        published = dt.datetime.combine(
            plan.date + dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3))),
            dt.time(rng.randint(6, 22), rng.randrange(0, 60)),
            tzinfo=dt.UTC,
        )
        source = Source(
            pk=self.keys.take(Source),
            kind=source_kind,
            channel=self.codebook.channels[channel],
            title=words_.title,
            url=words_.url,
            publisher=words_.publisher,
            author=words_.author,
            published_at=published,
            retrieved_at=published + dt.timedelta(hours=3),
            text=words_.text,
            text_sha256=_sha256(words_.text),
            reliability=grade[0],
            credibility=grade[1],
        )
        built.sources.append(source)
        self._link(
            built,
            source,
            rng.choice(coding.SUPPORTS[source_kind]),
            found_independently=found_independently,
        )

    def _coverage(self, protest: ProtestPlan, built: Built) -> Source:
        """The one news article about a whole protest, shared by its incidents."""
        if protest.coverage is None:
            self.source_number += 1
            p = protest.protest
            words_ = texts.coverage_text(
                self.rng,
                protest_name=p.name,
                town=protest.place.town,
                date=p.date,
                size=p.estimated_size,
                organiser=p.organiser,
                force=self.codebook.forces[protest.place.force].name,
                number=self.source_number,
            )
            published = dt.datetime.combine(p.date, dt.time(20, 30), tzinfo=dt.UTC)
            protest.coverage = Source(
                pk=self.keys.take(Source),
                kind=Source.Kind.NEWS_ARTICLE,
                channel=self.codebook.channels["news-monitor"],
                title=words_.title,
                url=words_.url,
                publisher=words_.publisher,
                author=words_.author,
                published_at=published,
                retrieved_at=published,
                text=words_.text,
                text_sha256=_sha256(words_.text),
                reliability="B",
                credibility="2",
            )
            built.sources.append(protest.coverage)
        return protest.coverage

    def _people(self, plan: IncidentPlan, built: Built) -> None:
        rng = self.rng
        act = next((a for a in built.acts if a.act_type.slug in coding.OFFENCE_ACTS), built.acts[0])
        count = _PEOPLE_COUNT.pick(rng)
        if act.number_affected is not None:
            count = min(count, act.number_affected)
        role = (
            Involvement.Role.ARRESTED
            if act.act_type.slug == "arrest"
            else Involvement.Role.AFFECTED
        )
        roles = [role] * max(count, 1)
        if rng.random() < 0.1:
            roles.append(Involvement.Role.WITNESS)
        for role in roles:
            built.people.append(self._person(plan))
            built.involvements.append(
                Involvement(
                    pk=self.keys.take(Involvement),
                    act=act,
                    person=built.people[-1],
                    role=role,
                )
            )

    def _person(self, plan: IncidentPlan) -> Person:
        rng = self.rng
        given, surname = rng.choice(words.GIVEN_NAMES), texts.invented_surname(rng)
        contact_kind = rng.random()
        if contact_kind < 0.55:
            contact = f"07700 900{rng.randrange(1000):03d}"
        elif contact_kind < 0.9:
            contact = f"{given}.{surname}{rng.randrange(100)}@example.test".lower()
        else:
            contact = ""
        address = ""
        if rng.random() < 0.5:
            street = f"{rng.choice(words.STREET_HEADS)} {rng.choice(words.STREET_KINDS)}"
            address = f"{rng.randint(1, 180)} {street}, {plan.place.town}"
        born = None
        if rng.random() < 0.4:
            born = plan.date - dt.timedelta(days=rng.randint(17 * 365, 75 * 365))
        consent_record = rng.random() < 0.95
        key = self.keys.take(Person)
        if not consent_record:
            # Someone who did not agree that we keep their details: recorded, not named
            # (the rule every write path keeps, cases.rules.person_details_problem).
            return Person(pk=key, reference=f"P-{key:06d}")
        return Person(
            pk=key,
            reference=f"P-{key:06d}",  # what Person.save() gives
            full_name=f"{given} {surname}",
            contact=contact,
            address=address,
            date_of_birth=born,
            gender=rng.choice(words.GENDERS) if rng.random() < 0.5 else "",
            ethnicity=rng.choice(words.ETHNICITIES) if rng.random() < 0.2 else "",
            notes=rng.choice(words.PERSON_NOTES) if rng.random() < 0.3 else "",
            consent_record=consent_record,
            consent_share=consent_record and rng.random() < 0.4,
            consent_publish=consent_record and rng.random() < 0.25,
            consent_given_at=dt.datetime.combine(
                plan.date + dt.timedelta(days=rng.randint(0, 20)), dt.time(12), tzinfo=dt.UTC
            )
            if consent_record
            else None,
            consent_notes=rng.choice(words.CONSENT_NOTES) if consent_record else "",
        )

    def _tags(self, plan: IncidentPlan, built: Built, *, mass: bool) -> None:
        rng = self.rng
        names: list[str] = []
        slugs = {a.act_type.slug for a in built.acts}
        triggers = {a.trigger_type.slug for a in built.acts if a.trigger_type}
        if mass:
            names.append("mass arrest")
        if "containment" in slugs:
            names.append("kettling")
        if "online_post" in triggers:
            names.append("online")
        if any(o.note.startswith("Bail conditions") for o in built.outcomes):
            names.append("bail conditions")
        if plan.protest and rng.random() < 0.3:
            names += plan.cause.tags
        if rng.random() < 0.35:
            names.append(rng.choice(coding.SIDE_TAGS))
        built.tags = [self.codebook.tags[name] for name in dict.fromkeys(names)]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest() if text else ""
