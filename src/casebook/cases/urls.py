from django.urls import path

from casebook.cases import views

app_name = "cases"

# The incident pages (list, page, editor, status) are casework's: casework/urls.py.
urlpatterns = [
    path("protests/", views.protest_list, name="protest-list"),
    path("protests/<int:pk>/", views.protest_detail, name="protest-detail"),
]
