"""The forms of the incident pages: the list's filters, the editor and its rows."""

from casebook.casework.forms.editor import IncidentEditor
from casebook.casework.forms.incident_list import IncidentFilterForm
from casebook.casework.forms.rows import (
    ActForm,
    ActFormSet,
    IncidentForm,
    PersonForm,
    PersonFormSet,
    SourceForm,
    SourceFormSet,
)

__all__ = [
    "ActForm",
    "ActFormSet",
    "IncidentEditor",
    "IncidentFilterForm",
    "IncidentForm",
    "PersonForm",
    "PersonFormSet",
    "SourceForm",
    "SourceFormSet",
]
