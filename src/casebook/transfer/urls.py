from django.urls import path

from casebook.transfer import views

app_name = "transfer"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    # The token names a file held for this session only; the file's rows never go in a URL.
    path("import/rejects/<str:token>/", views.import_rejects, name="import-rejects"),
    path("export/", views.export_page, name="export"),
]
