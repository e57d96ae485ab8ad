"""The one-page incident editor: the incident form and its act, source and people formsets.

`IncidentEditor` binds the forms together, checks what spans them (a person's act row), turns
them into an `IncidentDraft` for `casework.services.incident_save`, and puts the errors that
service raises back beside the fields they are about.
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError

from casebook.cases.models import Incident, Protest
from casebook.casework.drafts import IncidentDraft
from casebook.casework.forms.rows import (
    FOUND_BY_SEARCHING,
    FOUND_INDEPENDENTLY,
    ActForm,
    ActFormSet,
    IncidentForm,
    PersonForm,
    PersonFormSet,
    SourceForm,
    SourceFormSet,
    channels_once,
)
from casebook.people.models import Involvement


class IncidentEditor:
    """The incident form and its act, source and people formsets, used as one form."""

    FORMSETS = ("acts", "sources", "people")

    def __init__(
        self,
        *,
        data=None,
        incident: Incident | None = None,
        include_people: bool = True,
        add_row: str = "",
        protest: Protest | None = None,
        redacted_protests: bool = False,
        codebook_version: str | None = None,
    ):
        """`codebook_version`: the codebook's version as the page read it; its selects'
        options are then kept until it changes (casework.forms.fields.KeptOptions)."""
        self.incident = incident
        self.include_people = include_people
        # Sent back, the forms show and check what was sent: the record's values (the
        # incident, its tags, acts, sources and people, half a save's reading) are not read,
        # only an act's outcome history if the page is shown again (`ActForm.outcomes`).
        initial = (
            _initial(incident, include_people=include_people) if data is None else _nothing_read()
        )
        if protest is not None and incident is None and data is None:
            initial["incident"]["protest"] = protest
        if data is not None and add_row in self.FORMSETS:
            # Without JavaScript, "Add another" posts the form back with one more blank row.
            data = data.copy()
            key = f"{add_row}-TOTAL_FORMS"
            data[key] = str(int(data.get(key) or 0) + 1)
        kept = {"codebook_version": codebook_version}
        self.incident_form = IncidentForm(
            data, initial=initial["incident"], redacted_protests=redacted_protests, **kept
        )
        self.acts = ActFormSet(data, initial=initial["acts"], prefix="acts", form_kwargs=kept)
        # One read of the channels for every source row's select (each read its own).
        self.sources = SourceFormSet(
            data,
            initial=initial["sources"],
            prefix="sources",
            form_kwargs={**kept, "channels": channels_once()},
        )
        self.people = (
            PersonFormSet(data, initial=initial["people"], prefix="people", form_kwargs=kept)
            if include_people
            else None
        )
        if data is None:
            outcomes = initial["outcomes"]
            for index, form in enumerate(self.acts.forms):
                form.outcomes = outcomes[index] if index < len(outcomes) else []
        else:
            read = functools.cache(lambda: _outcomes(incident))
            for index, form in enumerate(self.acts.forms):
                form.outcomes = lambda index=index: read()[index] if index < len(read()) else []

    def formsets(self):
        return [fs for fs in (self.acts, self.sources, self.people) if fs is not None]

    def is_valid(self) -> bool:
        valid = self.incident_form.is_valid()
        for formset in self.formsets():
            valid = formset.is_valid() and valid
        if valid and self.people is not None:
            valid = self._check_people_acts()
        return valid

    def _kept_act_rows(self) -> dict[int, int]:
        """Act form index -> index in the draft's act list, for the rows that are kept."""
        kept, position = {}, 0
        for index, form in enumerate(self.acts.forms):
            if not _is_used(self.acts, index, form):
                continue
            if not form.cleaned_data.get("DELETE"):
                kept[index] = position
            position += 1
        return kept

    def _check_people_acts(self) -> bool:
        kept = self._kept_act_rows()
        valid = True
        for index, form in enumerate(self.people.forms):
            if not _is_used(self.people, index, form) or form.cleaned_data.get("DELETE"):
                continue
            row = form.cleaned_data["act_number"]
            if row - 1 not in kept:
                rows = ", ".join(str(i + 1) for i in sorted(kept)) or "none yet"
                form.add_error(
                    "act_number",
                    f"Act row {row} is empty or being removed; give "
                    f"the number of an act above (rows: {rows}).",
                )
                valid = False
        return valid

    def draft(self) -> IncidentDraft:
        data = self.incident_form.cleaned_data
        acts, act_positions, position = [], {}, 0
        for index, form in enumerate(self.acts.forms):
            if _is_used(self.acts, index, form):
                act_positions[index] = position
                acts.append(form.draft())
                position += 1
        self._act_forms = [form for i, form in enumerate(self.acts.forms) if i in act_positions]
        self._source_forms = [
            form for i, form in enumerate(self.sources.forms) if _is_used(self.sources, i, form)
        ]
        people = None
        self._person_forms = []
        if self.people is not None:
            people = []
            for index, form in enumerate(self.people.forms):
                if not _is_used(self.people, index, form):
                    continue
                act_row = (form.cleaned_data.get("act_number") or 1) - 1
                people.append(form.draft(act_positions.get(act_row, -1)))
                self._person_forms.append(form)
        return IncidentDraft(
            fields={name: data.get(name) for name in IncidentForm._meta.fields},
            tags=data.get("tags") or [],
            new_protest=self.incident_form.new_protest(),
            acts=acts,
            sources=[form.draft() for form in self._source_forms],
            people=people,
        )

    def add_errors(self, error: ValidationError) -> None:
        """Put the errors `incident_save` raised next to the fields they are about."""
        rows = {
            "acts": self._act_forms,
            "sources": self._source_forms,
            "people": self._person_forms,
        }
        for key, messages in error.message_dict.items():
            form, name = self.incident_form, key
            part, _, rest = key.partition(".")
            if part in rows and rest:
                index, _, name = rest.partition(".")
                form = rows[part][int(index)]
            elif part == "tags":
                name = "tags"
            elif part == "new_protest":
                name = f"new_protest_{rest}" if rest else "new_protest_name"
            if part == "people" and name == "act":
                name = "act_number"
            name = name if name in form.fields else None
            for message in messages:
                form.add_error(name, message)

    @property
    def error_rows(self) -> list[str]:
        """One line per row error, e.g. "Act 2, How many people: Give a whole number"."""
        lines = []
        for formset, what in (
            (self.acts, "Act"),
            (self.sources, "Source"),
            (self.people, "Person"),
        ):
            if formset is None:
                continue
            for number, form in enumerate(formset.forms, start=1):
                for name, errors in form.errors.items():
                    label = form.fields[name].label if name in form.fields else None
                    for error in errors:
                        lines.append(
                            f"{what} {number}, {label}: {error}"
                            if label
                            else f"{what} {number}: {error}"
                        )
        return lines

    @property
    def errors_count(self) -> int:
        count = len(self.incident_form.errors)
        for formset in self.formsets():
            count += sum(len(form.errors) for form in formset.forms)
            count += len(formset.non_form_errors())
        return count


