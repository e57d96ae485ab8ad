from django.urls import path

from casebook.releases import views

app_name = "releases"

urlpatterns = [
    path("", views.release_list, name="list"),
    path("manage/", views.manage, name="manage"),
    path("<str:version>.zip", views.release_zip, name="zip"),
    path("<str:version>/<str:name>", views.release_file, name="file"),
]
