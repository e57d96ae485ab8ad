"""The editor's rows: the incident itself, and one form per act, source and person."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError

from casebook.cases.models import Act, Incident, Protest
from casebook.cases.reading import redact_free_text
from casebook.casework.drafts import (
    PERSON_FIELDS,
    SOURCE_FIELDS,
    ActDraft,
    OutcomeDraft,
    PersonDraft,
    SourceDraft,
    tag_names,
)
from casebook.casework.forms.fields import (
    DATE_HELP,
    FastSelect,
    KeptOptions,
    PlainLabels,
    ProvisionChoiceField,
    codebook_choice,
    date_field,
    date_input,
)
from casebook.codebook.models import (
    ActType,
    LegalProvision,
    Organisation,
    OutcomeType,
    TriggerType,
)
from casebook.people.models import Involvement, Person
from casebook.sources.models import Channel, Source


class IncidentForm(KeptOptions, PlainLabels, forms.ModelForm):
    force = codebook_choice(Organisation.objects.all(), label="Police force", what="police force")
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
    new_protest_date = date_field("New protest date", required=False)
    new_protest_place = forms.CharField(required=False, max_length=200, label="New protest place")

    class Meta:
        model = Incident
        fields = list(Incident.EDITABLE_FIELDS)
        widgets = {
            "date": date_input(),
            "end_date": date_input(),
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

    def __init__(self, *args, redacted_protests: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Any protest is valid, but a casebook holds thousands: list the recent ones and the
        # one already chosen, not a select of 20,000 options.
        chosen = str(self["protest"].value() or "")  # an id, from the data or the initial

        @functools.cache
        def listed() -> list[tuple]:
            recent = Protest.objects.order_by("-date", "-id")
            also = Protest.objects.filter(pk=int(chosen)) if chosen.isdigit() else None
            if redacted_protests:
                # A protest's name is free text ("Vigil for …"); a caseworker reads the names
                # of protests not their own incident's redacted.
                protests = list(recent[: self.PROTESTS_LISTED])
                if also is not None and int(chosen) not in {p.pk for p in protests}:
                    protests += list(also)
                redact_free_text([p for p in protests if str(p.pk) != chosen])
                return [("", "None or new")] + [(p.pk, str(p)) for p in protests]
            # Read as columns: 200 model instances cost more than the rest of the select.
            rows = list(recent.values_list("pk", "name", "date")[: self.PROTESTS_LISTED])
            if also is not None and int(chosen) not in {pk for pk, _n, _d in rows}:
                rows += list(also.values_list("pk", "name", "date"))
            labelled = [(pk, Protest.label_of(name, date)) for pk, name, date in rows]
            return [("", "None or new"), *labelled]

        # Read (once) when the select is shown, not for a save that succeeds (any protest is
        # valid, not only those listed).
        self.fields["protest"].widget.choices = listed

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


class ActForm(KeptOptions, PlainLabels, forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    act_type = codebook_choice(
        ActType.objects.all(), label="Act", what="type of act", required=True
    )
    legal_provision = codebook_choice(
        LegalProvision.objects.all(),
        label="Legal provision",
        what="legal provision",
        empty_label="None given",
        field_class=ProvisionChoiceField,
    )
    trigger_type = codebook_choice(
        TriggerType.objects.all(), label="Trigger", what="trigger", empty_label="Not known"
    )
    perpetrator = codebook_choice(
        Organisation.objects.all(),
        label="Done by",
        what="police force or organisation",
        empty_label="The incident's force",
    )
    outcome_type = codebook_choice(
        OutcomeType.objects.all(), label="Outcome", what="outcome", empty_label="No outcome yet"
    )
    outcome_date = date_field("Outcome date", required=False)
    outcome_note = forms.CharField(required=False, max_length=500, label="Outcome note")

    class Meta:
        model = Act
        fields = list(Act.EDITABLE_FIELDS)
        labels = {
            "number_affected": "How many people (for a seizure, items)",
            "number_precision": "That number is",
            "trigger_wording": "Trigger's words",
            "perpetrator_unit": "Unit",
        }
        widgets = {"trigger_wording": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "number_affected": {
                "invalid": "Give the number as a whole number, or leave it empty if unknown."
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._outcomes: list | Callable[[], list] = []
        # Say what the number counts once the act type is known: people, or items seized.
        chosen = self["act_type"].value()  # a slug, from the data or the initial
        given = self.initial.get("act_type")  # the act's own, on the page of a saved act
        if isinstance(given, ActType) and not self.is_bound:
            counts = [given.counts]
        elif chosen:
            counts = list(ActType.objects.filter(slug=str(chosen)).values_list("counts", flat=True))
        else:
            counts = []
        if counts:
            noun = ActType(counts=counts[0]).count_noun(None)
            self.fields["number_affected"].label = f"How many {noun}"

    @property
    def outcomes(self) -> list:
        """The act's outcome history, shown under the row (set by the editor: a list, or a
        function reading it when the row is first shown)."""
        if callable(self._outcomes):
            self._outcomes = self._outcomes()
        return self._outcomes

    @outcomes.setter
    def outcomes(self, value: list | Callable[[], list]) -> None:
        self._outcomes = value

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


FOUND_INDEPENDENTLY = "independently"
FOUND_BY_SEARCHING = "searching"
FOUND_CHOICES = [
    (FOUND_INDEPENDENTLY, "Independently (it came to us, not looking for this incident)"),
    (FOUND_BY_SEARCHING, "By searching for this incident"),
]
FOUND_VALUES = {FOUND_INDEPENDENTLY: True, FOUND_BY_SEARCHING: False}


class SourceForm(KeptOptions, PlainLabels, forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    channel = codebook_choice(Channel.objects.all(), label="Channel", what="channel", required=True)
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
    published_on = date_field("Published", required=False)
    supports = forms.CharField(
        required=False,
        max_length=500,
        label="Supports",
        help_text="What this source supports, e.g. “arrest count”.",
    )
    found = forms.ChoiceField(
        required=False,
        label="How was it found?",
        choices=FOUND_CHOICES,
        initial=FOUND_INDEPENDENTLY,
        help_text="“By searching” when someone looked for this incident after it was recorded: "
        "the source then does not count as its channel recording the incident in the "
        "undercount estimate.",
    )

    class Meta:
        model = Source
        # The form gives the publication date as a date (published_on), not a timestamp.
        fields = [name for name in SOURCE_FIELDS if name != "published_at"]
        labels = {"text": "Text or notes"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "title": {"required": "Give the source a title, e.g. the headline."},
            "kind": {"required": "Choose what kind of source this is."},
        }

    def __init__(self, *args, channels: Callable[[], list[tuple]] | None = None, **kwargs):
        """`channels`: the channels as (slug, name) in the select's order, read once for all
        of a page's source rows (see `channels_once`); each row reads them itself without."""
        super().__init__(*args, **kwargs)
        self.channels = channels
        if channels is not None:
            field = self.fields["channel"]
            # The options the queryset's own would be: its value (the slug) and label (the
            # name, Channel's str) in its order. Validation still looks the slug up.
            empty = [] if field.empty_label is None else [("", field.empty_label)]
            field.choices = lambda: [*empty, *channels()]

    def blank_key(self) -> tuple | None:
        # The channels are not the codebook's: a new one (an import, the intake) is offered
        # at once. Without the channels read for the page, nothing is kept.
        key = super().blank_key()
        if key is None or self.channels is None:
            return None
        return (*key, tuple(self.channels()))

    def draft(self) -> SourceDraft:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self._meta.fields}
        fields["published_at"] = data.get("published_on")
        return SourceDraft(
            fields=fields,
            supports=data.get("supports") or "",
            id=data.get("id"),
            delete=bool(data.get("DELETE")),
            found_independently=FOUND_VALUES.get(data.get("found") or ""),
        )


def channels_once() -> Callable[[], list[tuple]]:
    """The channels, (slug, name) in name order, read at most once: for `SourceForm`."""
    return functools.cache(
        lambda: list(Channel.objects.order_by("name").values_list("slug", "name"))
    )


class PersonForm(KeptOptions, PlainLabels, forms.ModelForm):
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
        fields = list(PERSON_FIELDS)
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
