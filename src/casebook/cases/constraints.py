"""Check constraints validated in Python instead of by a query each.

Django validates a `CheckConstraint` (in `full_clean` and every model form) by sending the
condition to the database with the instance's values: a query, and inside a transaction a
savepoint around it, per constraint per row. Saving one incident through the editor ran 23
of them (about 70 statements). The conditions on the record's models are plain comparisons of
the row's own fields, which `condition_holds` answers with SQL's three-valued logic; any
condition it does not know (another lookup, an expression) is left to the database as
before. The database still enforces every constraint on write; tests/cases/test_constraints.py
compares both answers over the edge values.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, router


class _Unknown(Exception):
    """A condition this module does not evaluate: the database is asked instead."""


class _Skipped(Exception):
    """A field of the condition is excluded from validation (Django skips it too)."""


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
# Exact numbers. A float is left to the database: a decimal column rounds it first.
_NUMBER = (int, Decimal)


class _Row:
    """The instance's values by field name, as Django's check sends them."""

    def __init__(self, instance: models.Model, exclude: set[str]) -> None:
        fields = instance._meta.local_concrete_fields
        self.names = {field.name for field in fields} | {"pk"}
        self.values = {
            field.name: getattr(instance, field.attname)
            for field in fields
            if field.name not in exclude and not field.generated
        }
        if "pk" not in exclude:
            self.values["pk"] = instance.pk

    def value(self, name: str) -> Any:
        if name not in self.values:
            raise _Skipped if name in self.names else _Unknown  # excluded, or a join
        value = self.values[name]
        if hasattr(value, "resolve_expression"):
            raise _Unknown  # an expression waiting to be saved
        return value


def _kind(value: Any) -> object:
    if isinstance(value, bool | float):
        return object()  # comparable with nothing: the database is asked
    if isinstance(value, _NUMBER):
        return Decimal
    for kind in (str, dt.datetime, dt.date, dt.time):
        if isinstance(value, kind):
            return kind
    return type(value)


def _comparable(lhs: Any, rhs: Any) -> bool:
    """Of kinds Python compares as SQL does: exact numbers with exact numbers, text (a
    choice's enum too) with text, a date with a date; never text against a number."""
    return _kind(lhs) is _kind(rhs)


def _lookup(lookup: str, rhs: Any, row: _Row) -> bool | None:
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    lhs = row.value(name)
    if kind == "isnull":
        return (lhs is None) == bool(rhs)
    if isinstance(rhs, models.F):
        rhs = row.value(rhs.name)
    elif hasattr(rhs, "resolve_expression"):
        raise _Unknown
    if kind == "exact" and rhs is None:
        return lhs is None  # Django writes `= None` as IS NULL
    if kind == "in":
        choices = list(rhs)
        if None in choices or not all(_comparable(lhs, c) for c in choices if lhs is not None):
            raise _Unknown
        return None if lhs is None else lhs in choices
    if kind not in _COMPARE:
        raise _Unknown
    if lhs is None or rhs is None:
        return None
    if not _comparable(lhs, rhs):
        raise _Unknown
    return _COMPARE[kind](lhs, rhs)


def _evaluate(condition: Any, row: _Row) -> bool | None:
    """SQL's answer: True, False or None (NULL) for a Q over the row's own fields."""
    if not isinstance(condition, models.Q):
        raise _Unknown
    answers = []
    for child in condition.children:
        if isinstance(child, models.Q):
            answers.append(_evaluate(child, row))
        elif isinstance(child, tuple) and len(child) == 2:
            answers.append(_lookup(child[0], child[1], row))
        else:
            raise _Unknown
    if condition.connector == models.Q.AND:
        result = False if False in answers else (None if None in answers else True)
    elif condition.connector == models.Q.OR:
        result = True if True in answers else (None if None in answers else False)
    else:
        raise _Unknown
    if condition.negated:
        return None if result is None else not result
    return result


def condition_holds(
    condition: Any, instance: models.Model, exclude: set[str] | None = None
) -> bool | None:
    """Does the instance pass this check condition, as the database judges it in Django's
    validation (NULL passes)? A condition naming an excluded field passes, as in Django.
    None when the condition is not one evaluated here."""
    try:
        return _evaluate(condition, _Row(instance, exclude or set())) is not False
    except _Skipped:
        return True
    except (_Unknown, TypeError):
        return None


class ChecksInPython:
    """Mixed into a model: its check constraints validated in Python (`condition_holds`),
    other constraints and conditions as Django validates them; a foreign key set to a row
    read from the database (a form's choice, the codebook's cache) is not looked up again.
    """

    def clean_fields(self, exclude=None) -> None:
        assert isinstance(self, models.Model)
        exclude = set(exclude or ())
        super().clean_fields(exclude=exclude | _foreign_keys_read(self))  # type: ignore[misc]

    def validate_constraints(self, exclude=None) -> None:
        assert isinstance(self, models.Model)
        errors: dict = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    _validate(constraint, model_class, self, exclude)
                except ValidationError as error:
                    # Django's own grouping: a one-field unique error under that field.
                    fields: tuple[str, ...] = tuple(getattr(constraint, "fields", ()))
                    if getattr(error, "code", None) == "unique" and len(fields) == 1:
                        errors.setdefault(fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _foreign_keys_read(instance: models.Model) -> set[str]:
    """Foreign keys whose value is the key of a row read from the database and held on the
    instance: Django's check (a query for the row) could only say it exists. One with
    choices, validators or `limit_choices_to` is checked as usual."""
    names = set()
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or field.choices or field.validators:
            continue
        if field.get_limit_choices_to() or not field.is_cached(instance):
            continue
        target = field.get_cached_value(instance)
        value = getattr(instance, field.attname)
        if target is None or target._state.adding or value is None:
            continue
        if value == getattr(target, field.target_field.attname):
            names.add(field.name)
    return names


def _validate(constraint, model_class, instance: models.Model, exclude) -> None:
    if isinstance(constraint, models.CheckConstraint) and model_class is type(instance):
        holds = condition_holds(constraint.condition, instance, set(exclude or ()))
        if holds is not None:
            if not holds:
                raise ValidationError(
                    constraint.get_violation_error_message(), code=constraint.violation_error_code
                )
            return
    using = router.db_for_write(type(instance), instance=instance)
    constraint.validate(model_class, instance, exclude=exclude, using=using)
