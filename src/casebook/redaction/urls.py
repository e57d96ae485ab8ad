from django.urls import path

from casebook.redaction import views

app_name = "redaction"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("propose/", views.propose_lookup, name="propose"),
    path(
        "propose/incident/<str:reference>/<str:field>/",
        views.propose_incident,
        name="propose-incident",
    ),
    path("propose/source/<int:pk>/<str:field>/", views.propose_source, name="propose-source"),
    path("propose/evidence/<int:pk>/", views.propose_evidence, name="propose-evidence"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/spans/", views.spans, name="spans"),
    path("<int:pk>/boxes/", views.boxes, name="boxes"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/original/", views.original_image, name="original-image"),
    path("<int:pk>/redacted/", views.redacted_image, name="redacted-image"),
]
