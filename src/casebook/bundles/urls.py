from django.urls import path

from casebook.bundles import views

app_name = "bundles"

urlpatterns = [
    path("incidents/<str:reference>/bundle/", views.incident_bundle, name="incident-bundle"),
]
