"""Model fields whose values are sealed (AES-256-GCM) in the database, plain in Python.

How a value travels:
- Writing: `pre_save()` seals the Python value with the person's data key; the column gets
  `cb1:…` text (see cipher.py). `Model.save()`, `bulk_create()` and the sample loader all
  call `pre_save()`, so every ordinary write path seals.
- Reading: `Person.from_db()` marks each loaded column value as `Sealed`; the attribute is
  opened on first access, so a page that loads people without showing their details (the
  incident list, a count) pays nothing.
- Sealing a new name or contact also writes its blind-index entries into the keyring
  (`Keyring.index_set`), never into the row.
- Anything that would write or compare a plaintext value in SQL (`QuerySet.update(name=…)`,
  `bulk_update()`, `filter(address=…)`) raises `PlaintextRefused` instead: fail closed.
  `filter(full_name=…)` and `filter(contact=…)` work through the blind index (exact match
  of the normalised name or contact): the keyring names the people, the query their rows.
- `.values()`, raw SQL and `dumpdata` see the sealed text: safe by default.

The model supplies `key_id` (a DataKeyIdField: what binds a value to its person),
`erased_at`, `personal_data_key()`, `attach_new_data_key()` and
`data_key_for_writing(add=…)`; see people/models.py.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid

from django.db import models
from django.db.models import Lookup
from django.db.models.lookups import Exact
from django.db.models.query_utils import DeferredAttribute

from casebook.people.keys import blind_index, cipher
from casebook.people.keys.keyring import keyring

logger = logging.getLogger(__name__)

ERASED = "[erased]"
UNREADABLE = "[unreadable]"


class PlaintextRefused(TypeError):
    """A personal value was about to reach SQL unsealed. Never carries the value."""


class Ciphertext(str):
    """A sealed value on its way to the database."""


class Sealed:
    """A column value as loaded, not opened yet."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __repr__(self) -> str:
        return "<sealed>"


class Placeholder(str):
    """Shown instead of a value that cannot be opened (key destroyed, or value altered)."""


def aad(key_id, field_name: str) -> bytes:
    """What a sealed value is bound to: the person's key id and the field's name."""
    return f"casebook person:{key_id}:{field_name}".encode()


