"""New unsaved model instances for an import, built the way `Model()` builds them, minus its
per-call work.

`Model.__init__` walks every field of the model for every instance (defaults, keyword
matching, descriptors for related objects, a signal), and a foreign key set through its
descriptor checks the router each time: on a 100,000-row import that was a fifth of the
checking. A `Blank` does that walk once per model (the defaults of a fresh instance) and
then copies it; callable defaults are called for each instance, as `__init__` does. `link`
sets a foreign key the way its descriptor leaves a new instance: the key and the cached
object. Only for the record's own models, which define no `__init__` and no init signals.
"""

from __future__ import annotations

from typing import Generic, TypeVar, cast

from django.db import models
from django.db.models.base import ModelState

M = TypeVar("M", bound=models.Model)


class Blank(Generic[M]):
    """Unsaved instances of one model with its defaults, then the given values.

    >>> from casebook.cases.models import Tag
    >>> tag = Blank(Tag)(name="night")
    >>> tag.name, tag.pk, tag._state.adding
    ('night', None, True)
    """

    def __init__(self, model: type[M]) -> None:
        self.model = model
        fresh = model()
        self.defaults = {k: v for k, v in fresh.__dict__.items() if k != "_state"}
        self.called = [
            (field.attname, field.get_default)
            for field in model._meta.concrete_fields
            if field.has_default() and callable(field.default)
        ]
        self.related = {
            field.name
            for field in model._meta.concrete_fields
            if field.is_relation and field.many_to_one
        }

    def __call__(self, **values) -> M:
        instance = self.model.__new__(self.model)
        instance._state = ModelState()
        attributes = instance.__dict__
        attributes.update(self.defaults)
        for attname, default in self.called:
            attributes[attname] = default()
        for name, value in values.items():
            if name in self.related:
                link(instance, name, value)
            else:
                attributes[name] = value
        return instance


_LINKS: dict[tuple[type[models.Model], str], tuple[str, str, str]] = {}


def link(instance: models.Model, name: str, value: models.Model | None) -> None:
    """`instance.<name> = value` for a foreign key, as its descriptor sets it."""
    key = (type(instance), name)
    if key not in _LINKS:
        field = cast(models.ForeignKey, type(instance)._meta.get_field(name))
        _LINKS[key] = (field.attname, field.cache_name, field.target_field.attname)
    attname, cache_name, target = _LINKS[key]
    instance.__dict__[attname] = None if value is None else getattr(value, target)
    instance._state.fields_cache[cache_name] = value
