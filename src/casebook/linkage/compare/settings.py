"""The splink model: blocking rules and comparisons, one definition for every backend.

Each comparison's levels run from the strongest agreement down to "else"; a NULL on either
side (the source did not say) falls in the null level, which weighs nothing. Custom
conditions are written in DuckDB's SQL and translated by splink (through sqlglot) for Spark,
so DuckDB and Spark run the same model; `tests/linkage` checks both give the same pairs.

The level names (`LEVELS`) are the vocabulary of the explanations a coordinator reads
(`explain.py`): keep them in step with the levels here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casebook.linkage.compare.records import SAME_PHOTO_BITS

if TYPE_CHECKING:
    import splink.comparison_level_library as cll
    from splink import SettingsCreator
    from splink.comparison_library import CustomComparison

# splink (with sqlglot and DuckDB) is imported by the functions that build the model, not
# here: this module is loaded when Django starts, and every `casebook` command, server and
# worker would otherwise pay a quarter of its start-up for a model most of them never build.

DIALECT = "duckdb"  # the dialect the custom SQL below is written in


def _level(sql: str, label: str) -> cll.CustomLevel:
    import splink.comparison_level_library as cll

    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str=DIALECT)


def _raw(sql: str, label: str) -> cll.CustomLevel:
    """A level whose SQL is already in the target dialect (not translated)."""
    import splink.comparison_level_library as cll

    return cll.CustomLevel(sql, label_for_charts=label)


def _null(*columns: str, unless: str = "", also: str = "") -> cll.CustomLevel:
    condition = " or ".join(f"{c}_l is null or {c}_r is null" for c in columns)
    if unless:
        condition = f"{condition} or not coalesce({unless}, false)"
    if also:
        condition = f"{condition} or coalesce({also}, false)"
    return _level(condition, "not known").configure(is_null_level=True)


# The number of people a record carries is that of its main act. Two reports that lead with
# different kinds of act (one with the arrests, a court list with the charges that followed)
# give numbers of different things: comparing them says nothing either way, so they count as
# not known rather than as a disagreement. (The trigger wording is compared whatever the act:
# a charge is for what the arrest was over.) Whether the kinds of act agree is weighed once,
# by the comparison of acts.
SAME_MAIN_ACT = "main_act_l = main_act_r"


def _common(column: str, dialect: str) -> str:
    """How many items two arrays share, as SQL for `dialect`.

    Written out per dialect because the generic `array_intersect` is several times slower on
    DuckDB than a filter with a lambda, and sqlglot cannot translate DuckDB's lambdas.
    """
    if dialect == "spark":
        return f"size(filter({column}_l, x -> array_contains({column}_r, x)))"
    return f"len(list_filter({column}_l, lambda x: list_contains({column}_r, x)))"


def _photo_bits(dialect: str) -> str:
    """The fewest bits in which a photo of one record differs from a photo of the other
    (Hamming distance between perceptual hashes), as SQL for `dialect`."""
    if dialect == "spark":
        return (
            "array_min(transform(phash_values_l, x -> "
            "array_min(transform(phash_values_r, y -> bit_count(x ^ y)))))"
        )
    return (
        "list_min(list_transform(phash_values_l, lambda x: "
        "list_min(list_transform(phash_values_r, lambda y: bit_count(xor(x, y))))))"
    )


def _size(column: str, dialect: str) -> str:
    return f"{'size' if dialect == 'spark' else 'len'}({column})"


def _jaccard(column: str, dialect: str) -> str:
    """Share of the distinct items two arrays have in common (Jaccard), as SQL.

    The arrays hold distinct items already (`records.record_row`), so the union's size is
    the sum of the sizes less the intersection's.
    """
    common = _common(column, dialect)
    both = f"{_size(column + '_l', dialect)} + {_size(column + '_r', dialect)}"
    return f"{common} / greatest({both} - {common}, 1)"


def _overlap(column: str, dialect: str) -> str:
    """Share of the shorter array's items found in the other (the overlap coefficient), as
    SQL: a headline alone, or a short police statement, wholly inside a long article counts
    as agreeing, where the Jaccard share would count the article's other words against it.
    """
    common = _common(column, dialect)
    shorter = f"least({_size(column + '_l', dialect)}, {_size(column + '_r', dialect)})"
    return f"{common} / greatest({shorter}, 1)"


def _shared(column: str, dialect: str, at_least: int = 1) -> str:
    return f"{_common(column, dialect)} >= {at_least}"


def _same_set(column: str, dialect: str) -> str:
    size_l = _size(column + "_l", dialect)
    return f"{size_l} = {_size(column + '_r', dialect)} and {_common(column, dialect)} = {size_l}"


def _day_gap() -> str:
    return "abs(date_diff('day', date_l, date_r))"


BOTH_DAYS = "date_precision_l = 'day' and date_precision_r = 'day'"
SAME_DAY = f"{BOTH_DAYS} and date_l = date_r"
ONE_DAY = f"{BOTH_DAYS} and abs(date_diff('day', date_l, date_r)) = 1"
SAME_PLACE = "(place_key_l = place_key_r or levenshtein(place_key_l, place_key_r) <= 2)"
NEAR = (
    "(town_key_l = town_key_r or (abs(latitude_l - latitude_r) < 0.01 "
    "and abs(longitude_l - longitude_r) < 0.015))"
)
# A date known only to the year says nothing about the day, nor the month, within that
# year: not known (unless both are of one protest), rather than a disagreement.
YEAR_ONLY_SAME_YEAR = (
    "(date_precision_l = 'year' or date_precision_r = 'year') "
    "and year(date_l) = year(date_r) and not coalesce(protest_l = protest_r, false)"
)
VAGUE_SAME_MONTH = f"not ({BOTH_DAYS}) and month_key_l = month_key_r"

# Comparison name -> level names, strongest first; the null and else levels are implied.
# Date, place and protest are one comparison ("occasion"): they are far from independent
# (two reports at one protest agree on all three), and adding their weights separately
# would count one coincidence three times.
LEVELS: dict[str, tuple[str, ...]] = {
    "occasion": (
        "same_protest",
        "same_day_same_place",
        "same_day_same_town",
        "one_day_same_place",
        "one_day_same_town",
        "same_day",
        "vague_same_month_same_town",
        "one_day",
        "few_days_same_town",
        "within_a_week",
    ),
    "time": ("same_time", "close_time"),
    "force": ("same_force",),
    "acts": ("same_acts", "same_main_act", "some_act"),
    "count": ("same_count", "close_count", "rough_count"),
    "provisions": ("same_provisions", "shared_provision"),
    "trigger": ("same_trigger", "similar_trigger"),
    "text": ("text_very_similar", "text_similar", "text_somewhat"),
    "street": ("same_street",),
    "evidence": ("same_file", "same_photo"),
    "people": ("shared_people",),
}


def level_name(comparison: str, gamma: int) -> str:
    """The name of splink's level `gamma` of `comparison`: one of LEVELS, "else" (gamma 0)
    or "not known" (-1).

    >>> level_name("force", 1), level_name("force", 0), level_name("evidence", 1)
    ('same_force', 'else', 'same_photo')
    """
    if gamma < 0:
        return "not known"
    names = LEVELS[comparison]
    return "else" if gamma == 0 else names[len(names) - gamma]


# Where expectation-maximisation starts: how often two reports of one event fall in each
# level (strongest first, "else" last); EM moves them to fit the data.
STARTING_M: dict[str, tuple[float, ...]] = {
    "occasion": (0.3, 0.25, 0.12, 0.08, 0.05, 0.05, 0.08, 0.02, 0.01, 0.01, 0.03),
    "time": (0.85, 0.1, 0.05),
    "force": (0.97, 0.03),
    "acts": (0.6, 0.3, 0.07, 0.03),
    "count": (0.55, 0.2, 0.15, 0.1),
    "provisions": (0.8, 0.15, 0.05),
    "trigger": (0.75, 0.2, 0.05),
    "text": (0.3, 0.35, 0.25, 0.1),
    "street": (0.9, 0.1),
    "evidence": (0.5, 0.45, 0.05),
    "people": (0.9, 0.1),
}


def _comparison(
    name: str,
    levels: list[cll.CustomLevel],
    null_columns: tuple[str, ...],
    *,
    compared_only_if: str = "",
    not_known_if: str = "",
):
    import splink.comparison_level_library as cll
    from splink.comparison_library import CustomComparison

    labels = LEVELS[name]
    assert len(labels) == len(levels), name  # explain.py reads levels by position
    starting = STARTING_M[name]
    assert len(starting) == len(levels) + 1, name
    return CustomComparison(
        comparison_levels=[
            _null(*null_columns, unless=compared_only_if, also=not_known_if),
            *(
                level.configure(m_probability=m)
                for level, m in zip(levels, starting[:-1], strict=True)
            ),
            cll.ElseLevel().configure(m_probability=starting[-1]),
        ],
        output_column_name=name,
        comparison_description=name,
    )


def comparisons(dialect: str = DIALECT) -> list[CustomComparison]:
    d = dialect
    gap = _day_gap()
    return [
        _comparison(
            "occasion",
            [
                _level("protest_l = protest_r", "at the same protest"),
                _level(f"{SAME_DAY} and {SAME_PLACE}", "same day, same place"),
                _level(f"{SAME_DAY} and {NEAR}", "same day, same town"),
                _level(f"{ONE_DAY} and {SAME_PLACE}", "1 day apart, same place"),
                _level(f"{ONE_DAY} and {NEAR}", "1 day apart, same town"),
                _level(SAME_DAY, "same day"),
                _level(
                    f"{VAGUE_SAME_MONTH} and ({SAME_PLACE} or {NEAR})",
                    "same month (one date known only to the month), same town",
                ),
                _level(ONE_DAY, "1 day apart"),
                _level(f"{BOTH_DAYS} and {gap} <= 3 and {NEAR}", "2-3 days apart, same town"),
                _level(
                    f"({BOTH_DAYS} and {gap} <= 7) or ({VAGUE_SAME_MONTH})",
                    "within a week or the same month",
                ),
            ],
            ("date",),
            not_known_if=YEAR_ONLY_SAME_YEAR,
        ),
        # Times of day a source gives are rounded or remembered ("about 3pm"): within half
        # an hour is the same time, within an hour and a half close. Compared on dates at most
        # a day apart (a report dated the day it ran still gives the time it happened).
        _comparison(
            "time",
            [
                _level("abs(minute_l - minute_r) <= 30", "the same time of day"),
                _level("abs(minute_l - minute_r) <= 90", "times of day close"),
            ],
            ("minute",),
            compared_only_if=f"{BOTH_DAYS} and {_day_gap()} <= 1",
        ),
        _comparison("force", [_level("force_l = force_r", "same force")], ("force",)),
        _comparison(
            "acts",
            [
                _raw(_same_set("act_types", d), "same act types"),
                _level("main_act_l = main_act_r", "same main act"),
                _raw(_shared("act_types", d), "an act type in common"),
            ],
            ("act_types",),
        ),
        _comparison(
            "count",
            [
                _level("headline_count_l = headline_count_r", "same number of people"),
                _level(
                    "abs(headline_count_l - headline_count_r) <= greatest(2, "
                    "0.1 * greatest(headline_count_l, headline_count_r))",
                    "numbers of people close",
                ),
                _level(
                    "(count_approximate_l or count_approximate_r) and "
                    "least(headline_count_l, headline_count_r) * 2 "
                    ">= greatest(headline_count_l, headline_count_r)",
                    "numbers of people roughly agree",
                ),
            ],
            ("headline_count",),
            compared_only_if=SAME_MAIN_ACT,
        ),
        _comparison(
            "provisions",
            [
                _raw(_same_set("provisions", d), "same provisions"),
                _raw(_shared("provisions", d), "a provision in common"),
            ],
            ("provisions",),
        ),
        _comparison(
            "trigger",
            [
                _raw(f"{_overlap('trigger_words', d)} >= 0.8", "same trigger wording"),
                _raw(f"{_overlap('trigger_words', d)} >= 0.5", "similar trigger wording"),
            ],
            ("trigger_words",),
        ),
        _comparison(
            "text",
            [
                _raw(f"{_overlap('text_words', d)} >= 0.8", "texts very similar"),
                _raw(f"{_overlap('text_words', d)} >= 0.55", "texts similar"),
                _raw(f"{_overlap('text_words', d)} >= 0.3", "texts somewhat similar"),
            ],
            ("text_words",),
        ),
        # Both name where it happened: the same street, or only different ones.
        _comparison(
            "street",
            [_raw(_shared("streets", d), "a street in common")],
            ("streets",),
        ),
        _comparison(
            "evidence",
            [
                _raw(_shared("evidence_sha256", d), "the same file"),
                _raw(
                    f"{_photo_bits(d)} <= {SAME_PHOTO_BITS}",
                    "the same photo, re-encoded or resized",
                ),
            ],
            # Every evidence file has a hash; only images have perceptual ones.
            ("evidence_sha256",),
        ),
        _comparison(
            "people",
            [_raw(_shared("people_hashes", d), "a person in common")],
            ("people_hashes",),
        ),
    ]


def blocking_rules() -> list:
    """Which pairs are compared at all: only these, so that 100,000 reports stay fast.

    Day-to-day neighbours are joined as equalities on a day number (`l.day = r.day + 1`),
    which every backend runs as a hash join; a range condition would compare every report
    of a force with every other one first.
    """
    from splink import block_on

    either_vague = "(l.date_precision <> 'day' or r.date_precision <> 'day')"
    no_force = "(l.force is null or r.force is null)"
    return [
        "l.force = r.force and l.day = r.day",
        "l.force = r.force and l.day = r.day + 1",
        "l.force = r.force and l.day + 1 = r.day",
        # Reports that leave the force out (or name another) meet on the town, the wording,
        # or, when the force is not known, on the day and the kind of act.
        "l.town_key = r.town_key and l.day = r.day",
        "l.trigger_words = r.trigger_words and l.day = r.day",
        f"{no_force} and l.day = r.day and l.main_act = r.main_act",
        f"{no_force} and l.day = r.day + 1 and l.main_act = r.main_act",
        f"{no_force} and l.day + 1 = r.day and l.main_act = r.main_act",
        # A date known only to the month meets the same force's reports of that month that
        # name the same kind of act. (Meeting every report of the town and month as well
        # added half as many pairs again at 100,000 reports and found almost no match: such
        # a pair has little but the month and town in common.)
        "l.force = r.force and l.month_key = r.month_key "
        f"and l.main_act = r.main_act and {either_vague}",
        f"{no_force} and l.month_key = r.month_key and l.main_act = r.main_act and {either_vague}",
        block_on("protest"),
        block_on("people_hashes", arrays_to_explode=["people_hashes"]),
        block_on("evidence_sha256", arrays_to_explode=["evidence_sha256"]),
        # Copies of one photo share a band of their perceptual hashes (records.phash_bands).
        block_on("phash_bands", arrays_to_explode=["phash_bands"]),
    ]


def linkage_settings(
    *, dialect: str = DIALECT, probability_two_random_records_match: float = 1e-5
) -> SettingsCreator:
    """The model for `dialect` ("duckdb" or "spark"): the same levels, SQL for that backend."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(dialect),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[],
    )
