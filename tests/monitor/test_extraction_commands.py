"""`casebook extract` and `casebook eval extract`: as management commands, and as the
`casebook` command runs them, in a process with no settings, database or secret key."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
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
    assert "Relevance" in table and "balanced accuracy ≥ 0.95" in table
    assert "Acts (type, legal basis)" in table and "articles/s" in table
    stdout = io.StringIO()
    call_command("eval", "extract", str(gold), "--with-published", "--json", stdout=stdout)
    scores = json.loads(stdout.getvalue())
    assert scores["acts"]["f1"] == 1.0
    assert scores["date"]["accuracy"] == 1.0


def bare_casebook(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m casebook.cli ARGS` with an empty environment and an empty data folder."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "CASEBOOK_DATA_DIR": str(data),
    }
    return subprocess.run(
        [sys.executable, "-m", "casebook.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )


def test_extract_runs_without_settings_database_or_secret_key(tmp_path):
    out = tmp_path / "out.jsonl"
    result = bare_casebook(tmp_path, "extract", str(FIXTURES), "-o", str(out))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [record["id"] for record in expected]
    assert any(line["relevant"] for line in lines)
    assert list((tmp_path / "data").iterdir()) == []  # no database, no key file
    assert "Traceback" not in result.stderr


def test_extract_gives_the_same_output_for_the_same_input(tmp_path):
    first = bare_casebook(tmp_path, "extract", str(FIXTURES))
    second = bare_casebook(tmp_path, "extract", str(FIXTURES))
    assert first.returncode == second.returncode == 0
    assert first.stdout and first.stdout == second.stdout


def test_extract_names_a_missing_file_without_a_traceback(tmp_path):
    result = bare_casebook(tmp_path, "extract", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2
    assert "No such file" in result.stderr and "Traceback" not in result.stderr


def test_eval_scores_either_half_and_shows_errors_of_the_working_half_only(tmp_path):
    gold = tmp_path / "gold.jsonl"
    records = [
        {"id": f"g{n}", "relevant": False, "events": [], "text": "A quiet council meeting."}
        for n in range(12)
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    totals = []
    for part in ("held-out", "working"):
        result = bare_casebook(tmp_path, "eval", "extract", str(gold), "--part", part, "--json")
        assert result.returncode == 0, result.stderr
        totals.append(json.loads(result.stdout)["relevance"]["total"])
    assert sum(totals) == 12 and all(totals)
    shown = bare_casebook(tmp_path, "eval", "extract", str(gold), "--part", "working", "--errors")
    assert shown.returncode == 0 and "working half" in shown.stdout
    refused = bare_casebook(
        tmp_path, "eval", "extract", str(gold), "--part", "held-out", "--errors"
    )
    assert refused.returncode == 2
    assert "held-out half is scored, never shown" in refused.stderr
