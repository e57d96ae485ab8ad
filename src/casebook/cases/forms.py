"""Forms of the casework pages: the incident list's filters and the one-page incident editor.

The editor is several forms on one page (the incident, its acts, sources and people);
`IncidentEditor` binds them together, checks what spans them (a person's act row) and turns
them into an `IncidentDraft` for `cases.editing.incident_save`.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from casebook.cases.editing import (
    ActDraft,
    IncidentDraft,
    OutcomeDraft,
    PersonDraft,
    SourceDraft,
    tag_names,
)
from casebook.cases.filters import DEFAULT_SORT
from casebook.cases.models import Act, Incident, IncidentStatus, Protest, Tag
from casebook.codebook.models import (
    ActType,
    LegalProvision,
    Organisation,
    OutcomeType,
    TriggerType,
)
from casebook.people.models import Involvement, Person
from casebook.sources.models import Channel, Source

DATE_HELP = "YYYY-MM-DD, e.g. 2024-05-04"


class PlainLabels:
    """Labels without Django's trailing colon; required fields' labels get a CSS class."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class FastSelect(forms.Select):
    """A select whose options are written in Python, not one template render per option.

    The codebook selects hold hundreds of options (forces, provisions); Django's default
    rendering spent more time on them than the incident list spends on its queries.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, mark_safe(" selected") if str(option) in selected else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=_date_input(),
        **kwargs,
        error_messages={"invalid": f"Give the {label.lower()} as a date, {DATE_HELP}."},
    )


def _codebook_choice(
    queryset,
    *,
    label: str,
    what: str,
    required: bool = False,
    empty_label: str = "—",
    field_class=forms.ModelChoiceField,
):
    return field_class(
        queryset=queryset,
        to_field_name="slug",
        required=required,
        label=label,
        empty_label=empty_label,
        widget=FastSelect,
        error_messages={
            "invalid_choice": f"“%(value)s” is not a {what} in the codebook; choose one "
            "from the list.",
            "required": f"Choose the {what}.",
        },
    )


class ProvisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LegalProvision) -> str:
        return f"{obj.citation} — {obj.title}" if obj.title else obj.citation


# --- The incident list ---------------------------------------------------------------------

SORT_CHOICES = [
    ("-date", "Newest first"),
    ("date", "Oldest first"),
    ("reference", "Reference (A–Z)"),
    ("-reference", "Reference (Z–A)"),
    ("title", "Title (A–Z)"),
    ("-title", "Title (Z–A)"),
]


class IncidentFilterForm(PlainLabels, forms.Form):
    """The list's GET parameters. Their names are a public interface (bench scripts, links)."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.SearchInput(
            attrs={"placeholder": "Words in titles, placards, offences, sources…"}
        ),
    )
    date_from = _date_field("From date", required=False)
    date_to = _date_field("To date", required=False)
    force = _codebook_choice(
        Organisation.objects.only("slug", "name"),
        label="Police force",
        what="police force",
        empty_label="Any force",
    )
    act_type = _codebook_choice(
        ActType.objects.only("slug", "label"),
        label="Act",
        what="type of act",
        empty_label="Any act",
    )
    provision = _codebook_choice(
        LegalProvision.objects.only("slug", "citation", "title"),
        label="Legal provision",
        what="legal provision",
        empty_label="Any provision",
        field_class=ProvisionChoiceField,
    )
    trigger = _codebook_choice(
        TriggerType.objects.only("slug", "label"),
        label="Trigger",
        what="trigger",
        empty_label="Any trigger",
    )
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any status"), *IncidentStatus.choices],
        error_messages={"invalid_choice": "“%(value)s” is not a status; choose one from the list."},
    )
    # An id, set by links from a protest's page: a select of every protest would be huge.
    protest = forms.ModelChoiceField(
        Protest.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "There is no protest with id %(value)s; remove the protest filter."
        },
    )
    tag = forms.CharField(required=False, max_length=60, label="Tag")
    sort = forms.ChoiceField(
        required=False,
        choices=SORT_CHOICES,
        label="Sort by",
        error_messages={
            "invalid_choice": "Sort by date, reference or title (“%(value)s” is not one of them)."
        },
    )

    def clean_tag(self) -> Tag | None:
        name = self.cleaned_data["tag"].strip()
        if not name:
            return None
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            raise ValidationError(f"No incident is tagged “{name}”; check the spelling.")
        return tag

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or DEFAULT_SORT

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The to date is before the from date; swap them.")
        return data

    def filters(self) -> dict:
        """Keyword arguments for `cases.filters.incidents_filtered`."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


# --- The incident editor -------------------------------------------------------------------


class IncidentForm(PlainLabels, forms.ModelForm):
    force = _codebook_choice(Organisation.objects.all(), label="Police force", what="police force")
    protest = forms.ModelChoiceField(
        Protest.objects.all(),
        required=False,
        label="Protest",
        empty_label="None or new",
        widget=FastSelect,
        help_text="Recent protests. For an older one, open its page under Protests and choose "
        "“Record an incident at this protest”.",
        error_messages={"invalid_choice": "That protest no longer exists; choose another."},
    )
    tags = forms.CharField(
        required=False,
        max_length=500,
        label="Tags",
        help_text="Separated by commas, e.g. kettling, placards",
    )
    new_protest_name = forms.CharField(required=False, max_length=200, label="New protest name")
    new_protest_date = _date_field("New protest date", required=False)
    new_protest_place = forms.CharField(required=False, max_length=200, label="New protest place")

    class Meta:
        model = Incident
        fields = [
            "title",
            "summary",
            "date",
            "date_precision",
            "end_date",
            "time",
            "place",
            "country",
            "latitude",
            "longitude",
            "coordinate_precision",
            "force",
            "protest",
        ]
        widgets = {
            "date": _date_input(),
            "end_date": _date_input(),
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "country": forms.TextInput(attrs={"size": 2, "maxlength": 2}),
        }
        labels = {"date": "Date", "end_date": "End date", "date_precision": "Date known to the"}
        help_texts = {"date_precision": "If only the month or year is known, give the first day."}
        error_messages = {
            "title": {
                "required": "Give the incident a title, e.g. “Three arrested over "
                "placards at Testford march”."
            },
            "date": {
                "required": f"Give the date of the incident, {DATE_HELP}.",
                "invalid": f"Give the date of the incident as {DATE_HELP}.",
            },
            "end_date": {"invalid": f"Give the end date as {DATE_HELP}."},
            "time": {"invalid": "Give the time as hours and minutes, e.g. 14:30."},
        }

    PROTESTS_LISTED = 200

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any protest is valid, but a casebook holds thousands: list the recent ones and the
        # one already chosen, not a select of 20,000 options.
        chosen = str(self["protest"].value() or "")  # an id, from the data or the initial
        recent = list(Protest.objects.order_by("-date", "-id")[: self.PROTESTS_LISTED])
        if chosen.isdigit() and int(chosen) not in {protest.pk for protest in recent}:
            recent += list(Protest.objects.filter(pk=int(chosen)))
        self.fields["protest"].widget.choices = [("", "None or new")] + [
            (protest.pk, str(protest)) for protest in recent
        ]

    def clean_tags(self) -> list[str]:
        names = tag_names(self.cleaned_data["tags"])
        too_long = [name for name in names if len(name) > 60]
        if too_long:
            raise ValidationError(
                f"The tag “{too_long[0][:20]}…” is longer than 60 characters; shorten it."
            )
        return names

    def clean(self):
        data = super().clean()
        if data.get("new_protest_name") and data.get("protest"):
            self.add_error(
                "new_protest_name", "Choose an existing protest or name a new one, not both."
            )
        elif (data.get("new_protest_date") or data.get("new_protest_place")) and not data.get(
            "new_protest_name"
        ):
            self.add_error("new_protest_name", "Give the new protest a name.")
        return data

    def new_protest(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("new_protest_name"):
            return None
        return {
            "name": data["new_protest_name"],
            "date": data.get("new_protest_date"),
            "place": data.get("new_protest_place") or "",
        }


class ActForm(PlainLabels, forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    act_type = _codebook_choice(
        ActType.objects.all(), label="Act", what="type of act", required=True
    )
    legal_provision = _codebook_choice(
        LegalProvision.objects.all(),
        label="Legal provision",
        what="legal provision",
        empty_label="None given",
        field_class=ProvisionChoiceField,
    )
    trigger_type = _codebook_choice(
        TriggerType.objects.all(), label="Trigger", what="trigger", empty_label="Not known"
    )
    perpetrator = _codebook_choice(
        Organisation.objects.all(),
        label="Done by",
        what="police force or organisation",
        empty_label="The incident's force",
    )
    outcome_type = _codebook_choice(
        OutcomeType.objects.all(), label="Outcome", what="outcome", empty_label="No outcome yet"
    )
    outcome_date = _date_field("Outcome date", required=False)
    outcome_note = forms.CharField(required=False, max_length=500, label="Outcome note")

    class Meta:
        model = Act
        fields = [
            "act_type",
            "number_affected",
            "number_precision",
            "legal_provision",
            "offence_wording",
            "trigger_type",
            "trigger_wording",
            "perpetrator",
            "perpetrator_unit",
        ]
        labels = {
            "number_affected": "How many people",
            "number_precision": "That number is",
            "trigger_wording": "Trigger's words",
            "perpetrator_unit": "Unit",
        }
        widgets = {"trigger_wording": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "number_affected": {
                "invalid": "Give how many people as a whole number, or leave it empty if unknown."
            },
        }

    def clean(self):
        data = super().clean()
        if (data.get("outcome_date") or data.get("outcome_note")) and not data.get("outcome_type"):
            self.add_error("outcome_type", "Choose the outcome that the date or note is about.")
        return data

    def draft(self) -> ActDraft:
        data = self.cleaned_data
        outcome = None
        if data.get("outcome_type"):
            outcome = OutcomeDraft(
                outcome_type=data["outcome_type"],
                date=data.get("outcome_date"),
                note=data.get("outcome_note") or "",
            )
        return ActDraft(
            fields={name: data.get(name) for name in self._meta.fields},
            id=data.get("id"),
            delete=bool(data.get("DELETE")),
            outcome=outcome,
        )


class SourceForm(PlainLabels, forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    channel = _codebook_choice(
        Channel.objects.all(), label="Channel", what="channel", required=True
    )
    url = forms.URLField(
        required=False,
        max_length=1000,
        label="Link",
        assume_scheme="https",
        error_messages={
            "invalid": "Give a full web address such as https://news.example/…, "
            "or leave the link empty."
        },
    )
    published_on = _date_field("Published", required=False)
    supports = forms.CharField(
        required=False,
        max_length=500,
        label="Supports",
        help_text="What this source supports, e.g. “arrest count”.",
    )

    class Meta:
        model = Source
        fields = [
            "kind",
            "channel",
            "title",
            "url",
            "publisher",
            "text",
            "reliability",
            "credibility",
        ]
        labels = {"text": "Text or notes"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "title": {"required": "Give the source a title, e.g. the headline."},
            "kind": {"required": "Choose what kind of source this is."},
        }

    def draft(self) -> SourceDraft:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self._meta.fields}
        fields["published_at"] = data.get("published_on")
        return SourceDraft(
            fields=fields,
            supports=data.get("supports") or "",
            id=data.get("id"),
            delete=bool(data.get("DELETE")),
        )


class PersonForm(PlainLabels, forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the involvement
    role = forms.ChoiceField(choices=Involvement.Role.choices, initial=Involvement.Role.AFFECTED)
    act_number = forms.IntegerField(
        min_value=1,
        initial=1,
        label="Act row",
        help_text="The number of the act above that this person was part of.",
        error_messages={
            "required": "Give the number of the act row this person belongs to.",
            "min_value": "Act rows are numbered from 1.",
        },
    )

    class Meta:
        model = Person
        fields = ["full_name", "contact", "consent_record", "consent_share", "consent_publish"]
        labels = {
            "full_name": "Name",
            "consent_record": "Agrees we keep their details",
            "consent_share": "Agrees we share with partners",
            "consent_publish": "Agrees their redacted account is published",
        }

    def draft(self, act_index: int) -> PersonDraft:
        data = self.cleaned_data
        return PersonDraft(
            fields={name: data.get(name) for name in self._meta.fields},
            role=data["role"],
            act_index=act_index,
            involvement_id=data.get("id"),
            delete=bool(data.get("DELETE")),
        )


class RowFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this row when saving"


def _formset(form, *, extra: int = 1):
    return forms.formset_factory(
        form, formset=RowFormSet, extra=extra, can_delete=True, can_delete_extra=False
    )


ActFormSet = _formset(ActForm)
SourceFormSet = _formset(SourceForm)
PersonFormSet = _formset(PersonForm)


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
    ):
        self.incident = incident
        self.include_people = include_people
        initial = _initial(incident, include_people=include_people)
        if protest is not None and incident is None:
            initial["incident"]["protest"] = protest
        if data is not None and add_row in self.FORMSETS:
            # Without JavaScript, "Add another" posts the form back with one more blank row.
            data = data.copy()
            key = f"{add_row}-TOTAL_FORMS"
            data[key] = str(int(data.get(key) or 0) + 1)
        self.incident_form = IncidentForm(data, initial=initial["incident"])
        self.acts = ActFormSet(data, initial=initial["acts"], prefix="acts")
        self.sources = SourceFormSet(data, initial=initial["sources"], prefix="sources")
        self.people = (
            PersonFormSet(data, initial=initial["people"], prefix="people")
            if include_people
            else None
        )
        outcomes = initial["outcomes"]
        for index, form in enumerate(self.acts.forms):
            form.outcomes = outcomes[index] if index < len(outcomes) else []

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
