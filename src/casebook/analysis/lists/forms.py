"""The form of a list: its name, what it collects, its place in the order, its channels."""

from __future__ import annotations

from django import forms

from casebook.analysis.lists.models import CaptureList
from casebook.sources.models import Channel


class CaptureListForm(forms.ModelForm):
    channels = forms.ModelMultipleChoiceField(
        Channel.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Channels",
        help_text="The channels through which this list's sources reach us. A channel counts "
        "for one list at most.",
    )

    class Meta:
        model = CaptureList
        fields = ["name", "description", "position"]
        labels = {"position": "Order"}
        help_texts = {
            "name": "e.g. “Legal observers”",
            "description": "How this list collects incidents, in a sentence.",
        }
        error_messages = {"name": {"required": "Give the list a name, e.g. “Legal observers”."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["channels"].initial = list(self.instance.channels.all())
