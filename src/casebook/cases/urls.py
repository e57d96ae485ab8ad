from django.urls import path

from casebook.cases import views

app_name = "cases"

urlpatterns = [
    path("incidents/", views.incident_list, name="incident-list"),
]
