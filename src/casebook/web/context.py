from django.contrib.auth.models import AnonymousUser

from casebook.accounts import roles as access


def roles(request):
    # A request refused before the authentication middleware ran (a forged Host header) has
    # no user yet; its error page is rendered as for someone signed out.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "user_roles": sorted(r.value for r in access.roles_of(user)),
        "can_edit_cases": access.can_edit_cases(user),
        "can_verify": access.can_verify(user),
        "can_export": access.can_export(user),
        "can_import": access.can_import(user),
        "may_see_people": access.may_see_people(user),
        "is_administrator": access.has_role(user, access.Role.ADMINISTRATOR),
    }
