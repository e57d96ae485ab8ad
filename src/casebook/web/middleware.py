from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url


class LoginRequiredMiddleware:
    """Every page needs a signed-in user, except the few listed as public.

    Deny by default: a new view is private unless it is added to PUBLIC_PREFIXES.
    """

    PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not request.user.is_authenticated and not path.startswith(self.PUBLIC_PREFIXES):
            # The admin has its own login page; send everyone to ours for one experience.
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        return self.get_response(request)
