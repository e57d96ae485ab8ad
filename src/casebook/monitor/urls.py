from django.urls import path

from casebook.monitor import views

app_name = "monitor"

urlpatterns = [
    path("", views.candidate_list, name="candidate-list"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate-detail"),
    path("candidates/<int:pk>/accept/", views.candidate_accept, name="candidate-accept"),
    path("candidates/<int:pk>/edit/", views.candidate_edit, name="candidate-edit"),
    path("candidates/<int:pk>/merge/", views.candidate_merge, name="candidate-merge"),
    path("candidates/<int:pk>/reject/", views.candidate_reject, name="candidate-reject"),
    path("feeds/", views.feed_list, name="feed-list"),
    path("feeds/<int:pk>/pause/", views.feed_toggle, name="feed-toggle"),
    path("feeds/<int:pk>/delete/", views.feed_delete, name="feed-delete"),
    path("pages/", views.page_list, name="page-list"),
    path("pages/<int:pk>/", views.page_detail, name="page-detail"),
]
