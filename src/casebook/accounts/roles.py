"""The four staff roles, kept as Django groups so administrators manage them in the admin,
and the predicates every permission check is written with (views gate themselves with
`accounts.access.role_required(<predicate>, …)`).

Who sees people's personal details:
- administrators and coordinators: everyone's;
- caseworkers: people on incidents they work on (they created it or are assigned to it);
- analysts: nobody's, anywhere (aggregates only).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    COORDINATOR = "coordinator"
    CASEWORKER = "caseworker"
    ANALYST = "analyst"


ALL_ROLES = tuple(Role)


def roles_of(user) -> set[Role]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_casebook_roles", None)
    if cached is None:
        roles_remember(user, set(user.groups.values_list("name", flat=True)))
        cached = user._casebook_roles
    return cached


def roles_remember(user, group_names: set[str]) -> None:
    """Keep on this user instance (one request's) the roles its groups give it, read once."""
    roles = {role for role in Role if role.value in group_names}
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    user._casebook_roles = roles


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def is_administrator(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def is_staff_member(user) -> bool:
    """Any of the four roles: an account without a role sees nothing."""
    return bool(roles_of(user))


def can_edit_cases(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR, Role.CASEWORKER)


def can_verify(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR)


def sees_all_people(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR)


def may_see_people(user) -> bool:
    """May this user see personal details of anybody at all?"""
    return has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR, Role.CASEWORKER)


def can_import(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR)


def can_export(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR, Role.ANALYST)
