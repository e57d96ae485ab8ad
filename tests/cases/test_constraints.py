"""The record's check constraints are validated in Python (cases/constraints.py) with the
answers and errors Django's query per constraint gives, over every edge value."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from casebook.cases.constraints import condition_holds
from casebook.cases.models import Act, Incident, IncidentStatus
from casebook.people.models import Involvement
from casebook.sources.models import Source
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 5, 4)
LATITUDES = [None, Decimal("-90"), Decimal("-90.000001"), Decimal("0"), Decimal("90"), 91]
LONGITUDES = [None, Decimal("-180"), Decimal("-180.5"), Decimal("180"), Decimal("180.000001")]
# Each model, and the values of its constrained fields to try in every combination.
CASES: list[tuple[type[models.Model], dict[str, list]]] = [
    (
        Incident,
        {
            "date": [DAY, None],
            "end_date": [None, DAY - dt.timedelta(days=1), DAY, DAY + dt.timedelta(days=1)],
            "status": [*IncidentStatus, "draft", "bogus", ""],
        },
    ),
    (Incident, {"latitude": LATITUDES, "longitude": LONGITUDES}),
    (
        Act,
        {
            "number_precision": ["exact", "approximate", "unknown", "bogus", ""],
            "number_affected": [None, 0, 3],
        },
    ),
    (Source, {"reliability": [*"ABCDEF", "G", "a", ""], "credibility": [*"123456", "7", ""]}),
    (Involvement, {"role": ["arrested", "affected", "witness", "judge", "ARRESTED", ""]}),
]


def _instances(model, values: dict[str, list]):
    names = list(values)
    for combination in itertools.product(*(values[n] for n in names)):
        yield model(**dict(zip(names, combination, strict=True)))


def _checks(model) -> list[models.CheckConstraint]:
    return [c for c in model._meta.constraints if isinstance(c, models.CheckConstraint)]


def _database_says(constraint, instance, exclude=None) -> bool:
    try:
        constraint.validate(type(instance), instance, exclude=exclude)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(("model", "values"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_python_answers_as_the_database_does(model, values):
    compared = 0
    for instance in _instances(model, values):
        for constraint in _checks(model):
            ours = condition_holds(constraint.condition, instance)
            assert ours is not None, constraint.name  # every condition here is evaluated
            assert ours == _database_says(constraint, instance), (constraint.name, instance)
            compared += 1
    assert compared >= 6


def test_an_excluded_field_passes_as_in_django():
    instance = Incident(date=DAY, end_date=DAY - dt.timedelta(days=1))
    (constraint,) = [c for c in _checks(Incident) if c.name == "incident_end_after_start"]
    assert not condition_holds(constraint.condition, instance)
    for exclude in ({"end_date"}, {"date"}):
        assert condition_holds(constraint.condition, instance, exclude)
        assert _database_says(constraint, instance, exclude)


def test_a_condition_it_does_not_know_is_left_to_the_database():
    unknown = models.Q(title__startswith="Invented")
    assert condition_holds(unknown, Incident(title="Invented")) is None
    assert condition_holds(models.Q(latitude__gte="10"), Incident(latitude=Decimal(5))) is None
    # A float is rounded by a decimal column before it is compared: the database says.
    assert condition_holds(models.Q(latitude__lte=90), Incident(latitude=90.0000001)) is None


def test_errors_are_djangos_and_no_query_is_sent():
    bad = Incident(date=DAY, end_date=DAY - dt.timedelta(days=2), latitude=95, status="bogus")
    with pytest.raises(ValidationError) as djangos:
        models.Model.validate_constraints(bad)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as ours:
        bad.validate_constraints()
    assert ours.value.message_dict == djangos.value.message_dict
    assert len(djangos.value.messages) == 3
    assert not [q for q in queries.captured_queries if "_check" in q["sql"]]
    good = Incident(date=DAY, latitude=Decimal("51.5"), longitude=Decimal("-0.1"))
    with CaptureQueriesContext(connection) as queries:
        good.validate_constraints()
    assert queries.captured_queries == []


def test_a_foreign_key_read_from_the_database_is_not_looked_up_again(reference_data):
    from casebook.codebook.models import ActType

    incident = IncidentFactory()
    act = Act(incident=incident, act_type=ActType.objects.get(slug="arrest"))
    with CaptureQueriesContext(connection) as queries:
        act.full_clean()
    assert queries.captured_queries == []
    # A key without the row read, or a row never saved, is looked up as before.
    never_saved = ActType(pk=987655, slug="invented-never-saved", label="Invented")
    for unknown in (
        Act(incident=incident, act_type_id=987654),
        Act(incident=incident, act_type=never_saved),
    ):
        with pytest.raises(ValidationError) as error:
            unknown.full_clean()
        assert "is not a valid choice" in str(error.value.message_dict["act_type"])
