from casebook.cases.models.act import Act, NumberPrecision, Outcome
from casebook.cases.models.incident import (
    DatePrecision,
    Incident,
    IncidentStatus,
    ReferenceCounter,
    SearchDocument,
    Tag,
)
from casebook.cases.models.protest import Protest

__all__ = [
    "Act",
    "DatePrecision",
    "Incident",
    "IncidentStatus",
    "NumberPrecision",
    "Outcome",
    "Protest",
    "ReferenceCounter",
    "SearchDocument",
    "Tag",
]