class SealedAttribute(DeferredAttribute):
    """Opens a loaded value on first access; a data descriptor, so it sees every read."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.unseal(instance, value.token)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedMixin:
    descriptor_class = SealedAttribute
    blank_db_value: object = ""

    def __init__(self, *args, blind_index: str | None = None, **kwargs):
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        # A text column whatever the Python type: no length limit that the ciphertext's
        # overhead could break, and no backend converter that would parse it as a date.
        return "TextField"

    # Python value <-> bytes.

    def to_plaintext(self, value) -> bytes:
        return ("" if value is None else str(value)).encode()

    def from_plaintext(self, data: bytes):
        return data.decode()

    def placeholder(self, text: str):
        return Placeholder(text)

    # Sealing and opening.

    def unseal(self, instance, token: str):
        key = instance.personal_data_key()
        if key is None:
            return self._unreadable(instance, token, ERASED)
        try:
            return self.from_plaintext(
                cipher.open_sealed(key, token, aad(instance.key_id, self.name))
            )
        except (cipher.DecryptionError, ValueError, UnicodeDecodeError):
            # The reference only: never the value, which is the whole point.
            logger.warning(
                "A sealed %s of person %s does not open (altered or moved).",
                self.name,
                getattr(instance, "reference", "?"),
            )
            return self._unreadable(instance, token, UNREADABLE)

    def _unreadable(self, instance, token: str, text: str):
        placeholder = self.placeholder(text)
        instance.__dict__.setdefault("_unreadable", {})[self.attname] = (placeholder, token)
        return placeholder

    def pre_save(self, model_instance, add):
        if model_instance.erased_at is not None:
            if self.blind_index:
                keyring().index_set(str(model_instance.key_id), self.blind_index, ())
            return self.blank_db_value
        raw = model_instance.__dict__.get(self.attname)
        if isinstance(raw, Sealed):
            return Ciphertext(raw.token)  # never opened, so unchanged
        unreadable = model_instance.__dict__.get("_unreadable", {}).get(self.attname)
        if unreadable is not None and raw is unreadable[0]:
            return Ciphertext(unreadable[1])  # keep what could not be opened, as it was
        key = model_instance.data_key_for_writing(add=add)
        plaintext = self.to_plaintext(getattr(model_instance, self.attname))
        if self.blind_index:
            # The search entries go to the keyring with the key, never into this row.
            keyring().index_set(
                str(model_instance.key_id),
                self.blind_index,
                blind_index.field_tokens(self.blind_index, plaintext.decode()),
            )
        return Ciphertext(cipher.seal(key, plaintext, aad(model_instance.key_id, self.name)))

    def get_prep_value(self, value):
        if value is None or value == "":
            return value or self.blank_db_value
        if isinstance(value, Ciphertext) or cipher.is_sealed(value):
            return str(value)
        raise PlaintextRefused(
            f"{self.model.__name__}.{self.name} is encrypted: write it through save(), never "
            "update() or bulk_update(), and search people with the blind index "
            "(Person.objects.search())."
        )

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def to_python(self, value):
        if cipher.is_sealed(value):
            return value  # a fixture or backup being loaded as it was stored
        return super().to_python(value)

    def value_to_string(self, obj) -> str:
        # Serialisation (dumpdata, the JSON backup) writes the sealed text, never plaintext.
        raw = obj.__dict__.get(self.attname)
        if isinstance(raw, Sealed):
            return raw.token
        value = self.pre_save(obj, False)
        return "" if value is None else str(value)


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedDateField(EncryptedMixin, models.DateField):
    blank_db_value = None

    def to_plaintext(self, value) -> bytes:
        value = models.DateField.to_python(self, value)
        return b"" if value is None else value.isoformat().encode()

    def from_plaintext(self, data: bytes):
        return dt.date.fromisoformat(data.decode()) if data else None

    def placeholder(self, text: str):
        return None


class DataKeyIdField(models.UUIDField):
    """Names the person's data key in the keyring; sealed values are bound to it.

    A new row takes a fresh key (and its id) from the keyring as it is inserted, whichever
    way it is inserted (`save()`, `bulk_create()`, the sample loader), so no row is ever
    written without a key that is already stored.
    """

    def pre_save(self, model_instance, add):
        if add or model_instance._state.adding:
            model_instance.attach_new_data_key()
        return getattr(model_instance, self.attname)


class BlindIndexField(models.TextField):
    """The former `search_tokens` column, kept for the migrations that made and removed it.

    The blind index now lives in the keyring (see blind_index.py and keyring.py).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


def key_ids_sql(column_sql: str, params: list, key_ids: list[str], vendor: str):
    """SQL for "the key id column is one of `key_ids`", with one parameter however many.

    A common name may match thousands of people: one JSON (SQLite) or array (PostgreSQL)
    parameter instead of one per id keeps clear of the backends' parameter limits.
    """
    ids = [uuid.UUID(key_id) for key_id in key_ids]
    if not ids:
        return "1 = 0", []
    if vendor == "postgresql":
        return f"{column_sql} = ANY(%s::uuid[])", [*params, ids]
    # Django stores a UUID as 32 hexadecimal digits on SQLite.
    return (
        f"{column_sql} IN (SELECT value FROM json_each(%s))",  # noqa: S608 (a column)
        [*params, json.dumps([key_id.hex for key_id in ids])],
    )


class KeyIdAmong(Lookup):
    """`filter(key_id__among=[key ids from the keyring])`: what a people search ends with."""

    lookup_name = "among"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return key_ids_sql(lhs, list(params), list(self.rhs), connection.vendor)


DataKeyIdField.register_lookup(KeyIdAmong)


class BlindExact(Exact):
    """`filter(full_name=…)` / `filter(contact=…)`: an exact match through the blind index.

    Case, accents and spacing are ignored (the value is normalised as the index is).
    """

    prepare_rhs = False

    def as_sql(self, compiler, connection):
        field = self.lhs.output_field
        kinds = {"name": blind_index.WHOLE_NAME, "contact": blind_index.CONTACT}
        if not isinstance(self.rhs, str) or self.rhs == "" or not hasattr(self.lhs, "alias"):
            return super().as_sql(compiler, connection)
        if field.blind_index not in kinds:
            field.get_prep_value(self.rhs)  # raises PlaintextRefused
        token = blind_index.exact_token(kinds[field.blind_index], self.rhs)
        key_ids = keyring().index_find(every=[], either=token) if token else []
        column = field.model._meta.get_field("key_id").get_col(self.lhs.alias)
        sql, params = compiler.compile(column)
        return key_ids_sql(sql, list(params), key_ids, connection.vendor)


EncryptedCharField.register_lookup(BlindExact)
