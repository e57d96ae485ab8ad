from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from casebook.accounts.models import User

admin.site.register(User, UserAdmin)
admin.site.site_header = "Casebook administration"
admin.site.site_title = "Casebook"


def _administrators_only(request) -> bool:
    from casebook.accounts.roles import Role, has_role

    return request.user.is_active and has_role(request.user, Role.ADMINISTRATOR)


# Only administrators manage users and the codebook; other roles never reach the admin.
admin.site.has_permission = _administrators_only  # type: ignore[method-assign]
