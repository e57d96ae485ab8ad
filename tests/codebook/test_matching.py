"""The codebook's resolver reads force names and legal citations as people write them.

Plain pytest against the shipped UK codebook file: no database, no Django.
"""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from casebook.codebook import matching
from casebook.codebook.matching import (
    NameIndex,
    ProvisionIndex,
    default_codebook_path,
    load_codebook_file,
    normalise,
)


@pytest.fixture(scope="module")
def codebook() -> dict:
    return load_codebook_file(default_codebook_path())


@pytest.fixture(scope="module")
def forces(codebook) -> NameIndex:
    return NameIndex.from_organisations(codebook["organisations"])


@pytest.fixture(scope="module")
def provisions(codebook) -> ProvisionIndex:
    return ProvisionIndex.from_codebook(codebook)


def mentioned(index, text: str) -> list[tuple[str, str]]:
    """What find_all reports, with the words each span covers."""
    return [(slug, text[start:end]) for slug, start, end in index.find_all(text)]


# --- the codebook file ------------------------------------------------------------------------


def test_the_default_codebook_is_the_shipped_uk_file(codebook):
    assert default_codebook_path().name == "uk.json"
    assert default_codebook_path().is_file()
    assert (codebook["jurisdiction"], codebook["name"]) == ("uk", "United Kingdom")


def test_a_file_missing_a_section_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"jurisdiction": "xx", "name": "X", "version": "1"}', encoding="utf-8")
    with pytest.raises(ValueError, match="organisations"):
        load_codebook_file(path)


def test_there_are_43_territorial_forces_in_england_and_wales(codebook):
    territorial = [o for o in codebook["organisations"] if o["kind"] == "territorial_police"]
    england_and_wales = [o for o in territorial if o["nation"] in ("england", "wales")]
    assert len(england_and_wales) == 43
    assert {o["nation"] for o in territorial} == {
        "england",
        "wales",
        "scotland",
        "northern_ireland",
    }
    assert len(territorial) == 45


def test_scotland_northern_ireland_and_the_special_forces_are_present(codebook, forces):
    kinds = {o["slug"]: o["kind"] for o in codebook["organisations"]}
    for name, kind in [
        ("Police Scotland", "territorial_police"),
        ("Police Service of Northern Ireland", "territorial_police"),
        ("City of London Police", "territorial_police"),
        ("British Transport Police", "special_police"),
        ("Ministry of Defence Police", "special_police"),
        ("Civil Nuclear Constabulary", "special_police"),
        ("National Crime Agency", "other_police"),
    ]:
        slug = forces.resolve(name)
        assert slug is not None and forces.name(slug) == name, name
        assert kinds[slug] == kind, name


def test_every_organisation_has_a_valid_kind_country_and_nation(codebook):
    kinds = {"territorial_police", "special_police", "other_police", "non_police"}
    nations = {"england", "wales", "scotland", "northern_ireland", "uk"}
    for org in codebook["organisations"]:
        assert org["kind"] in kinds, org["slug"]
        assert len(org["country"]) == 2 and org["country"].isupper(), org["slug"]
        if org["country"] == "GB":
            assert org["nation"] in nations, org["slug"]
        else:
            assert org["nation"] is None, org["slug"]


def test_canonical_names_in_the_labelling_rules_are_the_codebook_names(forces):
    for name in [
        "Metropolitan Police Service",
        "Avon and Somerset Constabulary",
        "Greater Manchester Police",
        "South Wales Police",
        "West Yorkshire Police",
        "Devon and Cornwall Police",
        "Surrey Police",
        "Essex Police",
        "Kent Police",
        "Merseyside Police",
        "South Yorkshire Police",
        "Police Service of Northern Ireland",
        "Police Scotland",
        "Sussex Police",
        "Cheshire Constabulary",
        "New York City Police Department",
        "Los Angeles Police Department",
        "Hong Kong Police Force",
        "Victoria Police",
        "Ottawa Police Service",
    ]:
        slug = forces.resolve(name)
        assert slug is not None and forces.name(slug) == name, name


