"""Train, score and cluster: one run of the linkage model over a set of records.

`records_link(records=…, backend="duckdb")` runs in-process on DuckDB; `backend="spark"` runs
the same settings on a Spark session (`spark_session_local()` makes a local one). Training is
unsupervised, on the records themselves: the chance that two random records match from a
strict deterministic rule, the u probabilities from random pairs, and the m probabilities by
expectation-maximisation over two blockings (so that each comparison is trained in at least
one of them). A trained model (`LinkageRun.model`) can be given back to skip training.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from casebook.linkage.compare.clustering import clusters_at
from casebook.linkage.compare.records import (
    CommonWords,
    LinkageRecord,
    RecordWords,
    common_words,
    records_table,
)
from casebook.linkage.compare.settings import LEVELS, level_name, linkage_settings

BACKENDS = ("duckdb", "spark")
COMMON_WORDS_KEY = "casebook_common_words"  # in a saved model, beside splink's settings
OCCASION_KEY = "casebook_occasion_weights"  # likewise: see OCCASION_DEPENDENT
# Pairs below this are not kept at all; between it and the threshold they are "unsure".
KEEP_FROM = 0.05
# Two groups of records join only when the model holds the pairs across them this likely on
# average, a pair it scored below KEEP_FROM or never compared counting as 0 (see
# clustering.py). On synthetic reports at 100,000, without it one report dated only to the
# month joined several incidents of that month in one town.
COHESION = 0.5
# Where pairs start to be proposed (the judgement queue; merging on its own has a threshold of
# its own). On synthetic reports at 100,000 (bench/linkage.py, seeds 1 and 2) precision is flat
# from 0.8 to 0.95 (.954-.961) while recall falls (.953-.955 at 0.8, .940-.945 at 0.9): the
# model's probabilities are not calibrated finely enough for 0.9 to weed out more than 0.8 does.
DEFAULT_THRESHOLD = 0.8
# Rules precise enough that their pairs are almost all true matches, and the share of true
# matches they are assumed to find; together they fix the prior before EM.
DETERMINISTIC_RULES = [
    "l.force = r.force and l.date = r.date and l.place_key = r.place_key "
    "and l.main_act = r.main_act and l.headline_count = r.headline_count",
    "l.evidence_sha256 = r.evidence_sha256",
]
DETERMINISTIC_RECALL = 0.3
U_SAMPLE_PAIRS = 1e6
# Each comparison is trained in at least one: a comparison whose columns a block joins on is
# left out of that block's training, and its m probabilities are averaged over the others.
# Blocks are chosen to hold mostly true matches and plain non-matches, not "two incidents
# at the same protest" (which agree on date, place, force and often the wording as matches
# do, and would otherwise become the class EM finds). So the kinds of act, which tell two
# incidents of one protest apart, are learnt only where the pairs share a person or a file;
# the blocks on date or force and wording join on the main act too.
TRAINING_BLOCKS = [
    "l.people_hashes = r.people_hashes",
    "l.evidence_sha256 = r.evidence_sha256",
    "l.date = r.date and l.trigger_words = r.trigger_words and l.main_act = r.main_act",
    "l.trigger_words = r.trigger_words and l.main_act = r.main_act and l.force = r.force",
]
# Two reports of one occasion (one protest, or one day and place) agree on the force, often
# on the kind of act, the slogans, the time of day and much of their wording, whether they
# describe one incident or two: the occasion explains the agreement. Weighed as for random
# pairs, these comparisons would count the occasion again, once each. So for pairs at one
# occasion they are weighed by how much more often they agree for one incident than for two
# incidents of the same occasion: m and u trained by EM (u not fixed) on the pairs of one day
# and town. Streets, files, photos and people are particular to an incident, not to its
# occasion: weighed as for any pair.
OCCASION_DEPENDENT = ("time", "acts", "count", "provisions", "trigger", "text")
# Levels rarer than this among matches keep their trained weights at one protest (tried in
# turn: a small casebook needs the larger). Not below 5%: "no act in common" (1-5% of
# matches: reports that tell only of a seizure after arrests) left to EM there became the
# class it found, and agreeing wording, counts and laws at one protest weighed +10 bits each
# (100,000 synthetic reports: precision 0.955 starting at 5%, 0.897 at 1%). The last learns
# only each comparison's commonest level, as when "similar trigger wording" (5% of matches)
# joined no two incidents of one protest in 1,500 synthetic reports and EM took its u to 0.
RARE_LEVELS = (0.05, 0.15, 0.5)
OCCASION_BLOCK = "l.protest = r.protest"
# EM over few pairs takes a level that only one class reached to extremes (-40 bits): no
# comparison at one protest weighs more than this either way.
MOST_BITS = 10.0


class LinkageError(Exception):
    """A run could not be made (no records, an unknown backend, Spark not available)."""


@dataclass(frozen=True)
class ScoredPair:
    """Two records the model compared, with its verdict and the level each comparison hit."""

    left: str
    right: str
    probability: float
    weight: float
    weights: dict[str, float]  # comparison -> match weight it added (log2 of m/u)
    levels: dict[str, int]  # comparison -> splink's gamma (-1 null, 0 else, higher = closer)


@dataclass
class LinkageRun:
    backend: str
    threshold: float
    pairs: list[ScoredPair]
    clusters: dict[str, str]  # record id -> cluster id (a record alone is its own cluster)
    model: dict  # the trained splink model, JSON-ready
    pairs_scored: int
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # CPU time of each step

    @property
    def cluster_count(self) -> int:
        return len(set(self.clusters.values()))

    def level_weights(self) -> dict[str, dict[int, float]]:
        """comparison -> gamma -> match weight (log2 of m/u), from the trained model."""
        return model_level_weights(self.model)

    def clusters_at(self, threshold: float) -> dict[str, str]:
        """The clusters these pairs make at another threshold, clustered as the run was."""
        return pairs_clustered(ids=self.clusters, pairs=self.pairs, threshold=threshold)


def pairs_clustered(
    *, ids: Iterable[str], pairs: Sequence[ScoredPair], threshold: float
) -> dict[str, str]:
    """Scored pairs as clusters: strongest first, groups joining only when likely on average,
    reports of one protest with no kind of act in common kept apart (clustering.py)."""
    return clusters_at(
        ids=ids,
        pairs=[(p.left, p.right, p.probability) for p in pairs],
        threshold=threshold,
        kept_apart=[(p.left, p.right) for p in pairs if another_incident_of_the_occasion(p)],
        cohesion=COHESION,
    )


def records_link(
    *,
    records: Sequence[LinkageRecord],
    backend: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    model: dict | None = None,
    spark_session=None,
    progress: Callable[[str], None] | None = None,
) -> LinkageRun:
    """Score the pairs among `records` and cluster them at `threshold` (a probability)."""
    if backend not in BACKENDS:
        raise LinkageError(f"Unknown backend {backend!r}: use one of {', '.join(BACKENDS)}.")
    if not 0 < threshold < 1:
        raise LinkageError("The threshold is a probability between 0 and 1, e.g. 0.9.")
    if len(records) < 2:
        raise LinkageError("Linkage needs at least two records.")

    with _collector_paused():
        return _records_link(
            records=records,
            backend=backend,
            threshold=threshold,
            model=model,
            spark_session=spark_session,
            progress=progress or (lambda message: None),
        )


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector off while a run builds its objects.

    A run makes hundreds of thousands of rows, pairs and cluster lists that all live until it
    ends, and none of them cycles; the collector would walk them again and again as they pile
    up, which took about half the Python time of a run at 100,000 records.
    """
    import gc

    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class _Steps:
    """Wall and CPU seconds of each step of a run (CPU of every thread of this process: the
    backend's own threads included, a Spark executor's JVM not)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextlib.contextmanager
    def timed(self, name: str):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = time.perf_counter() - wall
            self.cpu[name] = time.process_time() - cpu


def _records_link(
    *,
    records: Sequence[LinkageRecord],
    backend: str,
    threshold: float,
    model: dict | None,
    spark_session,
    progress: Callable[[str], None],
) -> LinkageRun:
    from splink import Linker

    steps = _Steps()
    with steps.timed("load"):
        db_api = _db_api(backend, spark_session)
        # The common words belong to the model: learnt from the records it is trained on,
        # and given back with it (a splink model has no room for them: kept beside its
        # settings).
        words = [RecordWords.of(record) for record in records]
        occasion_weights: dict[str, dict[int, float]] | None = None
        if model is not None:
            common = CommonWords.from_dict(model.get(COMMON_WORDS_KEY))
            if model.get(OCCASION_KEY) is not None:
                occasion_weights = _weights_from_json(model[OCCASION_KEY])
            model = {k: v for k, v in model.items() if k not in (COMMON_WORDS_KEY, OCCASION_KEY)}
        else:
            common = common_words(records, words)
        table = db_api.register(records_table(records, common, words))
        settings = (
            model_for_backend(model, backend)
            if model is not None
            else linkage_settings(dialect=backend)
        )
        linker = Linker(table, settings, log_level=None)
        logging.getLogger("splink").setLevel(logging.ERROR)
    if model is None:
        progress("training")
        with steps.timed("train"):
            linker = _train(linker, table)
            occasion_weights = _occasion_trained(linker, table)
    progress("scoring pairs")
    with steps.timed("predict"):
        predictions = linker.inference.predict()
        model_json = linker.misc.save_model_to_json()
        model_json[COMMON_WORDS_KEY] = common.as_dict()
        if occasion_weights is not None:
            model_json[OCCASION_KEY] = _weights_as_json(occasion_weights)
        kept, scored = _kept_predictions(predictions)
        pairs = _scored_pairs(kept, model_level_weights(model_json))
        if occasion_weights:
            pairs = [_weighed_at_the_occasion(pair, occasion_weights) for pair in pairs]
    progress("clustering")
    with steps.timed("cluster"):
        # In Python for both backends: splink's clustering is plain connected components,
        # and the pairs (not the records squared) fit in one process.
        ids = [r.record_id for r in records]
        clusters = pairs_clustered(ids=ids, pairs=pairs, threshold=threshold)
    return LinkageRun(
        backend=backend,
        threshold=threshold,
        pairs=pairs,
        clusters=clusters,
        model=model_json,
        pairs_scored=scored,
        seconds=steps.seconds,
        cpu_seconds=steps.cpu,
    )


# Levels at which two reports describe the same occasion: one protest, or one day and place.
ONE_OCCASION = frozenset(
    {"same_protest", "same_day_same_place", "same_day_same_town", "one_day_same_place"}
)


def another_incident_of_the_occasion(pair: ScoredPair) -> bool:
    """Two reports of one occasion that name no kind of act in common, and share no file,
    photo or person: another incident of the same protest.

    A casebook records one incident per kind of police action at a protest (the arrests,
    the dispersal), so such reports are kept apart when clustering, however much they agree
    on the rest: reports of one protest share its day, place, slogans and words, which the
    model, adding its comparisons up as if independent, counts as evidence of one incident.
    """
    levels = pair.levels
    return (
        level_name("acts", levels["acts"]) == "else"
        and level_name("occasion", levels["occasion"]) in ONE_OCCASION
        and level_name("evidence", levels["evidence"]) not in ("same_file", "same_photo")
        and level_name("people", levels["people"]) != "shared_people"
        and level_name("street", levels["street"]) != "same_street"
        and level_name("trigger", levels["trigger"]) not in ("same_trigger", "similar_trigger")
    )


# The columns of a scored pair that a run keeps, in this order (see _scored_pairs).
KEPT_COLUMNS = (
    "unique_id_l",
    "unique_id_r",
    "match_probability",
    "match_weight",
    *(f"mw_{name}" for name in LEVELS),
)


def _kept_predictions(predictions) -> tuple[list[tuple], int]:
    """(rows of the pairs kept, as tuples of KEPT_COLUMNS; how many pairs were scored), read
    from the backend without turning every scored pair into a Python object."""
    keep = f"match_probability >= {KEEP_FROM}"
    if hasattr(predictions, "as_duckdbpyrelation"):
        relation = predictions.as_duckdbpyrelation()
        scored = int(relation.aggregate("count(*)").fetchall()[0][0])
        present = set(relation.columns)
        columns = [c if c in present else "null" for c in KEPT_COLUMNS]
        return relation.filter(keep).select(", ".join(columns)).fetchall(), scored
    frame = predictions.as_spark_dataframe()
    from pyspark.sql import functions

    columns = [
        functions.col(c) if c in frame.columns else functions.lit(None).alias(c)
        for c in KEPT_COLUMNS
    ]
    rows = frame.filter(keep).select(*columns).collect()
    return [tuple(row) for row in rows], int(frame.count())


def _db_api(backend: str, spark_session):
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if spark_session is None:
        spark_session = spark_session_local()
    from splink.backends.spark import SparkAPI

    return SparkAPI(spark_session=spark_session)


def _train(linker, table):
    """The linker, trained on its own records (see the module's docstring)."""
    from splink.internals.exceptions import EMTrainingException

    # No pair may meet the strict rules (a small casebook): the starting prior stays.
    with contextlib.suppress(ValueError):
        linker.training.estimate_probability_two_random_records_match(
            DETERMINISTIC_RULES, recall=DETERMINISTIC_RECALL
        )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=1)
    linker = _u_floored(linker, table)
    for rule in TRAINING_BLOCKS:
        # A casebook may hold no pair a block finds (no people recorded yet, say); the
        # comparisons it trains keep their starting m values or another block's estimate.
        with contextlib.suppress(EMTrainingException):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
    return linker


