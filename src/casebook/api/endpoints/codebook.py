"""The codebook, read-only: forces, legal provisions, types of act, trigger and outcome.

Slugs are what the write operations take (`force`, `act_type`, …), as imports do.
"""

from ninja import Router, Schema

from casebook.accounts.access import staff_required
from casebook.api.problems import COMMON
from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType

router = Router(tags=["codebook"])


class Term(Schema):
    slug: str
    label: str
    description: str


class Force(Schema):
    slug: str
    name: str
    kind: str
    country: str


class Provision(Schema):
    slug: str
    citation: str
    short_citation: str
    title: str
    statute: str


class Codebook(Schema):
    forces: list[Force]
    legal_provisions: list[Provision]
    act_types: list[Term]
    trigger_types: list[Term]
    outcome_types: list[Term]


def _terms(model) -> list[dict]:
    return list(model.objects.order_by("position", "slug").values("slug", "label", "description"))


@router.get("/codebook", response={200: Codebook, **COMMON}, summary="The whole codebook")
@staff_required
def codebook(request):
    return {
        "forces": list(
            Organisation.objects.order_by("name").values("slug", "name", "kind", "country")
        ),
        "legal_provisions": [
            {
                "slug": p.slug,
                "citation": p.citation,
                "short_citation": p.short_citation,
                "title": p.title,
                "statute": p.statute.slug,
            }
            for p in LegalProvision.objects.select_related("statute").order_by("slug")
        ],
        "act_types": _terms(ActType),
        "trigger_types": _terms(TriggerType),
        "outcome_types": _terms(OutcomeType),
    }