def test_vocabularies_have_the_slugs_the_extraction_format_uses(codebook):
    act_types = {t["slug"] for t in codebook["act_types"]}
    assert act_types >= {
        "arrest",
        "charge",
        "seizure",
        "stop_search",
        "dispersal",
        "force",
        "image_appeal",
        "home_visit",
        "other",
        "personal_details_published",
        "containment",
        "caution",
        "surveillance",
    }
    triggers = {t["slug"] for t in codebook["trigger_types"]}
    assert triggers >= {
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
    for term in [*codebook["act_types"], *codebook["trigger_types"], *codebook["outcomes"]]:
        assert term["label"] and term["description"].endswith("."), term["slug"]


def test_only_decided_outcomes_are_final(codebook):
    final = {o["slug"]: o["final"] for o in codebook["outcomes"]}
    assert final == {
        "released": False,
        "no_further_action": True,
        "released_under_investigation": False,
        "bailed": False,
        "cautioned": True,
        "charged": False,
        "convicted": True,
        "acquitted": True,
        "dropped": True,
        "pending": False,
        "unknown": False,
    }


def test_slugs_are_unique_within_each_list(codebook):
    for key in (
        "organisations",
        "statutes",
        "legal_provisions",
        "act_types",
        "trigger_types",
        "outcomes",
    ):
        slugs = [item["slug"] for item in codebook[key]]
        assert len(slugs) == len(set(slugs)), key


# --- normalising ------------------------------------------------------------------------------


def test_normalise_ignores_case_punctuation_ampersands_and_a_leading_the():
    assert normalise("  The Devon & Cornwall   Police. ") == "devon and cornwall police"
    assert normalise("Dyfed-Powys Police") == normalise("dyfed powys police")
    assert normalise("Gardaí") == "gardai"
    assert normalise("theatre police") == "theatre police"


# --- organisations: resolve -------------------------------------------------------------------


def test_every_force_resolves_by_its_name_and_each_alias(codebook, forces):
    for org in codebook["organisations"]:
        for name in (org["name"], *org["aliases"]):
            assert forces.resolve(name) == org["slug"], name
            assert forces.resolve(name.upper()) == org["slug"], name


def test_scotland_yard_is_the_met(forces):
    for name in [
        "Scotland Yard",
        "New Scotland Yard",
        "the Met",
        "Met Police",
        "Metropolitan Police",
        "Westminster Police",
        "Lambeth police",
    ]:
        assert forces.resolve(name) == "metropolitan-police-service", name


def test_aliases_from_the_labelling_rules_resolve(forces):
    assert forces.resolve("Victorian Police") == "victoria-police"
    assert forces.resolve("Cheshire Police") == "cheshire-constabulary"
    assert forces.resolve("Hong Kong police") == "hong-kong-police-force"
    assert forces.resolve("Avon and Somerset Police") == "avon-and-somerset-constabulary"
    assert forces.resolve("Devon & Cornwall Police") == "devon-and-cornwall-police"
    assert forces.resolve("PSNI") == "police-service-of-northern-ireland"
    assert forces.resolve("BTP") == "british-transport-police"
    assert forces.resolve("GMP") == "greater-manchester-police"
    assert forces.resolve("NYPD") == "new-york-city-police-department"


def test_a_county_alone_is_not_a_force_but_its_force_names_are(forces):
    assert forces.resolve("Kent") is None
    for name in ["Kent Police", "Kent Constabulary", "kent police service", "Kent Police Force"]:
        assert forces.resolve(name) == "kent-police", name
    assert forces.resolve("Cumbria Police") == "cumbria-constabulary"
    assert forces.resolve("Sussex Constabulary") == "sussex-police"


def test_generic_descriptions_of_police_resolve_to_nothing(forces):
    for text in [
        "police",
        "the police",
        "Police",
        "constabulary",
        "counter-terrorism police",
        "police in London",
        "French police",
        "campus police",
        "the Police",
        "",
    ]:
        assert forces.resolve(text) is None, text


def test_ambiguous_alias_is_refused():
    with pytest.raises(ValueError, match="ambiguous alias"):
        NameIndex(
            [
                ("kent-police", "Kent Police", ["the County Force"]),
                ("essex-police", "Essex Police", ["The county force"]),
            ]
        )


def test_an_alias_equal_to_another_forces_name_is_refused():
    with pytest.raises(ValueError, match="Kent Police"):
        NameIndex(
            [("kent-police", "Kent Police", []), ("essex-police", "Essex Police", ["Kent Police"])]
        )


def test_a_guessed_variant_two_forces_share_resolves_to_neither():
    index = NameIndex([("a", "Riverside Police", []), ("b", "Riverside Constabulary", [])])
    assert index.resolve("Riverside Police") == "a"
    assert index.resolve("Riverside Constabulary") == "b"
    assert index.resolve("Riverside Police Service") is None
    assert index.find_all("Riverside Police Service said") == []


# --- organisations: find_all ------------------------------------------------------------------


def test_every_force_is_found_by_each_alias_in_running_text(codebook, forces):
    for org in codebook["organisations"]:
        for name in (org["name"], *org["aliases"]):
            text = f"A statement from {name}, issued on Sunday."
            start = text.index(name)
            assert forces.find_all(text) == [(org["slug"], start, start + len(name))], name


def test_find_all_reports_mentions_in_order_with_their_words(forces):
    text = (
        "Scotland Yard said 12 were held. Officers from Avon & Somerset police and "
        "the PSNI also made arrests; GMP did not."
    )
    assert mentioned(forces, text) == [
        ("metropolitan-police-service", "Scotland Yard"),
        ("avon-and-somerset-constabulary", "Avon & Somerset police"),
        ("police-service-of-northern-ireland", "PSNI"),
        ("greater-manchester-police", "GMP"),
    ]


def test_find_all_prefers_the_longest_name(forces):
    text = "New South Wales Police Force and South Wales Police, then Met Police officers."
    assert mentioned(forces, text) == [
        ("new-south-wales-police-force", "New South Wales Police Force"),
        ("south-wales-police", "South Wales Police"),
        ("metropolitan-police-service", "Met Police"),
    ]


def test_the_met_keeps_its_the_but_other_names_do_not(forces):
    text = "The Met said the Metropolitan Police Service and the Met Police agree."
    assert mentioned(forces, text) == [
        ("metropolitan-police-service", "The Met"),
        ("metropolitan-police-service", "Metropolitan Police Service"),
        ("metropolitan-police-service", "Met Police"),
    ]


def test_the_met_office_and_the_verb_met_are_not_the_met(forces):
    text = (
        "The Met Office warned of rain. Protesters met the Mayor; the met gala was "
        "cancelled; they met police in Helmet Police Lane."
    )
    assert forces.find_all(text) == []


def test_find_all_matches_whole_words_only(forces):
    assert forces.find_all("Kentish Police Constabularyish") == []
    assert forces.find_all("Essex Policewoman") == []
    assert mentioned(forces, "Essex Police's statement") == [("essex-police", "Essex Police")]


def test_acronyms_are_found_only_in_capitals(forces):
    assert mentioned(forces, "gmp and psni; GMP and PSNI; MPs") == [
        ("greater-manchester-police", "GMP"),
        ("police-service-of-northern-ireland", "PSNI"),
    ]


def test_a_name_is_not_read_across_a_sentence_or_paragraph_break(forces):
    assert forces.find_all("They marched through Kent. Police said it was calm.") == []
    assert forces.find_all("They marched through Kent\n\nPolice said it was calm.") == []
    assert mentioned(forces, "officers from Kent\nPolice were there") == [
        ("kent-police", "Kent\nPolice")
    ]


def test_find_all_reads_ampersands_hyphens_and_accents(forces):
    text = "Dyfed Powys Police, Devon and Cornwall Constabulary and An Garda Síochána"
    assert [slug for slug, _ in mentioned(forces, text)] == [
        "dyfed-powys-police",
        "devon-and-cornwall-police",
        "an-garda-siochana",
    ]


def test_find_all_scans_a_long_article_quickly(forces):
    paragraph = (
        "Protesters gathered on Saturday and officers from Kent Police and the Met "
        "said that several people were held; the police later issued a statement. "
    )
    text = paragraph * (100_000 // len(paragraph) + 1)
    forces.find_all(text)  # warm up
    started = time.perf_counter()
    found = forces.find_all(text)
    elapsed = time.perf_counter() - started
    assert len(found) == 2 * (100_000 // len(paragraph) + 1)
    assert elapsed < 0.25, f"{elapsed * 1000:.0f} ms for 100 KB"


# --- legal provisions: the data ---------------------------------------------------------------


REQUIRED_CITATIONS = [
    "Public Order Act 1986 s4",
    "Public Order Act 1986 s4A",
    "Public Order Act 1986 s5",
    "Public Order Act 1986 s11",
    "Public Order Act 1986 s12",
    "Public Order Act 1986 s13",
    "Public Order Act 1986 s14",
    "Public Order Act 1986 s14A",
    "Public Order Act 1986 s14ZA",
    "Public Order Act 2023",
    "Public Order Act 2023 s1",
    "Public Order Act 2023 s2",
    "Public Order Act 2023 s7",
    "Terrorism Act 2000",
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
    "Explosives Act 1875",
    "Criminal Justice and Licensing (Scotland) Act 2010 s38",
]


def test_the_provisions_used_against_protest_are_in_the_codebook(codebook):
    citations = {p["citation"] for p in codebook["legal_provisions"]}
    assert set(REQUIRED_CITATIONS) - citations == set()


def test_every_citation_has_the_canonical_form(codebook):
    statutes = {s["slug"]: s for s in codebook["statutes"]}
    for provision in codebook["legal_provisions"]:
        statute = statutes[provision["statute"]]
        expected = matching.canonical_citation(
            statute["name"], statute["year"], provision["section"]
        )
        assert provision["citation"] == expected


def test_every_statute_has_a_provision_for_the_act_as_a_whole(codebook, provisions):
    for statute in codebook["statutes"]:
        citation = f"{statute['name']} {statute['year']}"
        slug = provisions.resolve(citation)
        assert slug is not None and provisions.citation(slug) == citation


def test_every_provision_resolves_by_its_citation_short_citation_and_aliases(codebook, provisions):
    for provision in codebook["legal_provisions"]:
        for text in (provision["citation"], provision["short_citation"], *provision["aliases"]):
            assert provisions.resolve(text) == provision["slug"], text


def test_every_provision_is_found_by_its_citation_in_running_text(codebook, provisions):
    for provision in codebook["legal_provisions"]:
        citation = provision["citation"]
        text = f"Two people were arrested under the {citation}, police said."
        start = text.index(citation)
        assert provisions.find_all(text) == [(provision["slug"], start, start + len(citation))]


# --- legal provisions: resolve ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("s.14 POA", "poa-1986-s14"),
        ("s14 Public Order Act 1986", "poa-1986-s14"),
        ("section 14 of the Public Order Act", "poa-1986-s14"),
        ("Section 14 of the 1986 Public Order Act", "poa-1986-s14"),
        ("S.14(1)(a) Public Order Act", "poa-1986-s14"),
        ("Public Order Act 1986, s. 14", "poa-1986-s14"),
        ("Section 13 of the Terrorism Act", "ta-2000-s13"),
        ("Terrorism Act 2000, section 12", "ta-2000-s12"),
        ("TACT s.11", "ta-2000-s11"),
        ("sec. 5 POA 1986", "poa-1986-s5"),
        ("Section 5 Public Order Act", "poa-1986-s5"),
        ("s.4A", "poa-1986-s4a"),
        ("section 4a POA", "poa-1986-s4a"),
        ("s 14ZA Public Order Act 1986", "poa-1986-s14za"),
        ("s.60AA CJPOA", "cjpoa-1994-s60aa"),
        ("section 60 of the Criminal Justice and Public Order Act 1994", "cjpoa-1994-s60"),
        ("Police, Crime, Sentencing and Courts Act 2022, s.78", "pcsca-2022-s78"),
        ("s137 Highways Act", "ha-1980-s137"),
        ("Public Order Act 2023", "poa-2023"),
        ("Terrorism Act", "ta-2000"),
        ("the Criminal Justice and Public Order Act", "cjpoa-1994"),
        ("PACE", "pace-1984"),
    ],
)
def test_citations_as_people_write_them_resolve(provisions, text, slug):
    assert provisions.resolve(text) == slug


def test_section_7_public_order_act_is_2023(provisions):
    assert provisions.resolve("Section 7 of the Public Order Act") == "poa-2023-s7"
    assert provisions.resolve("s7 POA 2023") == "poa-2023-s7"


def test_section_12_public_order_act_is_1986(provisions):
    assert provisions.resolve("section 12 of the Public Order Act") == "poa-1986-s12"


def test_the_public_order_act_without_a_year_or_section_is_ambiguous(provisions):
    assert provisions.resolve("Public Order Act") is None
    assert provisions.resolve("arrested under the Public Order Act") is None


def test_a_section_both_public_order_acts_have_is_ambiguous_without_a_year(provisions):
    assert provisions.resolve("section 1 of the Public Order Act") is None
    assert provisions.resolve("section 1 of the Public Order Act 2023") == "poa-2023-s1"
    assert provisions.resolve("section 1 of the Public Order Act 1986") == "poa-1986-s1"


def test_arrested_under_the_terrorism_act_resolves_to_the_act(provisions):
    assert provisions.resolve("arrested under the Terrorism Act") == "ta-2000"
    assert provisions.resolve("held under s.14 POA for breaching conditions") == "poa-1986-s14"


def test_text_citing_two_provisions_resolves_to_neither(provisions):
    assert provisions.resolve("s.14 POA and s.13 Terrorism Act 2000") is None
    assert provisions.resolve("the Public Order Act and the Terrorism Act") is None


def test_a_section_alone_resolves_only_when_one_act_has_it(provisions):
    assert provisions.resolve("section 60AA") == "cjpoa-1994-s60aa"
    assert provisions.resolve("s.12") is None  # Public Order Act 1986 and Terrorism Act 2000
    assert provisions.resolve("section 999") is None


def test_a_section_the_codebook_lacks_is_cited_but_not_resolved(provisions):
    assert provisions.resolve("section 41 of the Terrorism Act 2000") is None
    (citation,) = provisions.find_citations("detained under section 41 of the Terrorism Act")
    assert (citation.statute, citation.section, citation.provision, citation.citation) == (
        "terrorism-act-2000",
        "41",
        None,
        "Terrorism Act 2000 s41",
    )


def test_an_act_not_in_the_codebook_resolves_to_nothing(provisions):
    for text in [
        "Public Order Act 1936",
        "Police Act 1997 s.112",
        "the Equality Act",
        "Prevention of Terrorism Act",
        "Counter-Terrorism Act 2008 s.1",
        "POA 2023 s.12",
    ]:
        assert provisions.resolve(text) is None, text


def test_ambiguous_citation_alias_is_refused():
    statutes = [
        {"slug": "a-1999", "name": "Alpha Act", "year": 1999, "aliases": []},
        {"slug": "b-1999", "name": "Beta Act", "year": 1999, "aliases": []},
    ]
    with pytest.raises(ValueError, match="ambiguous citation"):
        ProvisionIndex(
            statutes,
            [
                {
                    "slug": "a-s1",
                    "statute": "a-1999",
                    "section": "1",
                    "citation": "Alpha Act 1999 s1",
                    "aliases": ["the first one"],
                },
                {
                    "slug": "b-s1",
                    "statute": "b-1999",
                    "section": "1",
                    "citation": "Beta Act 1999 s1",
                    "aliases": ["The First One"],
                },
            ],
        )


def test_a_statute_alias_shared_by_two_acts_is_refused():
    with pytest.raises(ValueError, match="ambiguous statute alias"):
        ProvisionIndex(
            [
                {"slug": "a", "name": "Alpha Act", "year": 1999, "aliases": ["AA"]},
                {"slug": "b", "name": "Beta Act", "year": 2001, "aliases": ["AA"]},
            ],
            [],
        )


def test_a_provision_of_an_unknown_statute_is_refused():
    with pytest.raises(ValueError, match="unknown statute"):
        ProvisionIndex(
            [],
            [
                {
                    "slug": "x",
                    "statute": "nowhere",
                    "section": "1",
                    "citation": "Nowhere Act 1999 s1",
                }
            ],
        )


# --- legal provisions: find_all ---------------------------------------------------------------


def test_find_all_reports_each_citation_in_running_text(provisions):
    text = (
        "41 were arrested under Section 13 of the Terrorism Act and two under "
        "s.5 POA 1986, while the Criminal Justice and Public Order Act 1994 s60 was in force."
    )
    assert mentioned(provisions, text) == [
        ("ta-2000-s13", "Section 13 of the Terrorism Act"),
        ("poa-1986-s5", "s.5 POA 1986"),
        ("cjpoa-1994-s60", "Criminal Justice and Public Order Act 1994 s60"),
    ]


def test_find_all_splits_a_list_of_sections(provisions):
    text = "conditions under sections 12 and 14 of the Public Order Act were imposed"
    assert mentioned(provisions, text) == [
        ("poa-1986-s12", "sections 12"),
        ("poa-1986-s14", "14 of the Public Order Act"),
    ]


def test_sections_before_the_next_act_belong_to_it(provisions):
    text = "under the Terrorism Act 2000 s.12 and section 7 of the Public Order Act"
    assert mentioned(provisions, text) == [
        ("ta-2000-s12", "Terrorism Act 2000 s.12"),
        ("poa-2023-s7", "section 7 of the Public Order Act"),
    ]


def test_find_all_does_not_report_a_section_without_its_act(provisions):
    assert provisions.find_all("police imposed a Section 14 order and a s60 authorisation") == []


def test_words_that_look_like_acts_are_not_acts(provisions):
    text = (
        "Supporters of Palestine Action said the act was peaceful; they walked at a "
        "slow pace under the Prevention of Terrorism Act 2005 and a Counter-Terrorism Act."
    )
    assert provisions.find_all(text) == []
    assert mentioned(provisions, "searched under PACE") == [("pace-1984", "PACE")]


def test_the_public_order_act_inside_a_longer_name_is_that_act(provisions):
    text = "the Criminal Justice and Public Order Act"
    assert mentioned(provisions, text) == [("cjpoa-1994", "Criminal Justice and Public Order Act")]


# --- the module itself ------------------------------------------------------------------------


def test_the_matcher_imports_no_framework_and_no_other_casebook_module():
    imported = set()
    for path in Path(matching.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    own = {name for name in imported if name.startswith("casebook.codebook.matching")}
    assert {name.split(".")[0] for name in imported - own} <= {
        "__future__",
        "collections",
        "dataclasses",
        "functools",
        "json",
        "pathlib",
        "re",
        "typing",
        "unicodedata",
    }
