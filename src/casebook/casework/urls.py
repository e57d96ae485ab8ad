from django.urls import path

from casebook.casework import views

app_name = "casework"

# Incidents are addressed by their reference (CB-2024-000123), never by anything personal.
urlpatterns = [
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/new/", views.incident_create, name="incident-create"),
    path("incidents/<str:reference>/", views.incident_detail, name="incident-detail"),
    path("incidents/<str:reference>/edit/", views.incident_edit, name="incident-edit"),
    path("incidents/<str:reference>/status/", views.incident_status, name="incident-status"),
]
