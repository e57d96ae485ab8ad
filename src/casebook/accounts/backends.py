"""Signing in, and the signed-in user of each request read with their roles in one query.

Administrators hold every model permission through their role, not through per-model grants.
Roles are groups (accounts.roles); an administrator who is not a Django superuser would
otherwise see an empty admin. Everything the admin refuses to everyone (editing the audit
trail) is refused by its ModelAdmin, not by permissions, so it stays refused.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.db.models import Exists, OuterRef

from casebook.accounts.roles import Role, has_role, roles_remember


class RolesReadBackend(ModelBackend):
    """Django's password backend, whose user of each request comes with their roles read in
    the same query as the user (a request used to spend one more on the user's groups).
    Read on every request, never kept in the session: a role taken away, or the account
    deactivated, counts from the next request on."""

    def get_user(self, user_id):
        model = get_user_model()
        memberships = model.groups.through.objects.filter(user_id=OuterRef("pk"))
        flags = {
            f"_in_{role.name.lower()}": Exists(memberships.filter(group__name=role.value))
            for role in Role
        }
        try:
            user = model._default_manager.annotate(**flags).get(pk=user_id)
        except model.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        roles_remember(
            user, {role.value for role in Role if getattr(user, f"_in_{role.name.lower()}")}
        )
        return user


class AdministratorRoleBackend(BaseBackend):
    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return bool(user_obj.is_active and has_role(user_obj, Role.ADMINISTRATOR))

    def has_module_perms(self, user_obj, app_label) -> bool:
        return self.has_perm(user_obj, app_label)
