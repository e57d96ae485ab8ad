"""The import and export forms of the web pages."""

from __future__ import annotations

from django import forms

from casebook.cases.models import IncidentStatus
from casebook.transfer.formats import FORMATS

# A web request holds the whole file in memory while it is checked; larger files go through
# `casebook import` on the server, which also shows progress.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="Casebook CSV or JSON, or an ACLED export; UTF-8 text, up to 50 MB.",
    )
    format = forms.ChoiceField(
        choices=[
            ("auto", "Recognise it from the file"),
            *((f.name, f.label) for f in FORMATS.values()),
        ],
        initial="auto",
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run: check and count, write nothing",
    )
    skip_invalid = forms.BooleanField(
        required=False,
        label="Import the valid incidents and hand back the others",
        help_text="Without this, nothing is written if any row has a problem. With it, the "
        "incidents with problems are left out and offered as a file to fix and "
        "import again.",
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 50 MB; split it, or ask an administrator to run "
                "`casebook import` on the server."
            )
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[(f.name, f.label) for f in FORMATS.values()], initial="csv")
    # Verified incidents by default: drafts and rejected reports are not yet facts to share.
    statuses = forms.MultipleChoiceField(
        choices=IncidentStatus.choices,
        initial=[IncidentStatus.VERIFIED],
        widget=forms.CheckboxSelectMultiple,
        label="Incidents that are",
        error_messages={"required": "Tick at least one status to export."},
    )
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="Up to", widget=forms.DateInput(attrs={"type": "date"})
    )
    personal_data = forms.BooleanField(
        required=False,
        label="Include people's personal details",
        help_text="Names, contacts and addresses, and the sources' texts (JSON only). The "
        "export is recorded in the audit trail with the people it contains.",
    )

    def __init__(
        self, *args, personal_data_allowed: bool, status_counts: dict[str, int], **kwargs
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not personal_data_allowed:
            del self.fields["personal_data"]
        statuses = self.fields["statuses"]
        assert isinstance(statuses, forms.ChoiceField)
        statuses.choices = [
            (status, f"{label} ({status_counts.get(status, 0):,})")
            for status, label in IncidentStatus.choices
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "Comes before the start date.")
        if cleaned.get("personal_data") and cleaned.get("format") != "json":
            self.add_error(
                "personal_data",
                "Personal details travel only in the JSON format; choose Casebook JSON.",
            )
        return cleaned
