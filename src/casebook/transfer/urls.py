from django.urls import path

from casebook.transfer import views

app_name = "transfer"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    # A job's progress and report; the file's rows never go in a URL.
    path("import/jobs/<int:pk>/", views.import_job, name="import-job"),
    path(
        "import/jobs/<int:pk>/rejects/",
        views.import_job_rejects_download,
        name="import-job-rejects",
    ),
    path("export/", views.export_page, name="export"),
]
