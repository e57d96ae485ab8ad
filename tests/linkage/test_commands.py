"""`casebook linkage run | queue | eval` on a casebook imported from synthetic reports."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident
from tests.linkage.casebook_support import reports_write

pytestmark = pytest.mark.django_db


def casebook(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def imported(tmp_path):
    incidents, truth = reports_write(tmp_path, size=240, seed=5)
    casebook("import_incidents", str(incidents))
    assert Incident.objects.count() == 240
    return truth


def test_run_prints_pairs_scored_clusters_and_time(imported):
    out, _ = casebook("linkage", "run", "--threshold", "0.9")
    assert "240 incidents" in out
    scored = re.search(r"([\d,]+) pairs scored \(duckdb\)", out)
    assert scored and int(scored.group(1).replace(",", "")) > 0, out
    assert "clusters of two or more incidents at p >= 0.9" in out
    assert "time " in out
    assert AuditEntry.objects.filter(action="linkage.run.finished").count() == 1


def test_eval_scores_the_last_run_against_the_truth_file(imported):
    casebook("linkage", "run")
    out, _ = casebook("linkage", "eval", str(imported), "--json")
    scores = json.loads(out)
    assert set(scores) == {"precision", "recall", "f1", "true_pairs", "predicted_pairs"}
    assert scores["true_pairs"] > 0
    assert scores["f1"] >= 0.8, scores
    words, _ = casebook("linkage", "eval", str(imported))
    assert words.startswith("precision ")


def test_queue_counts_the_pairs_waiting(imported):
    out, _ = casebook("linkage", "queue")
    assert "No linkage run yet" in out
    casebook("linkage", "run")
    counts = json.loads(casebook("linkage", "queue", "--json")[0])
    assert counts["waiting"] > 0
    assert counts["decided_same"] == counts["decided_different"] == 0
    out, _ = casebook("linkage", "queue")
    assert f"{counts['waiting']:,} pairs waiting" in out


def test_eval_before_any_run_says_what_to_do(imported):
    with pytest.raises(CommandError, match="casebook linkage run"):
        casebook("linkage", "eval", str(imported))


def test_eval_refuses_a_truth_file_without_its_columns(imported, tmp_path):
    casebook("linkage", "run")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,event\nR-1,E-1\n")
    with pytest.raises(CommandError, match="incident_id,cluster_id"):
        casebook("linkage", "eval", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        casebook("linkage", "eval", str(tmp_path / "missing.csv"))


def test_run_refuses_a_threshold_that_is_not_a_probability(imported):
    with pytest.raises(CommandError, match="between 0 and 1"):
        casebook("linkage", "run", "--threshold", "1.5")


def test_run_on_an_empty_casebook_says_so(db):
    with pytest.raises(CommandError, match="at least two"):
        casebook("linkage", "run")


def test_eval_uses_coordinators_decisions_as_labels(imported):
    from casebook.linkage import services

    casebook("linkage", "run")
    with pytest.raises(CommandError, match="No pair has been judged yet"):
        casebook("linkage", "eval", "--decisions")
    pairs = services.pairs_waiting()
    proposed, doubted = pairs[0], pairs[1]
    services.pair_decide(
        left=proposed.left_reference, right=proposed.right_reference, verdict="same", actor=None
    )
    services.pair_decide(
        left=doubted.left_reference, right=doubted.right_reference, verdict="different", actor=None
    )
    scores = json.loads(casebook("linkage", "eval", "--decisions", "--json")[0])
    assert scores == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": pytest.approx(2 / 3),
        "true_pairs": 1,
        "predicted_pairs": 2,
    }
    with pytest.raises(CommandError, match="not both"):
        casebook("linkage", "eval", str(imported), "--decisions")


def test_automatic_merging_merges_clear_matches_when_turned_on(imported):
    from casebook.linkage.models import IncidentMerge, LinkageSettings

    LinkageSettings.objects.create(auto_merge=True, auto_merge_threshold=0.999)
    casebook("linkage", "run")
    merges = IncidentMerge.objects.all()
    assert merges and all(m.automatic and m.probability >= 0.999 for m in merges)
    assert Incident.objects.count() == 240 - merges.count()
    scores = json.loads(casebook("linkage", "eval", str(imported), "--json")[0])
    assert scores["f1"] >= 0.8  # merged pairs count as proposed


def test_spark_without_pyspark_or_java_is_one_sentence(imported):
    try:
        import pyspark  # noqa: F401
    except ImportError:
        with pytest.raises(CommandError, match="Spark backend needs pyspark"):
            casebook("linkage", "run", "--backend", "spark")
        return
    pytest.skip("pyspark is installed: tests/linkage/test_spark.py runs the Spark backend")
