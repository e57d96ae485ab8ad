"""Text redaction: every kind of personal data, stable tags, collar numbers, public figures.

The sentences are invented; see conftest.py for where the numbers come from.
"""

from __future__ import annotations

import pytest

from casebook.redaction.text import apply_spans, find_all, merge_overlaps, redact_text
from tests.redaction.conftest import TESTIMONY


def hidden(sentence: str, **options) -> dict[str, str]:
    """What was hidden, as {text: entity}."""
    result = redact_text(sentence, **options)
    return {sentence[s.start : s.end]: s.entity for s in result.spans}


@pytest.mark.parametrize(
    ("sentence", "value", "entity"),
    [
        ("Yesterday Daniel Okafor was pushed to the ground.", "Daniel Okafor", "PERSON"),
        ("The officer grabbed Mrs Tabitha Quarrie by the arm.", "Tabitha Quarrie", "PERSON"),
        ("She lives at 27 Acacia Avenue, near the station.", "27 Acacia Avenue", "ADDRESS"),
        ("Send it to Flat 3, 12 Wickham Road please.", "Flat 3, 12 Wickham Road", "ADDRESS"),
        ("They met at 5 St Mary's Close and walked on.", "5 St Mary's Close", "ADDRESS"),
        ("Police searched 14b Orchard Gdns at dawn.", "14b Orchard Gdns", "ADDRESS"),
        ("The flat is in Testford TF1 4ZZ, by the park.", "TF1 4ZZ", "POSTCODE"),
        ("Her postcode is sw1a 1aa apparently.", "sw1a 1aa", "POSTCODE"),
        ("Text me on 07700 900123 after the march.", "07700 900123", "PHONE"),
        ("His mobile is +44 7700 900456.", "+44 7700 900456", "PHONE"),
        ("The office number is 020 7946 0018.", "020 7946 0018", "PHONE"),
        ("Ring (0161) 496 0000 for the legal team.", "(0161) 496 0000", "PHONE"),
        ("Write to dan.okafor@example.org with the video.", "dan.okafor@example.org", "EMAIL"),
        ("She was born on 14 March 1998 in Leeds.", "14 March 1998", "DOB"),
        ("Arrested person, DOB: 02/05/2001, held overnight.", "02/05/2001", "DOB"),
        ("His date of birth is 3rd July 1987.", "3rd July 1987", "DOB"),
        ("He was born in 1987 and grew up nearby.", "1987", "DOB"),
        ("A van, registration AB12 CDE, blocked the road.", "AB12 CDE", "VEHICLE"),
        ("An old car, plate A123 BCD, was parked there.", "A123 BCD", "VEHICLE"),
        ("A classic Mini, ABC 123D, was towed.", "ABC 123D", "VEHICLE"),
        ("His National Insurance number is QQ 12 34 56 C.", "QQ 12 34 56 C", "NINO"),
        ("Her NHS number is 943 476 5919.", "943 476 5919", "NHS"),
        ("The post was made from 192.168.10.4 that night.", "192.168.10.4", "IP"),
        ("He paid the fine with card 4111 1111 1111 1111.", "4111 1111 1111 1111", "CARD"),
    ],
)
def test_each_kind_of_personal_data_is_found(sentence, value, entity):
    assert hidden(sentence).get(value) == entity
    assert value not in redact_text(sentence).text


def test_a_date_without_a_birth_word_is_not_a_date_of_birth():
    sentence = "She was born in Leeds. On 12/03/2024 police arrested her on 4 May 2024."
    assert hidden(sentence) == {}


def test_the_same_value_gets_the_same_tag_throughout():
    result = redact_text(TESTIMONY)
    assert result.text.count("[PERSON-1]") == 2  # Daniel Okafor, twice
    assert "[PERSON-2]" in result.text  # Amira Okafor is someone else
    assert "Okafor" not in result.text
    for tag in ("[ADDRESS-1]", "[POSTCODE-1]", "[PHONE-1]", "[PHONE-2]", "[DOB-1]"):
        assert tag in result.text
    assert "4 May 2024" in result.text  # the incident's date is not personal


def test_stable_tags_see_through_formatting():
    result = redact_text(
        "Call 07700 900123 or +44 7700 900123 or 07700900123. Call 07700 900999 too."
    )
    assert result.text == ("Call [PHONE-1] or [PHONE-1] or [PHONE-1]. Call [PHONE-2] too.")


def test_a_surname_on_its_own_keeps_the_persons_tag():
    result = redact_text("Amira Khan filmed the arrest. Later Khan was searched.")
    assert result.text == "[PERSON-1] filmed the arrest. Later [PERSON-1] was searched."