def _occasion_trained(linker, table) -> dict[str, dict[int, float]] | None:
    """The weights of OCCASION_DEPENDENT's levels between reports of one protest:
    expectation-maximisation over those pairs alone, u free, from the trained model.

    None when the casebook has no such pairs, or too few for EM to weigh the levels.
    """
    from splink import Linker
    from splink.internals.exceptions import EMTrainingException

    trained = linker.misc.save_model_to_json()
    prior = trained["probability_two_random_records_match"]
    for rare in RARE_LEVELS:
        model = copy.deepcopy(trained)
        for comparison in model["comparisons"]:
            dependent = comparison["output_column_name"] in OCCASION_DEPENDENT
            for level in comparison["comparison_levels"]:
                # Comparisons particular to an incident keep their weights (and help EM
                # tell one incident from two); so does a level too rare among matches for
                # EM to learn how rare it is between two incidents of one protest (EM
                # would take its u to 0, which splink refuses).
                if not dependent or (level.get("m_probability") or 0) < rare:
                    level["fix_m_probability"] = level["fix_u_probability"] = True
        occasion = Linker(table, model, log_level=None)
        try:
            session = occasion.training.estimate_parameters_using_expectation_maximisation(
                OCCASION_BLOCK, fix_u_probabilities=False, estimate_without_term_frequencies=True
            )
        except EMTrainingException:
            return None  # no two reports of one protest
        except ValueError:
            continue  # a level no pair of two incidents reached: keep more levels as trained
        weights = model_level_weights(occasion.misc.save_model_to_json())
        found = {
            name: {g: max(-MOST_BITS, min(MOST_BITS, w)) for g, w in weights[name].items()}
            for name in OCCASION_DEPENDENT
            if name in weights
        }
        # Every report of one protest names its force: agreeing says nothing.
        found["force"] = {**weights["force"], 1: 0.0}
        # How likely two reports of one protest are to describe one incident, as EM found
        # it, in place of the prior and the weight of "same protest" (which assume the
        # other comparisons independent of it).
        within = session.core_model_settings.probability_two_random_records_match
        found["occasion"] = {len(LEVELS["occasion"]): _bits(within) - _bits(prior)}
        return found
    return None


