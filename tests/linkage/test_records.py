"""What linkage sees of a record: folded places, hashed words, NULL for what a source left out."""

from __future__ import annotations

import datetime as dt

import pytest

from casebook.linkage.compare.records import (
    ActSummary,
    LinkageRecord,
    phash_bands,
    phash_distance,
    record_row,
    records_table,
)


def test_a_record_row_folds_the_place_and_keeps_the_town():
    row = record_row(LinkageRecord("a", dt.date(2025, 8, 9), place="Parliament Square, London"))
    assert row["place_key"] == "parliament square london"
    assert row["town_key"] == "london"
    assert row["day"] == (dt.date(2025, 8, 9) - dt.date(1970, 1, 1)).days


def test_what_a_source_did_not_say_is_null_not_a_disagreement():
    row = record_row(LinkageRecord("a", dt.date(2025, 8, 9)))
    for column in (
        "force",
        "place_key",
        "protest",
        "act_types",
        "headline_count",
        "provisions",
        "trigger_words",
        "evidence_sha256",
        "people_hashes",
    ):
        assert row[column] is None, column


def test_a_date_known_only_to_the_month_has_no_day_but_keeps_its_month():
    row = record_row(LinkageRecord("a", dt.date(2025, 8, 1), date_precision="month"))
    assert row["day"] is None
    assert row["month_key"] == "2025-08"


def test_the_headline_count_is_the_largest_number_and_says_whether_it_is_approximate():
    record = LinkageRecord(
        "a",
        dt.date(2025, 8, 9),
        acts=(ActSummary("arrest", 50, approximate=True), ActSummary("seizure", 3)),
    )
    row = record_row(record)
    assert row["headline_count"] == 50
    assert row["count_approximate"] is True
    assert row["main_act"] == "arrest"
    assert row["act_types"] == ["arrest", "seizure"]


def test_trigger_wording_is_compared_without_case_punctuation_or_filler():
    a = record_row(LinkageRecord("a", None, trigger_wording="Stop drilling our future away!"))
    b = record_row(LinkageRecord("b", None, trigger_wording="STOP DRILLING OUR FUTURE AWAY"))
    assert a["trigger_words"] == b["trigger_words"]


def test_a_perceptual_hash_is_cut_into_four_tagged_bands_and_kept_as_a_number():
    assert phash_bands("fe6eb943d4a0005f") == ["0fe6e", "1b943", "2d4a0", "3005f"]
    with pytest.raises(ValueError, match="16 hexadecimal digits"):
        phash_bands("not a hash")
    row = record_row(
        LinkageRecord("a", None, evidence_phash=("ffffffffffffffff", "00000000000000ff"))
    )
    assert row["phash_values"] == [-1, 255]


def test_hashes_three_bits_apart_still_share_a_band():
    a = "fe6eb943d4a0005f"
    b = "fe6fb942d4a1005f"  # one bit changed in each of three bands
    assert phash_distance(a, b) == 3
    assert set(phash_bands(a)) & set(phash_bands(b))


def test_an_all_empty_column_keeps_its_type_in_the_table():
    table = records_table([LinkageRecord("a", None), LinkageRecord("b", None)])
    assert table.num_rows == 2
    assert str(table.schema.field("people_hashes").type) == "list<item: string>"
    assert str(table.schema.field("text_words").type) == "list<item: int64>"


def test_words_most_records_use_are_left_out_of_the_texts_compared():
    from casebook.linkage.compare.records import (
        COMMON_WORDS_FROM,
        CommonWords,
        common_words,
        word_hashes,
    )

    records = [
        LinkageRecord(str(n), None, summary=f"A spokesperson said it happened on street{n}")
        for n in range(COMMON_WORDS_FROM)
    ]
    common = common_words(records)
    assert set(word_hashes(["spokesperson", "happened"])) <= common.text
    row = record_row(records[7], common)
    assert row["text_words"] == word_hashes(["street7"])
    assert CommonWords.from_dict(common.as_dict()) == common
    assert common_words(records[:10]) == CommonWords()  # too few to tell


def test_a_record_row_has_the_time_of_day_and_the_streets_its_text_names():
    record = LinkageRecord(
        "a",
        dt.date(2025, 8, 9),
        time=dt.time(14, 35),
        summary="Officers moved in on Upper Brook Street. A sign read 'Save our High Street'.",
    )
    row = record_row(record)
    assert row["minute"] == 14 * 60 + 35
    assert row["streets"] == ["upper brook street"]  # the quoted placard is no place
    assert record_row(LinkageRecord("b", dt.date(2025, 8, 9)))["minute"] is None
