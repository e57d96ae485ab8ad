from django.urls import path

from casebook.sources import views

app_name = "sources"

# Evidence is addressed by the incident's reference or its own number, never by a file name.
urlpatterns = [
    path("incidents/<str:reference>/evidence/", views.incident_evidence, name="incident-evidence"),
    path(
        "incidents/<str:reference>/evidence/upload/", views.evidence_upload, name="evidence-upload"
    ),
    path("evidence/<int:pk>/thumbnail/", views.evidence_thumbnail, name="evidence-thumbnail"),
    path("evidence/<int:pk>/original/", views.evidence_original, name="evidence-original"),
]