def _weighed_at_the_occasion(
    pair: ScoredPair, occasion_weights: dict[str, dict[int, float]]
) -> ScoredPair:
    """The pair, weighed with the occasion's weights when its reports are of one occasion."""
    if level_name("occasion", pair.levels["occasion"]) not in ONE_OCCASION:
        return pair
    weights = dict(pair.weights)
    for name, table in occasion_weights.items():
        weights[name] = table.get(pair.levels[name], weights[name])
    weight = pair.weight + sum(weights.values()) - sum(pair.weights.values())
    probability = 1 / (1 + 2 ** min(-weight, 1000.0))
    return ScoredPair(pair.left, pair.right, probability, weight, weights, pair.levels)


def _bits(probability: float) -> float:
    """A probability as log2 odds."""
    import math

    probability = min(max(probability, 1e-9), 1 - 1e-9)
    return math.log2(probability / (1 - probability))


def _weights_as_json(weights: dict[str, dict[int, float]]) -> dict[str, dict[str, float]]:
    return {name: {str(g): w for g, w in table.items()} for name, table in weights.items()}


def _weights_from_json(data: dict[str, dict[str, float]]) -> dict[str, dict[int, float]]:
    return {name: {int(g): float(w) for g, w in table.items()} for name, table in data.items()}


