from django.urls import path

from casebook.linkage import views

app_name = "linkage"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair-detail"),
    path("pairs/<int:pk>/decide/", views.pair_decide, name="pair-decide"),
    path("merges/", views.merge_list, name="merge-list"),
    path("merges/<int:pk>/", views.merge_detail, name="merge-detail"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge-undo"),
    path("settings/", views.settings_edit, name="settings"),
    path("people/", views.people_twice, name="people"),
    path("people/merge/", views.people_merge, name="people-merge"),
    path("people/merges/<int:pk>/undo/", views.people_unmerge, name="people-unmerge"),
]
