"""Administrators hold every model permission through their role, not through per-model grants.

Roles are groups (accounts.roles); an administrator who is not a Django superuser would
otherwise see an empty admin. Everything the admin refuses to everyone (editing the audit
trail) is refused by its ModelAdmin, not by permissions, so it stays refused.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from casebook.accounts.roles import Role, has_role


class AdministratorRoleBackend(BaseBackend):
    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return bool(user_obj.is_active and has_role(user_obj, Role.ADMINISTRATOR))

    def has_module_perms(self, user_obj, app_label) -> bool:
        return self.has_perm(user_obj, app_label)
