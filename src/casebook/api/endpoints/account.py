"""Who the token is: its user, role and scopes."""

import datetime as dt

from ninja import Router, Schema

from casebook.accounts.roles import roles_of
from casebook.api.problems import COMMON

router = Router(tags=["account"])


class Me(Schema):
    username: str
    roles: list[str]
    scopes: list[str]
    token_expires_at: dt.datetime


@router.get("/me", response={200: Me, **COMMON}, summary="The token's user, roles and scopes")
def me(request):
    token = request.auth
    return {
        "username": request.user.get_username(),
        "roles": sorted(role.value for role in roles_of(request.user)),
        "scopes": sorted(token.scope_set),
        "token_expires_at": token.expires_at,
    }
