from django.urls import path

from casebook.api import views

app_name = "api"

# Under /accounts/tokens/: the pages of one's own tokens (the API itself is at /api/v1/).
urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoke/", views.token_revoke_view, name="token-revoke"),
]
