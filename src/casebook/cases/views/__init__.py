"""The casework pages. Views stay thin: a form parses, a role check decides, a service acts."""

from casebook.cases.views.editing import incident_create, incident_edit
from casebook.cases.views.incidents import incident_detail, incident_list, incident_status
from casebook.cases.views.protests import protest_detail, protest_list

__all__ = [
    "incident_create",
    "incident_detail",
    "incident_edit",
    "incident_list",
    "incident_status",
    "protest_detail",
    "protest_list",
]
