"""Forms of the monitor's pages: adding a feed, filtering the queue, merging, rejecting."""

from __future__ import annotations

from django import forms
from django.conf import settings

from casebook.cases.models import Incident
from casebook.monitor.models import Candidate, Feed, Page, RejectReason


class FeedForm(forms.Form):
    url = forms.URLField(
        max_length=1000,
        label="Address",
        assume_scheme="https",
        error_messages={"invalid": "Give a full web address, e.g. https://news.example/feed.xml."},
    )
    name = forms.CharField(
        max_length=200,
        required=False,
        label="Name",
        help_text="Shown in lists; the site's name if left empty.",
    )
    kind = forms.ChoiceField(choices=Feed.Kind.choices, initial=Feed.Kind.RSS, label="Kind")
    interval_minutes = forms.IntegerField(
        min_value=5,
        max_value=7 * 24 * 60,
        label="Read every (minutes)",
        initial=lambda: settings.MONITOR_FEED_INTERVAL_MINUTES,
        error_messages={"min_value": "Read a feed at most every 5 minutes: publishers notice."},
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if Feed.objects.filter(url=url).exists():
            raise forms.ValidationError("This address is already monitored.")
        return url


QUEUE_STATUSES = [
    ("pending", "Waiting for review"),
    ("accepted", "Accepted"),
    ("merged", "Merged"),
    ("rejected", "Rejected"),
    ("all", "All"),
]


class CandidateFilterForm(forms.Form):
    status = forms.ChoiceField(choices=QUEUE_STATUSES, required=False, label="Show")

    def statuses(self) -> list[str]:
        value = (self.cleaned_data.get("status") if self.is_valid() else "") or "pending"
        return list(Candidate.Status.values) if value == "all" else [value]


PAGE_STATUSES = [("", "Any status"), *Page.Status.choices]


class PageFilterForm(forms.Form):
    status = forms.ChoiceField(choices=PAGE_STATUSES, required=False, label="Status")
    relevant = forms.ChoiceField(
        choices=[("", "Relevant or not"), ("yes", "Relevant"), ("no", "Not relevant")],
        required=False,
        label="Relevance",
    )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        choices=RejectReason.choices,
        label="Why reject it",
        error_messages={"required": "Choose why the candidate is rejected."},
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        label="Note",
        widget=forms.TextInput(attrs={"placeholder": "Optional"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == RejectReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", "Say why, when the reason is “another reason”.")
        return data


class MergeForm(forms.Form):
    reference = forms.CharField(
        max_length=20,
        label="Incident reference",
        widget=forms.TextInput(attrs={"placeholder": "CB-2025-000123"}),
        error_messages={"required": "Give the reference of the incident to merge into."},
    )

    def clean_reference(self) -> Incident:
        reference = self.cleaned_data["reference"].strip().upper()
        incident = Incident.objects.filter(reference=reference).first()
        if incident is None:
            raise forms.ValidationError(f"There is no incident {reference}.")
        return incident
