from __future__ import annotations

from django import forms

from casebook.linkage.models import Verdict


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices)


class SettingsForm(forms.Form):
    auto_merge = forms.BooleanField(
        required=False,
        label="Merge clear matches automatically",
        help_text="Pairs at or above the threshold below merge without asking anyone; "
        "every merge can be undone.",
    )
    auto_merge_threshold = forms.FloatField(
        min_value=0.5,
        max_value=0.999999,
        label="Automatic merging from a match probability of",
        help_text="Between 0.5 and 1, e.g. 0.999.",
    )
