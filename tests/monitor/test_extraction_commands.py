"""`casebook extract` and `casebook eval extract`, run as management commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

FIXTURES = Path(__file__).parent / "fixtures" / "articles.jsonl"


def test_extract_writes_one_json_line_per_article(tmp_path):
    out = tmp_path / "out.jsonl"
    call_command("extract", str(FIXTURES), "-o", str(out), stderr=io.StringIO())
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    inputs = FIXTURES.read_text(encoding="utf-8").splitlines()
    assert [r["id"] for r in results] == [json.loads(line)["id"] for line in inputs]
    assert {r["id"] for r in results if r["relevant"]} >= {"fx-met-breakdown", "fx-html"}
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_extract_to_standard_output_skips_bad_lines(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('not json\n[1, 2]\n{"id": "ok", "text": ""}\n', encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("extract", str(source), stdout=stdout, stderr=stderr)
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [line["id"] for line in lines] == ["ok"]
    assert "2 lines skipped" in stderr.getvalue()


def test_extract_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("extract", str(tmp_path / "nope.jsonl"))


def test_eval_extract_prints_scores_beside_the_targets(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "g1",
                "url": "",
                "published": "2025-03-17",
                "relevant": True,
                "text": "Kent Police arrested seven people at a protest in Dover on Saturday.",
                "events": [
                    {
                        "force": "Kent Police",
                        "country": "GB",
                        "location": "Dover",
                        "date": "2025-03-15",
                        "total_arrests": 7,
                        "acts": [
                            {
                                "type": "arrest",
                                "count": 7,
                                "legal_basis": None,
                                "offence": None,
                                "trigger": None,
                            }
                        ],
                    }
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    stdout = io.StringIO()
    call_command("eval", "extract", str(gold), "--with-published", stdout=stdout)
    table = stdout.getvalue()
    assert "Relevance" in table and "f1 ≥ 0.95" in table and "articles/s" in table
    stdout = io.StringIO()
    call_command("eval", "extract", str(gold), "--with-published", "--json", stdout=stdout)
    scores = json.loads(stdout.getvalue())
    assert scores["acts"]["f1"] == 1.0
    assert scores["date"]["accuracy"] == 1.0
