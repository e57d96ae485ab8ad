from django.urls import path

from casebook.analysis import views

app_name = "analysis"

urlpatterns = [
    path("", views.statistics, name="statistics"),
]
