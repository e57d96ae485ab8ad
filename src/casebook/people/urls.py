from django.urls import path

from casebook.people import views

app_name = "people"

# People are addressed by their pseudonymous reference (P-000123), never by anything personal.
urlpatterns = [
    path("people/", views.person_list, name="person-list"),
    path("people/<str:reference>/", views.person_detail, name="person-detail"),
    path("people/<str:reference>/erase/", views.person_erase_view, name="person-erase"),
]
