"""Rows of the project's permission matrix (tests/web/test_permissions.py) for the API's URLs
and the token pages.

The API signs in with tokens only: a browser's session, whoever it belongs to, gets 401 (a
problem document, never a redirect to sign in). Its document and docs page are public: they
describe the API and hold no record. What each token may do is the API's own matrix,
tests/api/test_matrix.py, over every operation and every role's token.
"""

from __future__ import annotations

from django.urls import reverse

from tests.api.operations import OPERATIONS

#        administrator, coordinator, caseworker, analyst, outsider, anonymous
STAFF_PAGE = (200, 200, 200, 200, 403, 302)
EVERYONE = (200,) * 6
TOKEN_ONLY = (401,) * 6


def _fresh_token(w):
    from casebook.api.models import AccessToken
    from tests.api.conftest import raw_token_for
    from tests.factories import UserFactory

    raw_token_for(UserFactory(role="caseworker"))
    return AccessToken.objects.latest("pk").pk


API_MATRIX = {
    "api:tokens": ("GET", lambda w: reverse("api:tokens"), STAFF_PAGE),
    # Someone else's token: nobody revokes it from this page (administrators use the admin).
    "api:token-revoke": (
        "POST",
        lambda w: reverse("api:token-revoke", args=[_fresh_token(w)]),
        (403, 403, 403, 403, 403, 302),
    ),
    "api-v1:openapi-json": ("GET", lambda w: reverse("api-v1:openapi-json"), EVERYONE),
    "api-v1:openapi-view": ("GET", lambda w: reverse("api-v1:openapi-view"), EVERYONE),
    # Nothing lives at the root: the docs page is the way in.
    "api-v1:api-root": ("GET", lambda w: reverse("api-v1:api-root"), (404,) * 6),
}
# One row per URL name: a browser's session is no token, whatever the method (a path that
# has no GET is asked with POST, which the matrix test sends).
_GET_PATHS = {operation.path for operation in OPERATIONS if operation.method == "GET"}
for operation in OPERATIONS:
    method = "GET" if operation.path in _GET_PATHS else "POST"
    API_MATRIX[operation.url_name] = (method, operation.build, TOKEN_ONLY)

# The API's URLs answer for themselves (401, never a redirect to the sign-in page).
API_NOT_REDIRECTED = {name for name in API_MATRIX if name.startswith("api-v1:")}
