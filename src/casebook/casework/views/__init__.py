"""The incident pages. Views stay thin: a form parses, a role check decides, a service acts."""

from casebook.casework.views.editing import incident_create, incident_edit
from casebook.casework.views.incidents import incident_detail, incident_list, incident_status

__all__ = [
    "incident_create",
    "incident_detail",
    "incident_edit",
    "incident_list",
    "incident_status",
]
