"""The `python` serialisation format, with people's details sealed (see __init__.py)."""

from django.core.serializers import python as django_format

from casebook.people.keys.serializers import SealedFieldsMixin

Deserializer = django_format.Deserializer


class Serializer(SealedFieldsMixin, django_format.Serializer):
    pass
