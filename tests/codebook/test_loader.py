"""The shipped UK codebook loads completely and can be loaded again without duplicates."""

from __future__ import annotations

import pytest

from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType
from casebook.installation.bootstrap import bootstrap_reference_data

pytestmark = pytest.mark.django_db

EXTRACTION_ACT_TYPES = {
    "arrest",
    "charge",
    "seizure",
    "stop_search",
    "dispersal",
    "force",
    "image_appeal",
    "home_visit",
    "other",
}
EXTRA_ACT_TYPES = {"personal_details_published", "containment", "caution", "surveillance"}
TRIGGERS = {
    "placard",
    "flag",
    "banner",
    "clothing",
    "chant",
    "online_post",
    "gathering",
    "obstruction",
    "violence",
    "other",
}
OUTCOMES = {
    "released",
    "no_further_action",
    "released_under_investigation",
    "bailed",
    "cautioned",
    "charged",
    "convicted",
    "acquitted",
    "dropped",
    "pending",
    "unknown",
}
REQUIRED_CITATIONS = [
    "Public Order Act 1986 s4",
    "Public Order Act 1986 s4A",
    "Public Order Act 1986 s5",
    "Public Order Act 1986 s11",
    "Public Order Act 1986 s12",
    "Public Order Act 1986 s13",
    "Public Order Act 1986 s14",
    "Public Order Act 1986 s14ZA",
    "Public Order Act 1986 s14A",
    "Public Order Act 2023",
    "Terrorism Act 2000 s11",
    "Terrorism Act 2000 s12",
    "Terrorism Act 2000 s13",
    "Criminal Justice and Public Order Act 1994 s60",
    "Criminal Justice and Public Order Act 1994 s60AA",
    "Criminal Justice and Public Order Act 1994 s68",
    "Criminal Justice and Public Order Act 1994 s69",
    "Crime and Disorder Act 1998 s31",
    "Police, Crime, Sentencing and Courts Act 2022 s78",
    "Highways Act 1980 s137",
    "Assaults on Emergency Workers (Offences) Act 2018 s1",
    "Police Act 1996 s89",
    "Criminal Damage Act 1971 s1",
    "Malicious Communications Act 1988 s1",
    "Communications Act 2003 s127",
]


def test_codebook_has_every_vocabulary_the_extraction_format_uses():
    assert (
        set(ActType.objects.values_list("slug", flat=True))
        >= EXTRACTION_ACT_TYPES | EXTRA_ACT_TYPES
    )
    assert set(TriggerType.objects.values_list("slug", flat=True)) >= TRIGGERS
    assert set(OutcomeType.objects.values_list("slug", flat=True)) >= OUTCOMES


def test_codebook_has_every_uk_force():
    uk = Organisation.objects.filter(country="GB")
    territorial = uk.filter(kind="territorial_police")
    # 43 in England and Wales, Police Scotland, PSNI.
    assert territorial.count() == 45
    names = set(uk.values_list("name", flat=True))
    assert {
        "Metropolitan Police Service",
        "Police Scotland",
        "Police Service of Northern Ireland",
        "British Transport Police",
        "City of London Police",
    } <= names


def test_codebook_has_the_provisions_used_against_protest():
    citations = set(LegalProvision.objects.values_list("citation", flat=True))
    assert set(REQUIRED_CITATIONS) - citations == set()


def test_loading_twice_changes_nothing():
    before = (Organisation.objects.count(), LegalProvision.objects.count(), ActType.objects.count())
    bootstrap_reference_data()
    after = (Organisation.objects.count(), LegalProvision.objects.count(), ActType.objects.count())
    assert before == after
