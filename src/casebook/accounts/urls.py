from django.contrib.auth import views as auth_views
from django.urls import path

from casebook.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invitation/<str:code>/", views.invitation, name="invitation"),
    path("password/", views.password_change, name="password-change"),
]