def _u_floored(linker, table):
    """The linker, each level that no random pair reached given a u probability.

    Such a level (two reports sharing a file, in a large casebook) has none, and splink then
    weighs it as nothing: the strongest evidence would count for naught. Not seen in that
    many random pairs, it is at most about that rare.
    """
    from splink import Linker

    model = linker.misc.save_model_to_json()
    floored = False
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level") and not level.get("u_probability"):
                level["u_probability"] = 1 / U_SAMPLE_PAIRS
                floored = True
    return Linker(table, model, log_level=None) if floored else linker


def _scored_pairs(
    predictions: list[tuple], level_weights: dict[str, dict[int, float]]
) -> list[ScoredPair]:
    """The kept pairs (rows of KEPT_COLUMNS), each comparison's level recovered from the
    weight it added.

    splink returns each comparison's weight (`mw_<name>`) but not its level unless it also
    copies every compared column into the output; the level whose trained weight equals the
    one added is the level that fired. Weights are looked up (rounded: the backend's
    arithmetic may differ in the last digits), the nearest level found only for the rare
    weight not in the table.
    """
    names = list(LEVELS)
    tables = {name: level_weights.get(name, {-1: 0.0}) for name in names}
    lookups = {name: _weight_lookup(table) for name, table in tables.items()}
    pairs = []
    for left, right, probability, weight, *added in predictions:
        # A comparison the casebook gave no data to train (no people yet) adds nothing.
        weights = {name: float(w or 0.0) for name, w in zip(names, added, strict=True)}
        levels = {}
        for name, w in weights.items():
            gamma = lookups[name].get(round(w, 6))
            levels[name] = level_of(tables[name], w) if gamma is None else gamma
        pairs.append(
            ScoredPair(
                left=str(left),
                right=str(right),
                probability=float(probability),
                weight=float(weight),
                weights=weights,
                levels=levels,
            )
        )
    return pairs


