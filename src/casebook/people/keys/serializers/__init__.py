"""Django's serialisation formats, with people's details kept sealed.

Registered in settings.SERIALIZATION_MODULES.
Django's own serialisers pass dates through as they are, so `dumpdata` would write a date of
birth in plain text. These subclasses write every encrypted field as its sealed text, for
`dumpdata`, the JSON backup and anything else that serialises models. XML already goes
through `Field.value_to_string()`, which is sealed (keys/fields.py).
"""

from __future__ import annotations

from casebook.people.keys.fields import EncryptedMixin


class SealedFieldsMixin:
    def _value_from_field(self, obj, field):
        if isinstance(field, EncryptedMixin):
            return field.value_to_string(obj)
        return super()._value_from_field(obj, field)
