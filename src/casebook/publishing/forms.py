from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType
from casebook.publishing.listing import PublicFilters
from casebook.publishing.models import PortalSettings


class _SlugChoices(forms.models.ModelChoiceIterator):
    """The options as (slug, label) from plain rows: a model instance per option cost an
    uncached list page more than its incidents did. The same options, the same HTML."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for slug, label in self.queryset.values_list("slug", self.field.label_field):
            # Codebook words in the reader's language where the portal has them (terms.py).
            yield (slug, gettext(label))


class _SlugChoice(forms.ModelChoiceField):
    iterator = _SlugChoices

    def __init__(self, queryset, label, label_field="label"):
        super().__init__(
            queryset=queryset,
            to_field_name="slug",
            required=False,
            label=label,
            empty_label=_("Any"),
        )
        self.label_field = label_field

    def label_from_instance(self, obj) -> str:
        return gettext(getattr(obj, self.label_field))


class PublicSearchForm(forms.Form):
    """The public list's filters: the inside list's, as GET parameters with slugs."""

    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    force = _SlugChoice(
        Organisation.objects.exclude(kind=Organisation.Kind.NON_POLICE).order_by("name"),
        _("Police force"),
        "name",
    )
    act_type = _SlugChoice(ActType.objects.all(), _("What police did"))
    provision = _SlugChoice(LegalProvision.objects.all(), _("Law used"), "citation")
    trigger = _SlugChoice(TriggerType.objects.all(), _("Trigger"))
    outcome = _SlugChoice(OutcomeType.objects.all(), _("Outcome reached"))
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.ChoiceField(label=_("Place"), required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("Any"))] + [(p, p) for p in places]

    def filters(self) -> PublicFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return PublicFilters(
            q=(data.get("q") or "").strip(),
            force=data.get("force"),
            act_type=data.get("act_type"),
            provision=data.get("provision"),
            trigger=data.get("trigger"),
            outcome=data.get("outcome"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            place=data.get("place") or "",
        )


class PortalSettingsForm(forms.ModelForm):
    class Meta:
        model = PortalSettings
        fields = [
            "enabled",
            "name",
            "description",
            "place_precision",
            "show_statistics",
            "show_protests",
            "show_posts",
            "show_map",
            "show_feeds",
            "tile_url",
            "show_newsletter",
            "digest_every_days",
            "digest_hour",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class SubmissionForm(forms.Form):
    """The public form: plain words, every question optional but the account itself."""

    account = forms.CharField(
        label=_("What happened to you, or what you saw"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Where and when, what police did, and what came of it. Up to 10,000 characters."
        ),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    contact = forms.CharField(
        label=_("A phone number or e-mail address to reach you (optional)"),
        max_length=300,
        required=False,
    )
    consent_contact = forms.BooleanField(
        label=_("You may keep my name and contact details to get in touch with me about this."),
        required=False,
    )
    consent_use = forms.BooleanField(
        label=_("You may use what I wrote to document this case (your details are never shown)."),
        required=False,
    )
    consent_publish = forms.BooleanField(
        label=_(
            "You may publish what I wrote, once names and details that identify anyone are removed."
        ),
        required=False,
    )
    # Abuse resistance (publishing/intake.py): a field people never see, the form's signed
    # token and the browser's proof of work.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    token = forms.CharField(widget=forms.HiddenInput)
    nonce = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)


class SubmissionAddForm(forms.Form):
    text = forms.CharField(
        label=_("Add to what you sent"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class IntakeDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Turn into a source"), ("discard", "Discard")])
    reference = forms.CharField(
        label="On incident (reference; empty: a new draft incident)", required=False, max_length=20
    )
    reason = forms.CharField(label="Why it is not used", required=False, max_length=300)


class NewsletterForm(forms.Form):
    """Signing up for the newsletter, with the public form's abuse resistance (intake.py)."""

    address = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    website = forms.CharField(required=False, label=_("Leave this empty"))
    token = forms.CharField(widget=forms.HiddenInput)
    nonce = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
