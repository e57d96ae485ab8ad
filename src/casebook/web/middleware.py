from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve

from casebook.accounts.security import needs_second_factor


class LoginRequiredMiddleware:
    """Every page needs a signed-in user, except the few listed as public; coordinators and
    administrators also need their second factor before anything else, and then everyone
    whose password someone else chose must choose their own.

    Deny by default: a new view is private unless it is added to PUBLIC_PREFIXES, or is
    marked public itself with Django's `login_not_required` (the public portal's pages). The
    API (/api/) signs in with a personal access token on every request instead of a session:
    it answers a missing token itself (401, api/auth.py); its document and docs page are public.
    """

    PUBLIC_PREFIXES = (
        "/accounts/login/",
        "/accounts/invitation/",
        "/static/",
        "/healthz",
        "/metrics",  # its own token (web/health.py)
        "/api/",
    )
    SECOND_FACTOR_EXEMPT = (
        "/accounts/two-factor/",
        "/accounts/logout/",
        "/static/",
        "/healthz",
        "/metrics",
    )
    PASSWORD_CHANGE_EXEMPT = ("/accounts/password/", *SECOND_FACTOR_EXEMPT)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/api/"):
            return self.get_response(request)  # tokens, never the session (see above)
        user = request.user
        if not user.is_authenticated:
            if not path.startswith(self.PUBLIC_PREFIXES) and not _public_view(path):
                return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        elif (
            needs_second_factor(user)
            and not user.is_verified()
            and not path.startswith(self.SECOND_FACTOR_EXEMPT)
        ):
            return redirect_to_login(request.get_full_path(), resolve_url("accounts:two-factor"))
        elif getattr(user, "must_change_password", False) and not path.startswith(
            self.PASSWORD_CHANGE_EXEMPT
        ):
            # Someone else chose this password: the user chooses their own before anything.
            return redirect_to_login(
                request.get_full_path(), resolve_url("accounts:password-change")
            )
        return self.get_response(request)


def _public_view(path: str) -> bool:
    """Is the view at `path` marked `login_not_required`? (An unknown path: no.)"""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "login_required", True) is False


class SecurityHeadersMiddleware:
    """A strict content security policy: our own scripts and styles only, no framing."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    # Django's admin sets a few inline style attributes; it is for administrators only.
    ADMIN_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.ADMIN_POLICY if request.path_info.startswith("/admin/") else self.POLICY
        # A page that shows pictures from elsewhere names their origins (the portal's map,
        # when an administrator chose a tile server); nothing else is loosened.
        extra = " ".join(getattr(response, "csp_img_sources", ()))
        if extra:
            policy = policy.replace(
                "img-src 'self' data: blob:", f"img-src 'self' data: blob: {extra}"
            )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages with case data must not linger in shared caches or the back button.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
