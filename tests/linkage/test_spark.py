"""The same model on Spark (the `spark` extra): same pairs, same clusters as on DuckDB.

Skips, saying why, where pyspark or Java is missing. One local session (two cores, bound to
127.0.0.1, no web UI) for the module: starting the JVM is most of the cost.
"""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'casebook[spark]')")
if not shutil.which("java"):
    pytest.skip("Java is not on the PATH: the Spark backend needs Java 17", allow_module_level=True)

from casebook.linkage.compare.engine import records_link, spark_session_local  # noqa: E402


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    session = spark_session_local(checkpoint_dir=str(tmp_path_factory.mktemp("spark")))
    yield session
    session.stop()


def test_spark_scores_and_clusters_like_duckdb(synthetic, duckdb_run, spark):
    _, records, _ = synthetic
    subset = records[:400]
    on_duckdb = records_link(records=subset, model=duckdb_run.model, threshold=0.95)
    on_spark = records_link(
        records=subset,
        backend="spark",
        model=duckdb_run.model,
        threshold=0.95,
        spark_session=spark,
    )
    duck_pairs = {(p.left, p.right): round(p.probability, 6) for p in on_duckdb.pairs}
    spark_pairs = {(p.left, p.right): round(p.probability, 6) for p in on_spark.pairs}
    assert spark_pairs == duck_pairs
    assert len(duck_pairs) > 20

    def groups(clusters):
        by_cluster: dict[str, set] = {}
        for record, cluster in clusters.items():
            by_cluster.setdefault(cluster, set()).add(record)
        return {frozenset(group) for group in by_cluster.values()}

    assert groups(on_spark.clusters) == groups(on_duckdb.clusters)
