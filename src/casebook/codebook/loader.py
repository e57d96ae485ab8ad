"""Load a jurisdiction's codebook file into the database (idempotent: upsert by slug)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from casebook.codebook import models

DATA_DIR = Path(__file__).resolve().parent / "data"


def available_codebooks() -> list[Path]:
    return sorted(DATA_DIR.glob("*.json"))


@dataclass
class LoadReport:
    jurisdiction: str
    version: str
    counts: dict[str, int]


def _upsert(model, slug: str, **fields):
    obj, _ = model.objects.update_or_create(slug=slug, defaults=fields)
    return obj


@transaction.atomic
def codebook_load(path: Path) -> LoadReport:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    jurisdiction, _ = models.Jurisdiction.objects.update_or_create(
        code=data["jurisdiction"], defaults={"name": data["name"], "version": data["version"]}
    )
    for org in data["organisations"]:
        _upsert(
            models.Organisation,
            org["slug"],
            name=org["name"],
            kind=org["kind"],
            country=org.get("country") or "",
            nation=org.get("nation") or "",
            aliases=org.get("aliases", []),
            jurisdiction=jurisdiction,
        )
    statutes = {}
    for statute in data["statutes"]:
        statutes[statute["slug"]] = _upsert(
            models.Statute,
            statute["slug"],
            name=statute["name"],
            year=statute.get("year"),
            aliases=statute.get("aliases", []),
            jurisdiction=jurisdiction,
        )
    for provision in data["legal_provisions"]:
        _upsert(
            models.LegalProvision,
            provision["slug"],
            statute=statutes[provision["statute"]],
            section=provision.get("section") or "",
            citation=provision["citation"],
            short_citation=provision.get("short_citation") or "",
            title=provision.get("title") or "",
            aliases=provision.get("aliases", []),
        )
    for key, model in (
        ("act_types", models.ActType),
        ("trigger_types", models.TriggerType),
        ("outcomes", models.OutcomeType),
    ):
        for position, term in enumerate(data[key]):
            extra = {"final": term.get("final", False)} if model is models.OutcomeType else {}
            if model is models.ActType:
                extra = {"counts": term.get("counts", models.ActType.Counts.PEOPLE)}
            _upsert(
                model,
                term["slug"],
                label=term["label"],
                description=term.get("description", ""),
                position=position,
                **extra,
            )
    counts = {
        "organisations": len(data["organisations"]),
        "statutes": len(data["statutes"]),
        "legal_provisions": len(data["legal_provisions"]),
        "act_types": len(data["act_types"]),
        "trigger_types": len(data["trigger_types"]),
        "outcomes": len(data["outcomes"]),
    }
    return LoadReport(jurisdiction=data["jurisdiction"], version=data["version"], counts=counts)
