"""Pairwise precision, recall and F1 of a clustering against the truth.

A pair of records is *predicted* when the clustering puts both in one cluster, and *true*
when the truth does. Precision is the share of predicted pairs that are true, recall the
share of true pairs that are predicted. Pairs are counted from cluster sizes (k records make
k(k-1)/2 pairs), so a 100,000-record evaluation never lists pairs one by one.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

TRUTH_COLUMNS = ("incident_id", "cluster_id")


class TruthFileError(ValueError):
    """The truth file is not a CSV with the columns incident_id and cluster_id."""


@dataclass(frozen=True)
class PairwiseScore:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    def as_dict(self) -> dict:
        return asdict(self)


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def pairwise_score(*, predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScore:
    """Score `predicted` (record -> cluster) against `truth` (record -> true cluster).

    Only records present in both are scored; a record missing from `predicted` counts as a
    cluster of its own.

    >>> s = pairwise_score(predicted={"a": "1", "b": "1", "c": "2"},
    ...                    truth={"a": "x", "b": "y", "c": "y"})
    >>> s.precision, s.recall, s.predicted_pairs, s.true_pairs
    (0.0, 0.0, 1, 1)
    """
    records = list(truth)
    clusters = {r: predicted.get(r, f"\0{r}") for r in records}
    predicted_pairs = sum(_pairs(n) for n in Counter(clusters.values()).values())
    true_pairs = sum(_pairs(n) for n in Counter(truth[r] for r in records).values())
    correct = sum(_pairs(n) for n in Counter((clusters[r], truth[r]) for r in records).values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScore(
        precision=precision,
        recall=recall,
        f1=f1,
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct,
    )


def truth_read(path: Path | str) -> dict[str, str]:
    """incident_id -> cluster_id from a CSV with those two columns (any others ignored)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in TRUTH_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise TruthFileError(
                f"{path}: the header lacks {', '.join(missing)}; the file needs the columns "
                "incident_id,cluster_id (one row per incident)."
            )
        truth: dict[str, str] = {}
        for line, row in enumerate(reader, start=2):
            incident, cluster = (row["incident_id"] or "").strip(), (row["cluster_id"] or "")
            if not incident or not cluster.strip():
                raise TruthFileError(
                    f"{path}, row {line}: incident_id and cluster_id must both be filled in."
                )
            if incident in truth and truth[incident] != cluster.strip():
                raise TruthFileError(
                    f"{path}, row {line}: incident {incident} is given two clusters."
                )
            truth[incident] = cluster.strip()
    return truth


def truth_write(path: Path | str, rows: Iterable[tuple[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TRUTH_COLUMNS)
        writer.writerows(rows)