def _is_used(formset, index: int, form) -> bool:
    """An existing row, or a new one the user filled in (blank new rows are ignored)."""
    return index < formset.initial_form_count() or form.has_changed()


def _nothing_read() -> dict:
    return {"incident": {}, "acts": [], "sources": [], "people": [], "outcomes": []}


def _outcomes(incident: Incident | None) -> list[list]:
    """Each act's outcomes, in the editor's row order: its history under the row."""
    if incident is None:
        return []
    acts = incident.acts.prefetch_related("outcomes__outcome_type")
    return [list(act.outcomes.all()) for act in acts]


def _initial(incident: Incident | None, *, include_people: bool) -> dict:
    if incident is None:
        return {"incident": {}, "acts": [], "sources": [], "people": [], "outcomes": []}
    fields = {name: getattr(incident, name) for name in IncidentForm._meta.fields}
    fields["tags"] = ", ".join(tag.name for tag in incident.tags.all())
    acts = list(
        incident.acts.select_related(
            "act_type", "legal_provision", "trigger_type", "perpetrator"
        ).prefetch_related("outcomes__outcome_type")
    )
    act_rows, outcomes, act_numbers = [], [], {}
    for number, act in enumerate(acts, start=1):
        row = {name: getattr(act, name) for name in ActForm._meta.fields}
        row["id"] = act.pk
        latest = act.latest_outcome
        if latest:
            row.update(
                outcome_type=latest.outcome_type, outcome_date=latest.date, outcome_note=latest.note
            )
        act_rows.append(row)
        outcomes.append(list(act.outcomes.all()))
        act_numbers[act.pk] = number
    sources = []
    for link in incident.source_links.select_related("source__channel").order_by("id"):
        source = link.source
        row = {name: getattr(source, name) for name in SourceForm._meta.fields}
        row.update(
            id=source.pk,
            supports=link.supports,
            found=FOUND_INDEPENDENTLY if link.found_independently else FOUND_BY_SEARCHING,
            published_on=source.published_at.date() if source.published_at else None,
        )
        sources.append(row)
    people = []
    if include_people:
        involvements = (
            Involvement.objects.filter(act__incident=incident)
            .select_related("person")
            .order_by("act__position", "act_id", "id")
        )
        for involvement in involvements:
            person = involvement.person
            row = {name: getattr(person, name) for name in PersonForm._meta.fields}
            row.update(
                id=involvement.pk,
                role=involvement.role,
                act_number=act_numbers.get(involvement.act_id, 1),
            )
            people.append(row)
    return {
        "incident": fields,
        "acts": act_rows,
        "sources": sources,
        "people": people,
        "outcomes": outcomes,
    }
