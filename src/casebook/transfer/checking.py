"""A model's own validation, compiled once per model and column set instead of per row.

`Model.full_clean()` converts and checks every field through Django's field machinery for
every instance: on a 100,000-row import that was a third of the time, nearly all of it spent
finding that a short string is a short string. `ModelCheck` decides once, per field, what a
value that needs no conversion must look like (its exact type, its length, its choices, the
field's other validators) and lets such values through at the cost of a few comparisons;
every other value (empty, of another type, too long, not a choice, a foreign key to look up)
goes through the field's own `clean()`, so that a value Django would refuse is refused with
Django's own error, and a value Django would convert is converted the same way. The model's
`clean()` (Casebook's rules) runs as in `full_clean()`. Uniqueness and constraints are left
out, as the importer asks of `full_clean()`: the database enforces them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import DatabaseDefault

# Field classes (exactly these: a subclass may convert in its own way) whose to_python()
# hands back a value of these types unchanged.
_UNCONVERTED: dict[type[models.Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.SlugField: str,
    models.URLField: str,
    models.EmailField: str,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.BooleanField: bool,
    models.DateField: dt.date,
    models.DateTimeField: dt.datetime,
    models.TimeField: dt.time,
    models.DecimalField: Decimal,
}


class _FieldCheck:
    """One field's check: the cheap acceptance of a value that needs nothing, else clean()."""

    def __init__(self, field: models.Field) -> None:
        self.field = field
        self.name, self.attname = field.name, field.attname
        self.blank, self.empty_values = field.blank, field.empty_values
        self.type = _UNCONVERTED.get(type(field))
        self.choices = (
            frozenset(key for key, _label in field.flatchoices)
            if field.choices is not None and field.editable
            else None
        )
        self.max_length: int | None = None
        self.refuses_nul = False
        self.lowest: int | None = None
        self.highest: int | None = None
        others: list[Callable] = []
        for validator in field.validators:
            limit = getattr(validator, "limit_value", None)
            if type(validator) is validators.MaxLengthValidator and type(limit) is int:
                self.max_length = limit if self.max_length is None else min(self.max_length, limit)
            elif isinstance(validator, validators.ProhibitNullCharactersValidator):
                self.refuses_nul = True
            elif type(validator) is validators.MinValueValidator and type(limit) is int:
                self.lowest = limit if self.lowest is None else max(self.lowest, limit)
            elif type(validator) is validators.MaxValueValidator and type(limit) is int:
                self.highest = limit if self.highest is None else min(self.highest, limit)
            else:
                others.append(validator)
        self.validators = tuple(others)
        # The value a blank instance starts with: checked here once, not on every row.
        self.default = field.get_default() if not callable(field.default) else _NO_DEFAULT
        self.default_passes = self.default is not _NO_DEFAULT and (
            (self.blank and self.default in self.empty_values) or self.passes(self.default)
        )

    def passes(self, value) -> bool:
        """Would clean() hand back this very value, without an error?"""
        if type(value) is not self.type or value == "":
            return False
        if self.choices is not None and value not in self.choices:
            return False
        if self.max_length is not None and len(value) > self.max_length:
            return False
        if self.refuses_nul and "\x00" in value:
            return False
        if self.lowest is not None and value < self.lowest:
            return False
        if self.highest is not None and value > self.highest:
            return False
        try:
            for validator in self.validators:
                validator(value)
        except ValidationError:
            return False
        return True

    def check(self, instance: models.Model, errors: dict[str, list]) -> None:
        # What Model.clean_fields() does for one field.
        raw = getattr(instance, self.attname)
        if raw is self.default and self.default_passes:
            return
        if self.blank and raw in self.empty_values:
            return
        if isinstance(raw, DatabaseDefault) or self.passes(raw):
            return
        try:
            setattr(instance, self.attname, self.field.clean(raw, instance))
        except ValidationError as error:
            errors[self.name] = error.error_list


_NO_DEFAULT = object()
_NEVER = object()  # a default no field has
_UNSET = object()  # a field not loaded (deferred): checked the long way


class ModelCheck:
    """`instance.full_clean(exclude=…, validate_unique=False, validate_constraints=False)`,
    compiled for one model and one set of excluded fields.

    >>> from casebook.cases.models import Tag
    >>> check = ModelCheck(Tag, exclude=())
    >>> check(Tag(name="night"))
    >>> try:
    ...     check(Tag(name=""))
    ... except ValidationError as error:
    ...     print(error.message_dict)
    {'name': ['This field cannot be blank.']}
    """

    def __init__(self, model: type[models.Model], *, exclude: Iterable[str]) -> None:
        excluded = set(exclude)
        self.checks = [
            _FieldCheck(field)
            for field in model._meta.fields
            if field.name not in excluded and not field.generated
        ]
        # Most fields of a new instance still hold the blank instance's default, checked
        # once already: such a field costs one lookup here, not a call (`_FieldCheck.check`).
        self.fields = [
            (check.attname, check.default if check.default_passes else _NEVER, check.check)
            for check in self.checks
        ]

    def __call__(self, instance: models.Model) -> None:
        errors: dict = {}
        values = instance.__dict__
        for attname, default, check in self.fields:
            if values.get(attname, _UNSET) is not default:
                check(instance, errors)
        error_dict: dict = {}
        if errors:
            error_dict = ValidationError(errors).update_error_dict(error_dict)
        try:
            instance.clean()
        except ValidationError as error:
            error_dict = error.update_error_dict(error_dict)
        if error_dict:
            raise ValidationError(error_dict)


class ModelChecks:
    """The compiled checks of an import, one per model and set of excluded fields."""

    def __init__(self) -> None:
        self._checks: dict[tuple[type[models.Model], frozenset[str]], ModelCheck] = {}
        self._given: dict[tuple[type[models.Model], tuple[str, ...]], ModelCheck] = {}

    def full_clean(self, instance: models.Model, *, exclude: Iterable[str]) -> None:
        # Found by the excluded names as given (a tuple: no set built per instance); the
        # same set given in another order finds the same compiled check.
        given = (type(instance), tuple(exclude))
        check = self._given.get(given)
        if check is None:
            excluded = frozenset(given[1])
            key = (type(instance), excluded)
            check = self._checks.get(key)
            if check is None:
                check = self._checks[key] = ModelCheck(type(instance), exclude=excluded)
            self._given[given] = check
        check(instance)