def _weight_lookup(levels: dict[int, float]) -> dict[float, int]:
    """Rounded weight -> level, the level `level_of` prefers where two weigh the same."""
    lookup: dict[float, int] = {}
    for gamma in sorted(levels, key=lambda g: (g != -1, -g)):
        lookup.setdefault(round(levels[gamma], 6), gamma)
    return lookup


def level_of(levels: dict[int, float], weight: float) -> int:
    """The level (gamma) whose weight is `weight`; the strongest one on a tie, except that a
    weight of nothing is read as "not known" (a level that weighs nothing says nothing).

    >>> level_of({-1: 0.0, 2: 0.0, 1: 5.0, 0: -3.0}, 0.0), level_of({-1: 0.0, 1: 5.0}, 5.0)
    (-1, 1)
    """
    return min(levels, key=lambda gamma: (abs(levels[gamma] - weight), gamma != -1, -gamma))


def model_for_backend(model: dict, backend: str) -> dict:
    """A trained model's parameters with the SQL of `backend`.

    A saved splink model carries SQL in the dialect it was trained on; the parameters (the
    prior, each level's m and u) carry over level by level onto the same settings written
    for another backend, so a model trained on DuckDB scores the same on Spark.
    """
    target = linkage_settings(dialect=backend).get_settings(backend).as_dict()
    if model.get("sql_dialect") == target["sql_dialect"]:
        return model
    target["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    # Matched by name: a model trained on records that never had a value for a comparison
    # (no evidence files at all) comes back from splink without it.
    trained_by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    target["comparisons"] = [
        c for c in target["comparisons"] if c["output_column_name"] in trained_by_name
    ]
    for comparison in target["comparisons"]:
        trained = trained_by_name[comparison["output_column_name"]]
        levels = zip(trained["comparison_levels"], comparison["comparison_levels"], strict=True)
        for trained_level, level in levels:
            for key in ("m_probability", "u_probability"):
                if key in trained_level:
                    level[key] = trained_level[key]
    return target


def model_level_weights(model: dict) -> dict[str, dict[int, float]]:
    """comparison -> gamma -> match weight, read from a saved splink model."""
    import math

    weights: dict[str, dict[int, float]] = {}
    for comparison in model["comparisons"]:
        levels = [level for level in comparison["comparison_levels"]]
        name = comparison["output_column_name"]
        table: dict[int, float] = {}
        gamma = len([level for level in levels if not level.get("is_null_level")]) - 1
        for level in levels:
            if level.get("is_null_level"):
                table[-1] = 0.0
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            table[gamma] = math.log2(m / u) if m and u else 0.0
            gamma -= 1
        weights[name] = table
    return weights


def spark_session_local(*, checkpoint_dir: str | None = None):
    """A local Spark session for linkage: two cores, bound to 127.0.0.1, no web UI.

    Raises LinkageError when pyspark (the `spark` extra) or Java is missing.
    """
    import os
    import shutil
    import tempfile

    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise LinkageError(
            "The Spark backend needs pyspark: pip install 'casebook[spark]'."
        ) from error
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        raise LinkageError("The Spark backend needs Java (17 or later) on the PATH.")
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("casebook-linkage")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(checkpoint_dir or tempfile.mkdtemp(prefix="linkage-"))
    return session