def test_collar_numbers_are_kept_by_default_and_hidden_on_request():
    sentence = (
        "PC 4471 and officer U1234 held Sam Lee; Sergeant Jones (collar number 5678) watched."
    )
    kept = redact_text(sentence).text
    assert "PC 4471" in kept and "officer U1234" in kept and "collar number 5678" in kept
    assert "Sam Lee" not in kept
    hidden_too = redact_text(sentence, keep_collar_numbers=False).text
    assert "4471" not in hidden_too and "U1234" not in hidden_too and "5678" not in hidden_too
    assert "PC [COLLAR-1]" in hidden_too


def test_an_officers_name_is_hidden_but_the_collar_number_next_to_it_kept():
    result = redact_text("PC Andrew Walsh 4471 took the placard.")
    assert result.text == "PC [PERSON-1] 4471 took the placard."


def test_a_public_figure_is_kept_and_private_people_are_not():
    sentence = "Sir Mark Rowley defended the arrests; Tobias Reed, who was arrested, disagreed."
    result = redact_text(sentence, public_figures=["Mark Rowley"])
    assert "Sir Mark Rowley" in result.text
    assert "Tobias Reed" not in result.text
    assert "Mark Rowley" not in redact_text(sentence).text  # not on the list: hidden


def test_the_public_figures_list_ignores_titles_case_and_possessives():
    result = redact_text(
        "The Home Secretary's words: Yvette Cooper's statement was read out.",
        public_figures=["yvette cooper MP"],
    )
    assert "Yvette Cooper" in result.text


def test_placenames_and_police_forces_are_not_redacted():
    sentence = (
        "The Metropolitan Police said 12 people were arrested under section 14 of the "
        "Public Order Act 1986 in Parliament Square on Saturday."
    )
    assert redact_text(sentence).text == sentence


def test_us_recognisers_do_not_fire_on_uk_numbers():
    """presidio's own registry reads a UK mobile as a US bank account and a UK NI number as a
    US driving licence; ours has no US recogniser at all."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    from casebook.redaction.text import _load_engine

    ours = _load_engine()
    sentence = "Call me on 07700900123 about NI number QQ123456C."
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"])
    stock = AnalyzerEngine(registry=registry, nlp_engine=ours.nlp_engine)
    stock_types = {r.entity_type for r in stock.analyze(sentence, language="en")}
    assert {"US_BANK_NUMBER", "US_DRIVER_LICENSE"} & stock_types  # the trap is real

    assert {s.entity for s in redact_text(sentence).spans} == {"PHONE", "NINO"}
    our_entities = {e for r in ours.registry.recognizers for e in r.supported_entities}
    assert not {e for e in our_entities if e.startswith("US_")}


def test_empty_text_has_nothing_to_redact():
    assert redact_text("").text == ""
    assert redact_text("   \n").spans == []


def test_overlapping_findings_merge_so_no_fragment_shows():
    merged = merge_overlaps([(0, 5, "PERSON", 0.85), (3, 9, "ADDRESS", 0.7), (12, 14, "IP")])
    assert [(s.start, s.end, s.entity) for s in merged] == [(0, 9, "PERSON"), (12, 14, "IP")]


def test_apply_spans_replaces_exactly_the_spans_given():
    text = "Jo Bloggs met Jo Bloggs at 1 High Street."
    spans = [(s, e, "PERSON") for s, e in find_all(text, "jo bloggs")] + [(27, 40, "ADDRESS")]
    assert apply_spans(text, spans).text == "[PERSON-1] met [PERSON-1] at [ADDRESS-1]."


def test_find_all_matches_whole_words_only():
    assert find_all("Al and Alan and AL.", "al") == [(0, 2), (16, 18)]


def test_a_name_found_once_is_hidden_everywhere_including_the_surname_alone():
    sentence = (
        "I marched with my friend Oluwaseun MacLeod. Oluwaseun MacLeod filmed it; "
        "MacLeod was then arrested."
    )
    result = redact_text(sentence)
    assert "MacLeod" not in result.text
    assert result.text.count("[PERSON-1]") == 3


def test_a_year_of_birth_does_not_hide_the_same_year_elsewhere():
    result = redact_text("He was born in 1986. He was arrested under the Public Order Act 1986.")
    assert result.text == "He was born in [DOB-1]. He was arrested under the Public Order Act 1986."


def test_a_public_figure_stays_even_next_to_a_private_person_of_the_same_surname():
    result = redact_text(
        "Jane Rowley asked Mark Rowley why Jane Rowley was arrested.",
        public_figures=["Mark Rowley"],
    )
    assert "Mark Rowley" in result.text and "Jane" not in result.text


def test_nothing_found_is_ever_logged(caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    result = redact_text(
        "Pay GB82 WEST 1234 5698 7654 32 or GB00 ZZZZ 0000 0000 0000 00, Jo Bloggs, 07700 900123."
    )
    assert "[IBAN-1]" in result.text and "[PHONE-1]" in result.text
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert not any(value in logged for value in ("GB82", "GB00", "Bloggs", "900123"))
