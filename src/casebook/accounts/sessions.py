"""Sessions read with their user, the user's roles and their authenticator in one query.

Django reads the session, then the user (with their roles), then the authenticator that
verified them: three queries, each built by the ORM, on every request. Here a session's row
names its user and authenticator (`accounts.Session`, copied from its data on save), so
`SessionStore.load` reads all three in one prepared statement and keeps what it found as
`SessionStore.account`; `accounts.middleware.SignedInMiddleware` makes `request.user` from
it. Nothing about the user is kept in the session itself: each request reads their row,
roles and authenticator as they are now.

    SESSION_ENGINE = "casebook.accounts.sessions"
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connections, models, router
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebook.accounts.models import Session, User
from casebook.accounts.roles import Role

# The persistent id django_otp keeps in the session for a TOTP authenticator, before its id.
TOTP_PREFIX = f"{TOTPDevice._meta.label_lower}/"
ROLE_BITS = {role: 1 << number for number, role in enumerate(Role)}


@dataclass(frozen=True)
class SignedInAccount:
    """What a session's row found: its user (None: gone) with the names of their roles, the
    id of the TOTP authenticator it names and that authenticator (None: gone). Not yet
    checked against the session's data: the middleware does that."""

    user: User | None
    roles: frozenset[str]
    device_id: int | None
    device: TOTPDevice | None


class _Columns:
    """A model's columns in a hand-written SELECT, and its instances made from them as the
    ORM would (the backend's and the fields' converters applied)."""

    def __init__(self, model: type[models.Model], alias: str, connection) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.names = [field.attname for field in fields]
        self.sql = ", ".join(
            f"{alias}.{connection.ops.quote_name(field.column)}" for field in fields
        )
        converters: list[tuple[int, list[Callable], Any]] = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((index, found, column))
        self.converters = converters
        self.width = len(fields)

    def instance(self, values: Sequence, connection) -> models.Model | None:
        if values[0] is None:  # the primary key: the outer join found no row
            return None
        values = list(values)
        for index, found, column in self.converters:
            for converter in found:
                values[index] = converter(values[index], column, connection)
        return self.model.from_db(connection.alias, self.names, values)


@dataclass(frozen=True)
class _Statement:
    sql: str
    user: _Columns
    device: _Columns


@cache
def _statement(alias: str) -> _Statement:
    """The one query, written once per database connection alias."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    user = _Columns(User, "u", connection)
    device = _Columns(TOTPDevice, "d", connection)
    memberships = User.groups.through._meta.db_table
    group = Group._meta.db_table
    # The user's roles as bits: one subquery, the same SQL on SQLite and PostgreSQL. Only
    # names from the models and the Role constants go into the text; values are parameters.
    bits = " ".join(f"WHEN '{role.value}' THEN {bit}" for role, bit in ROLE_BITS.items())
    roles = (
        f"(SELECT COALESCE(SUM(CASE g.{quote('name')} {bits} ELSE 0 END), 0) "  # noqa: S608
        f"FROM {quote(memberships)} m INNER JOIN {quote(group)} g ON g.{quote('id')} = "
        f"m.{quote('group_id')} WHERE m.{quote('user_id')} = u.{quote('id')})"
    )
    sql = (
        f"SELECT s.{quote('session_data')}, s.{quote('totp_device_id')}, {roles}, "  # noqa: S608
        f"{user.sql}, {device.sql} "
        f"FROM {quote(Session._meta.db_table)} s "
        f"LEFT JOIN {quote(User._meta.db_table)} u ON u.{quote('id')} = s.{quote('user_id')} "
        f"LEFT JOIN {quote(TOTPDevice._meta.db_table)} d "
        f"ON d.{quote('id')} = s.{quote('totp_device_id')} "
        f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
    )
    return _Statement(sql=sql, user=user, device=device)


def _roles(bits: int) -> frozenset[str]:
    return frozenset(role.value for role, bit in ROLE_BITS.items() if bits & bit)


class SessionStore(DatabaseStore):
    """Django's database session store over `accounts.Session`; `load` also reads the
    signed-in account (see the module's docstring)."""

    account: SignedInAccount | None = None

    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data):
        session = cast(Session, super().create_model_instance(data))
        user_id = str(data.get(SESSION_KEY, ""))
        session.user_id = int(user_id) if user_id.isdigit() else None
        device = str(data.get(DEVICE_ID_SESSION_KEY, ""))
        number = device.removeprefix(TOTP_PREFIX)
        session.totp_device_id = (
            int(number) if device.startswith(TOTP_PREFIX) and number.isdigit() else None
        )
        return session

    def signed_in_account(self) -> SignedInAccount | None:
        """What this session's row read (loading the session first if it is not yet)."""
        self.keys()  # loads the session (and reads the account) unless it is loaded
        return self.account

    def load(self):
        self.account = None
        if self.session_key is None:
            return {}
        alias = router.db_for_read(Session)
        connection = connections[alias]
        statement = _statement(alias)
        expires = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, [self.session_key, expires])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        data = self.decode(row[0])
        start = 3 + statement.user.width
        self.account = SignedInAccount(
            user=statement.user.instance(row[3:start], connection),  # type: ignore[arg-type]
            roles=_roles(row[2] or 0),
            device_id=row[1],
            device=statement.device.instance(row[start:], connection),
        )
        return data
