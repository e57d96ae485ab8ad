from django.urls import path

from casebook.analysis import views
from casebook.analysis.lists import views as lists

app_name = "analysis"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("charts/<slug:name>.svg", views.chart, name="chart"),
    path("statistics.csv", views.export, name="export"),
    path("report.pdf", views.report, name="report"),
    path("lists/", lists.lists_page, name="lists"),
    path("lists/<int:pk>/", lists.list_edit, name="list-edit"),
    path("lists/<int:pk>/delete/", lists.list_delete, name="list-delete"),
]
