"""What a model whose rows hold sealed details needs: a data key of each row's own.

`Person` is the main one; apps above `people` with personal data of their own (the
newsletter's subscribers) reuse the same sealing rather than a second scheme. Such a model
inherits `SealedRecord` before `models.Model`, lists its sealed fields in `PERSONAL_FIELDS`
(each an `Encrypted…Field` of keys/fields.py) and has
- `key_id = DataKeyIdField(default=uuid.uuid4, unique=True, editable=False)`, and
- `erased_at` (a field, or None for a model whose rows are deleted rather than erased).
Deleting a row must destroy its key (`data_key_destroy_on_delete`), and every model found by
`sealed_models()` counts for `casebook keys reconcile` and `reindex`.
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.db import models, transaction

from casebook.people.keys.fields import Sealed
from casebook.people.keys.keyring import keyring


class DetailsErased(RuntimeError):
    """A row whose data key was destroyed cannot be given new details."""

    def __init__(self, reference: str):
        super().__init__(
            f"The details of {reference or 'this person'} were erased; their "
            "data key is gone and none is made for an existing person."
        )


class SealedRecord:
    """Mixin for a model with sealed fields (see the module's docstring)."""

    PERSONAL_FIELDS: tuple[str, ...] = ()

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_data_key", None)  # a pickled row never carries key material
        return state

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        data = instance.__dict__
        for name in cls.PERSONAL_FIELDS:
            raw = data.get(name)
            if isinstance(raw, str) and raw:
                data[name] = Sealed(raw)  # opened on first access (keys/fields.py)
        return instance

    def personal_data_key(self) -> bytes | None:
        """This row's data key from the keyring; None once it has been destroyed."""
        cached = self.__dict__.get("_data_key")
        key_id = self.key_id
        if cached is None or cached[0] != key_id:
            cached = (key_id, keyring().data_key(str(key_id)))
            self.__dict__["_data_key"] = cached
        return cached[1]

    def attach_new_data_key(self) -> None:
        """Give a row being inserted a fresh, already stored key (and its id)."""
        cached = self.__dict__.get("_data_key")
        if cached is not None and cached[0] == self.key_id and cached[1] is not None:
            return  # attached already (Django may call pre_save twice for one insert)
        key_id, key = keyring().take_new_data_key()
        self.key_id = uuid.UUID(key_id)
        self.__dict__["_data_key"] = (self.key_id, key)

    def data_key_for_writing(self, *, add: bool) -> bytes:
        """The key to seal new details with: made for a new row, never for an old one."""
        # `_state.adding`: built in Python, not loaded, even when Django first tries an
        # UPDATE because a primary key was given.
        if add or self._state.adding:
            self.attach_new_data_key()
        key = self.personal_data_key()
        if key is None:
            raise DetailsErased(str(self))
        return key


def sealed_models() -> list[type[models.Model]]:
    """Every installed model whose rows hold data keys (people, subscribers…)."""
    return [model for model in apps.get_models() if issubclass(model, SealedRecord)]


def data_key_destroy_on_delete(sender, instance, **kwargs) -> None:
    """A `post_delete` receiver: a deleted row is as unreadable in old backups as an erased
    one. Only once the deletion is committed, or a rolled-back delete would lose the details."""
    key_id = str(instance.key_id)
    transaction.on_commit(lambda: keyring().destroy_data_keys([key_id]), robust=True)
