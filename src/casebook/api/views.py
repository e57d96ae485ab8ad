"""Your account's API tokens: the list, a new token (shown once), revoking one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from casebook.accounts import roles
from casebook.accounts.access import staff_required
from casebook.accounts.security import client_address, needs_second_factor
from casebook.api.forms import TokenCreateForm
from casebook.api.models import AccessToken
from casebook.api.services import token_create, token_revoke, tokens_of


@staff_required
def tokens(request):
    form = TokenCreateForm(
        request.POST or None,
        needs_code=needs_second_factor(request.user),
        may_see_people=roles.may_see_people(request.user),
    )
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, raw = token_create(
                user=request.user,
                name=data["name"],
                scopes=data["scopes"],
                days=data["days"],
                second_factor=data.get("second_factor", ""),
                ip_address=client_address(request),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                target = field if field in form.fields else None
                for message in errors:
                    form.add_error(target, message)
        else:
            created = (token, raw)
            form = TokenCreateForm(
                needs_code=needs_second_factor(request.user),
                may_see_people=roles.may_see_people(request.user),
            )
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens_of(request.user), "created": created},
    )
    return response


@require_POST
@staff_required
def token_revoke_view(request, pk: int):
    token = get_object_or_404(AccessToken, pk=pk)
    if token.user_id != request.user.pk:
        raise PermissionDenied("You revoke your own tokens here; administrators use the admin.")
    if token_revoke(token=token, actor=request.user, ip_address=client_address(request)):
        messages.success(request, f"The token {token.prefix}… no longer works.")
    return redirect("api:tokens")
