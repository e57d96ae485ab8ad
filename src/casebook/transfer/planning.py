"""Turning records read from a file into checked, unsaved model instances ("plans").

Nothing here writes. Each chunk of records is matched against what the casebook already
holds (incidents by id or reference, acts by id or position, sources by id or url), codebook
names are resolved, and every instance is validated; problems are collected, worded for the
person who made the file, with its row and column, and also kept per incident so that an
import that skips invalid incidents knows which ones to leave out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from casebook.accounts import roles
from casebook.cases import rules
from casebook.cases.models import (
    Act,
    DatePrecision,
    Incident,
    IncidentStatus,
    NumberPrecision,
    Outcome,
    Protest,
    Tag,
)
from casebook.cases.models.incident import CoordinatePrecision
from casebook.cases.services import model_changes
from casebook.codebook.areas import place_parts
from casebook.lib.countries import country_code
from casebook.people.models import Involvement, Person
from casebook.sources.models import IncidentSource, Source
from casebook.transfer.building import Blank, link
from casebook.transfer.checking import ModelChecks
from casebook.transfer.records import (
    ActRecord,
    IncidentRecord,
    OutcomeRecord,
    PersonRecord,
    Problem,
    SourceRecord,
    ValueProblem,
)
from casebook.transfer.vocabulary import Choices, Vocabulary

REFERENCE = re.compile(r"^CB-\d{4}-\d{6}$")
LOCAL_ID = re.compile(r"^(act|source)-(\d+)$")
# An import may also set the status (a file can carry verified incidents) and keeps ACLED's
# own columns of a row that came from ACLED.
INCIDENT_FIELDS = (*Incident.EDITABLE_FIELDS, "status", "acled_fields")
DATE_PRECISIONS = Choices(DatePrecision.choices, "a date precision")
COORDINATE_PRECISIONS = Choices(CoordinatePrecision.choices, "a coordinate precision")
STATUSES = Choices(IncidentStatus.choices, "a status")
NUMBER_PRECISIONS = Choices(NumberPrecision.choices, "a number precision")
ROLES = Choices(Involvement.Role.choices, "a role")
SOURCE_KINDS = Choices(Source.Kind.choices, "a source kind")
RELIABILITIES = Choices(Source.Reliability.choices, "a reliability (A–F)")
CREDIBILITIES = Choices(Source.Credibility.choices, "a credibility (1–6)")
ACT_FIELDS = Act.EDITABLE_FIELDS


@dataclass
class ActPlan:
    record: ActRecord
    act: Act
    is_new: bool
    changes: dict
    outcomes: list[Outcome]
    people: list[tuple[PersonRecord, Person | None]]
    # Where in the file each planned outcome (by id()) was given, for problems found later.
    outcome_places: dict[int, str] = field(default_factory=dict)


@dataclass
class IncidentPlan:
    record: IncidentRecord
    incident: Incident
    is_new: bool
    changes: dict
    protest_name: str
    acts: list[ActPlan]
    sources: list[tuple[Source, str, bool]]  # source, what it supports, found independently

    @property
    def changes_anything(self) -> bool:
        return (
            self.is_new
            or bool(self.changes)
            or bool(self.sources)
            or any(a.is_new or a.changes or a.outcomes or a.people for a in self.acts)
        )


class Planner:
    """Turns records into unsaved model instances, checked, noting every problem."""

    def __init__(
        self,
        *,
        vocabulary: Vocabulary,
        actor,
        default_channel: str,
        update_existing: bool,
        checking: bool = True,
        known_up_to: int | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        # Writing a file checked already plans it again without validating each instance.
        self.checking = checking
        # Incidents above this key are not matched: they were written after the file was
        # checked (by the import itself, whose own incidents must not be planned as updates).
        self.known_up_to = known_up_to
        self.actor = actor
        self.default_channel = default_channel
        self.update_existing = update_existing
        self.problems: list[Problem] = []
        # The problems of each incident record (by id()), to leave it out with skip_invalid.
        self.problems_of: dict[int, list[Problem]] = defaultdict(list)
        self._current: IncidentRecord | None = None
        # Fields whose value could not be resolved, left out of the next validation.
        self._unresolved: set[str] = set()
        self.checks = ModelChecks()
        # New instances are copied from a blank one of each model (`building`).
        self.blank_incident, self.blank_act = Blank(Incident), Blank(Act)
        self.blank_outcome, self.blank_source, self.blank_tag = (
            Blank(Outcome),
            Blank(Source),
            Blank(Tag),
        )
        self.notes: dict[str, int] = defaultdict(int)
        self.new_sources: dict[str, Source] = {}
        # Where a new source with a problem was first given; other incidents citing it are
        # invalid too, or they would be written with it.
        self.invalid_sources: dict[str, str] = {}
        self.protests_by_external = {}
        self.protests_by_name: dict[str, list[Protest]] = defaultdict(list)
        for protest in Protest.objects.only("id", "name", "external_id", "date"):
            if protest.external_id:
                self.protests_by_external[protest.external_id] = protest
            self.protests_by_name[protest.name.strip().lower()].append(protest)

    def problem(self, where: str, name: str, message: str) -> None:
        problem = Problem(where, name, message)
        self.problems.append(problem)
        if self._current is not None:
            self.problems_of[id(self._current)].append(problem)

    def remember_protests(self, protests: list[Protest]) -> None:
        """Protests created by writing a chunk, so that later chunks link them, not repeat them."""
        for protest in protests:
            self.protests_by_name[protest.name.strip().lower()].append(protest)

    def resolve(self, where: str, name: str, lookup: Callable, text: str):
        try:
            return lookup(text)
        except ValueProblem as error:
            self.problem(where, name, str(error))
            # Reported once: validating the instance must not add "cannot be null" for it.
            self._unresolved.add(name.removeprefix("source_"))
            return None

    def validate(self, instance, where: str, exclude: list[str], names: dict | None = None):
        if not self.checking:
            self._unresolved.clear()
            return
        exclude = [*exclude, *self._unresolved]
        self._unresolved.clear()
        try:
            # Foreign keys were resolved from the codebook already, and uniqueness is the
            # upsert's job. Django checks each CheckConstraint with a SQL query per instance
            # (2 ms each, 80% of an import's time); every constraint on these models is also
            # a rule in clean()/clean_fields() or a choice resolved above, and the database
            # still enforces them all.
            # Compiled once per model and column set (`checking`): the same checks and errors.
            self.checks.full_clean(instance, exclude=exclude)
        except ValidationError as error:
            reported = set(error.error_dict)
            for name, errors in error.error_dict.items():
                label = "" if name == NON_FIELD_ERRORS else (names or {}).get(name, name)
                self.problem(where, label, " ".join(in_our_words(e) for e in errors))
        else:
            reported = set()
        # The record's models refuse NUL characters in clean(); people's and sources'
        # details are held to the same rule here (the editor's form refuses them too).
        # Incidents', outcomes' and tags' clean() always looks (an act's may stop first).
        if isinstance(instance, Incident | Outcome | Tag):
            return
        for name in rules.fields_with_nul(instance):
            if name not in reported and name not in exclude:
                self.problem(where, (names or {}).get(name, name), rules.NUL_MESSAGE)

    # -- incidents --

    def plan(self, records: list[IncidentRecord]) -> list[IncidentPlan]:
        self._forget_written_sources()
        existing = self._existing_incidents(records)
        acts_of = defaultdict(list)
        outcomes_of = defaultdict(set)
        involved_of = defaultdict(set)
        links_of = defaultdict(set)
        if existing:
            ids = [i.pk for i in existing.values()]
            for act in Act.objects.filter(incident_id__in=ids).select_related(
                "act_type", "legal_provision", "trigger_type", "perpetrator"
            ):
                acts_of[act.incident_id].append(act)
            for outcome in Outcome.objects.filter(act__incident_id__in=ids):
                outcomes_of[outcome.act_id].add((outcome.outcome_type_id, outcome.date))
            # People already on an act in their role: naming them again changes nothing.
            for act_id, person_id, role in Involvement.objects.filter(
                act__incident_id__in=ids
            ).values_list("act_id", "person_id", "role"):
                involved_of[act_id].add((person_id, role))
            for link in IncidentSource.objects.filter(incident_id__in=ids):
                links_of[link.incident_id].add(link.source_id)
        sources = self._existing_sources(records)
        people = self._existing_people(records)
        plans = []
        for record in records:
            incident = existing.get(record.external_id)
            if incident is not None and not self.update_existing:
                self.notes["unchanged"] += 1
                continue
            self._current = record
            plan = self._plan_incident(record, incident)
            pk = incident.pk if incident is not None else None
            plan.acts = self._plan_acts(
                record, incident, acts_of[pk] if pk else [], outcomes_of, involved_of, people
            )
            if self.checking:
                self._check_outcome_dates(plan)
            plan.sources = self._plan_sources(record, links_of[pk], sources)
            self._current = None
            plans.append(plan)
        return plans

    def _forget_written_sources(self) -> None:
        """Chunk by chunk, only the new sources a later chunk cannot find otherwise are kept,
        so that a large file's sources are not all held: one with an id or a web address is
        found in the casebook once written, and while checking one seen with a problem is
        known by `invalid_sources`."""
        if self.checking:
            self.new_sources.clear()
        else:
            self.new_sources = {
                identity: source
                for identity, source in self.new_sources.items()
                if source.pk is None or not (source.external_id or source.url)
            }

    def _existing_incidents(self, records: list[IncidentRecord]) -> dict[str, Incident]:
        ids = [r.external_id for r in records if r.external_id]
        incidents = Incident.objects.select_related("force", "protest")
        if self.known_up_to is not None:
            incidents = incidents.filter(pk__lte=self.known_up_to)
        found = {i.external_id: i for i in incidents.filter(external_id__in=ids)}
        references = [i for i in ids if i not in found and REFERENCE.match(i)]
        by_reference = {i.reference: i for i in incidents.filter(reference__in=references)}
        for record in records:
            incident = by_reference.get(record.external_id)
            if incident is None:
                continue
            # A reference is only unique within one casebook: a file from another casebook
            # may reuse it for a different incident, which must not be overwritten.
            if record.date and record.date != incident.date:
                self._current = record
                self.problem(
                    record.where,
                    "incident_id",
                    f"{record.external_id} is an incident in this casebook dated "
                    f"{incident.date:%d %B %Y}, not {record.date:%d %B %Y}. If the "
                    "row comes from another casebook, give it a new incident_id.",
                )
                self._current = None
                continue
            found[record.external_id] = incident
        return found

    def _existing_sources(self, records: list[IncidentRecord]) -> dict[str, Source]:
        external = {s.external_id for r in records for s in r.sources if s.external_id}
        urls = {s.url for r in records for s in r.sources if s.url and not s.external_id}
        found = {f"id:{s.external_id}": s for s in Source.objects.filter(external_id__in=external)}
        for source in Source.objects.filter(url__in=urls).order_by("id"):
            found.setdefault(f"url:{source.url}", source)
        return found

    def _existing_people(self, records: list[IncidentRecord]) -> dict[str, Person]:
        refs = {p.reference for r in records for a in r.acts for p in a.people if p.reference}
        return {p.reference: p for p in Person.objects.filter(reference__in=refs)}

    def _plan_incident(self, record: IncidentRecord, existing: Incident | None) -> IncidentPlan:
        self._unresolved.clear()
        is_new = existing is None
        where = record.where
        incident = existing or self.blank_incident(
            external_id=record.external_id or None,
            created_by=self.actor if is_user(self.actor) else None,
        )
        # Only a change to an incident already kept is recorded (a new one's is its import).
        before = {} if is_new else {name: getattr(incident, name) for name in INCIDENT_FIELDS}
        # A position half read is no position: "give both" would repeat the problem.
        unread_position = {"latitude", "longitude"} & record.unreadable
        for name in (
            "title",
            "summary",
            "date",
            "end_date",
            "time",
            "place",
            "latitude",
            "longitude",
        ):
            if unread_position and name in ("latitude", "longitude"):
                continue
            value = getattr(record, name)
            if value not in (None, ""):
                setattr(incident, name, value)
        if record.date:
            incident.date_precision = (
                self.resolve(
                    where,
                    "date_precision",
                    DATE_PRECISIONS.get,
                    record.date_precision,
                )
                or DatePrecision.DAY
            )
        if record.acled:
            incident.acled_fields = record.acled
        if record.coordinate_precision:
            incident.coordinate_precision = (
                self.resolve(
                    where,
                    "coordinate_precision",
                    COORDINATE_PRECISIONS.get,
                    record.coordinate_precision,
                )
                or ""
            )
        if record.country:
            code = country_code(record.country)
            if code is None:
                self.problem(
                    where,
                    "country",
                    f"{record.country!r} is not a country; use its two-letter ISO code, e.g. GB.",
                )
            else:
                incident.country = code
        if record.force:
            link(
                incident, "force", self.resolve(where, "force", self.vocabulary.force, record.force)
            )
            incident.force_inference = ""
        elif incident.force_id is None:
            self._infer_force(record, incident)
        if record.status:
            status = self.resolve(where, "status", STATUSES.get, record.status)
            if status and status != incident.status:
                self._check_status(where, incident, status, is_new)
                incident.status = status
        protest_name = self._resolve_protest(record, incident)
        # A missing title or date was reported by the format already, in its own words.
        missing = [name for name in ("title", "date") if not getattr(incident, name)]
        self.validate(incident, where, ["force", "protest", "created_by", "reference", *missing])
        changes = {} if is_new else model_changes(before, incident, INCIDENT_FIELDS)
        if protest_name and incident.protest_id is None:
            changes["protest"] = [None, protest_name]
        for tag in record.tags:
            # The rules of the tag model, but no uniqueness: most tags exist already.
            self.validate(self.blank_tag(name=tag), where, [], {"name": "tags"})
        return IncidentPlan(
            record=record,
            incident=incident,
            is_new=is_new,
            changes=changes,
            protest_name=protest_name,
            acts=[],
            sources=[],
        )

    def _infer_force(self, record: IncidentRecord, incident: Incident) -> None:
        """The force of an incident whose file names none: one its source's words name (ACLED's
        notes), else the territorial force of its place; marked as inferred on the incident."""
        if record.force_hint and (named := self.vocabulary.force_in(record.force_hint)):
            incident.force, incident.force_inference = named, "the words of its source"
        elif found := self.vocabulary.force_of_place(
            record.areas or place_parts(record.place), country=incident.country
        ):
            incident.force, incident.force_inference = found[0], f"its place ({found[1]})"
            self.notes["force_of_place"] += 1
        else:
            self.notes["no_force"] += 1

    def _check_status(self, where: str, incident: Incident, status: str, is_new: bool) -> None:
        if (
            status == IncidentStatus.VERIFIED
            and self.actor is not None
            and not roles.can_verify(self.actor)
        ):
            self.problem(
                where,
                "status",
                "only coordinators and administrators verify "
                "incidents; leave status empty or write draft.",
            )
        elif not is_new and not incident.can_move_to(status):
            self.problem(
                where,
                "status",
                f"an incident that is "
                f"{incident.get_status_display().lower()} cannot become "
                f"{IncidentStatus(status).label.lower()}.",
            )

    def _resolve_protest(self, record: IncidentRecord, incident: Incident) -> str:
        """Link an existing protest, or return the name of one to create."""
        name = record.protest.strip()
        if not name:
            return ""
        own = incident.protest if incident.protest_id else None
        if own is not None and own.name.strip().lower() == name.lower():
            return ""  # the incident's own protest, named again (several may share a name)
        protest = self.protests_by_external.get(name)
        if protest is None:
            same_name = self.protests_by_name.get(name.lower(), [])
            same_day = [p for p in same_name if p.date == incident.date]
            if len(same_day) == 1 or len(same_name) == 1:
                protest = (same_day or same_name)[0]
        if protest is not None:
            link(incident, "protest", protest)
            return ""
        if len(name) > 200:
            self.problem(record.where, "protest", "is longer than 200 characters.")
            return ""
        return name

    # -- acts --

    def _plan_acts(
        self,
        record: IncidentRecord,
        incident: Incident | None,
        existing: list,
        outcomes_of,
        involved_of,
        people,
    ) -> list[ActPlan]:
        by_id = {a.external_id: a for a in existing if a.external_id}
        by_pk = {a.pk: a for a in existing}
        plans = []
        seen: set[str] = set()
        for position, act_record in enumerate(record.acts, start=1):
            # Acts without an id are numbered, so that importing the file again finds them.
            external_id = act_record.external_id or str(position)
            if external_id in seen:
                column = "act_id" if act_record.where.startswith("Row") else "id"
                self.problem(
                    act_record.where,
                    column,
                    f"{external_id!r} names two acts of "
                    "this incident; give each act its own id (or none: acts "
                    "without one are numbered 1, 2, 3… in order).",
                )
                continue
            seen.add(external_id)
            act = by_id.get(external_id)
            local = LOCAL_ID.match(external_id)
            if act is None and local and local[1] == "act":
                act = by_pk.get(int(local[2]))
            plan = self._plan_act(act_record, act, external_id, position, people)
            if plan is None:
                continue
            if incident is not None:
                plan.act.incident = incident
            known = outcomes_of.get(plan.act.pk, set()) if plan.act.pk else set()
            plan.outcomes = [o for o in plan.outcomes if (o.outcome_type_id, o.date) not in known]
            involved = involved_of.get(plan.act.pk, set()) if plan.act.pk else set()
            plan.people = [
                (person_record, person)
                for person_record, person in plan.people
                if person is None or (person.pk, person_record.role) not in involved
            ]
            plans.append(plan)
        return plans

    def _plan_act(
        self, record: ActRecord, existing: Act | None, external_id: str, position: int, people
    ) -> ActPlan | None:
        where, v = record.where, self.vocabulary
        is_new = existing is None
        act = existing or self.blank_act(external_id=external_id, position=position)
        # Only a change to an act already kept is recorded (a new one's is its import).
        before = {} if is_new else {name: getattr(act, name, None) for name in ACT_FIELDS}
        if not is_new:
            before |= {
                "act_type": act.act_type,
                "legal_provision": act.legal_provision,
                "trigger_type": act.trigger_type,
                "perpetrator": act.perpetrator,
            }
        act_type = self.resolve(where, "act_type", v.act_types.get, record.act_type)
        if act_type is None:
            return None
        link(act, "act_type", act_type)
        if record.number_affected is not None:
            act.number_affected = record.number_affected
        precision = record.number_precision or (
            NumberPrecision.EXACT if act.number_affected is not None else NumberPrecision.UNKNOWN
        )
        act.number_precision = (
            self.resolve(
                where,
                "number_precision",
                NUMBER_PRECISIONS.get,
                precision,
            )
            or NumberPrecision.UNKNOWN
        )
        if record.legal_provision:
            link(
                act,
                "legal_provision",
                self.resolve(where, "legal_provision", v.provision, record.legal_provision),
            )
        elif record.provision_hint and act.legal_provision_id is None:
            link(act, "legal_provision", v.provision_in(record.provision_hint))
        if record.trigger_type:
            link(
                act,
                "trigger_type",
                self.resolve(where, "trigger_type", v.trigger_types.get, record.trigger_type),
            )
        if record.perpetrator:
            link(
                act, "perpetrator", self.resolve(where, "perpetrator", v.force, record.perpetrator)
            )
        for name in ("offence_wording", "trigger_wording", "perpetrator_unit"):
            if value := getattr(record, name):
                setattr(act, name, value)
        self.validate(
            act, where, ["incident", "act_type", "legal_provision", "trigger_type", "perpetrator"]
        )
        outcomes, places = [], {}
        for outcome in record.outcomes:
            planned = self._plan_outcome(outcome)
            if planned is not None:
                outcomes.append(planned)
                places[id(planned)] = outcome.where
        return ActPlan(
            record=record,
            act=act,
            is_new=is_new,
            changes={} if is_new else model_changes(before, act, ACT_FIELDS),
            outcomes=outcomes,
            outcome_places=places,
            people=[self._plan_person(p, people) for p in record.people],
        )

    def _check_outcome_dates(self, plan: IncidentPlan) -> None:
        """The rule the outcome model applies once it belongs to an act (cases.rules)."""
        for act_plan in plan.acts:
            for outcome in act_plan.outcomes:
                problem = rules.outcome_date_problem(outcome.date, plan.incident.date)
                if problem and not rules.date_problem(outcome.date):  # that one is reported
                    where = act_plan.outcome_places[id(outcome)]
                    self.problem(
                        where, "outcome_date" if where.startswith("Row") else "date", problem
                    )

    def _plan_outcome(self, record: OutcomeRecord) -> Outcome | None:
        outcome_type = self.resolve(
            record.where, "outcome", self.vocabulary.outcome_types.get, record.outcome
        )
        if outcome_type is None:
            return None
        outcome = self.blank_outcome(outcome_type=outcome_type, date=record.date, note=record.note)
        columns = {"date": "outcome_date"} if record.where.startswith("Row") else None
        self.validate(outcome, record.where, ["act", "outcome_type"], columns)
        return outcome

    def _plan_person(self, record: PersonRecord, people) -> tuple[PersonRecord, Person | None]:
        where = record.where
        record.role = self.resolve(where, "role", ROLES.get, record.role) or record.role
        person = None
        if record.reference:
            person = people.get(record.reference)
            if person is None and record.has_personal_details:
                # A full export of another casebook (or of this one, restored): the
                # reference is that casebook's; the person is added here with one of ours.
                self.notes["people_new_reference"] += 1
            elif person is None:
                self.problem(
                    where,
                    "reference",
                    f"no person {record.reference} in this "
                    "casebook; leave reference empty to add a new person.",
                )
        if person is None:
            consent = rules.person_details_problem(
                has_details=record.has_personal_details, consent_record=record.consent_record
            )
            if consent:
                self.problem(where, "consent_record", consent)
        if (
            record.has_personal_details
            and self.actor is not None
            and not roles.sees_all_people(self.actor)
        ):
            self.problem(
                where, "full_name", "only coordinators and administrators import people's details."
            )
        if person is None and record.has_personal_details:
            # Checked now (a name too long…) so that writing never meets a bad value.
            self.validate(
                Person(full_name=record.full_name, contact=record.contact, address=record.address),
                where,
                ["reference"],
            )
        return record, person

    # -- sources --

    def _plan_sources(
        self, record: IncidentRecord, linked: set[int], existing: dict[str, Source]
    ) -> list[tuple[Source, str, bool]]:
        planned = []
        for source_record in record.sources:
            source = self._find_source(source_record, linked, existing)
            if source is None:
                source = self._new_source(source_record)
            if source is not None and (source.pk is None or source.pk not in linked):
                planned.append((source, source_record.supports, source_record.found_independently))
        return planned

    def _find_source(
        self, record: SourceRecord, linked: set[int], existing: dict[str, Source]
    ) -> Source | None:
        if record.external_id:
            local = LOCAL_ID.match(record.external_id)
            if local and local[1] == "source" and int(local[2]) in linked:
                return Source(pk=int(local[2]))
            return existing.get(f"id:{record.external_id}")
        if record.url:
            return existing.get(f"url:{record.url}")
        return None

    def _new_source(self, record: SourceRecord) -> Source | None:
        where, v = record.where, self.vocabulary
        prefix = "source_" if where.startswith("Row") else ""
        # One new source named by several incidents of the file is created once.
        if record.identity in self.invalid_sources:
            column = "id" if record.external_id else "url" if record.url else "title"
            self.problem(
                where,
                f"{prefix}{column}",
                "names a source whose details have "
                f"a problem on {self.invalid_sources[record.identity]}; fix "
                "them there.",
            )
            return self.new_sources.get(record.identity)
        if record.identity in self.new_sources:
            return self.new_sources[record.identity]
        problems_before = len(self.problems)
        title = record.title or record.publisher or record.url
        if not title:
            self.problem(where, f"{prefix}title", "is empty; give the source a title or a url.")
            return None
        channel = self.resolve(
            where, f"{prefix}channel", v.channel, record.channel or self.default_channel
        )
        source = self.blank_source(
            external_id=record.external_id or None,
            title=title,
            url=record.url,
            publisher=record.publisher,
            published_at=record.published_at,
            text=record.text,
            channel=channel,
            kind=self.resolve(
                where, f"{prefix}kind", SOURCE_KINDS.get, record.kind or Source.Kind.NEWS_ARTICLE
            ),
            reliability=self.resolve(
                where,
                f"{prefix}reliability",
                lambda t: RELIABILITIES.get(t.upper()),
                record.reliability or "F",
            ),
            credibility=self.resolve(
                where, f"{prefix}credibility", CREDIBILITIES.get, record.credibility or "6"
            ),
        )
        self.validate(
            source,
            where,
            ["channel", "text_sha256"],
            {f.name: f"{prefix}{f.name}" for f in Source._meta.fields},
        )
        if len(self.problems) > problems_before:
            self.invalid_sources[record.identity] = where
        self.new_sources[record.identity] = source
        return source


def in_our_words(error: ValidationError) -> str:
    """A model's validation error worded for the person who made the file.

    Our own rules (`clean()`) are worded already; Django's field checks are not ("Ensure this
    value has at most 300 characters"), so the usual ones are said again here.

    >>> in_our_words(ValidationError("x", code="max_length", params={"limit_value": 300,
    ...     "show_value": 412}))
    'is longer than 300 characters (it has 412); shorten it.'
    """
    params = error.params or {}
    if error.code == "max_length":
        return (
            f"is longer than {params['limit_value']:,} characters (it has "
            f"{params['show_value']:,}); shorten it."
        )
    if error.code in {"null", "blank", "required"}:
        return "is empty; give a value."
    if error.code == "max_value":
        return f"is larger than {params['limit_value']:,}, more than Casebook keeps; check it."
    if error.code == "min_value":
        return f"is smaller than {params['limit_value']:,}; check it."
    if error.code == "invalid" and "URL" in str(error.message):
        return "is not a web address; write it in full, e.g. https://news.example/story."
    if error.code == "invalid_choice":
        return f"{params.get('value')!r} is not one of the values this column takes."
    return " ".join(error.messages)


def is_user(actor) -> bool:
    return getattr(actor, "is_authenticated", False)
