"""`casebook analysis mse|trend`, run as a user runs them: a separate process."""

from __future__ import annotations

import csv
import json
import re

import pytest

from tests.analysis.stats.reference import needs_reference, reference_path
from tests.test_cli import run_casebook


@pytest.fixture
def data_dir(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 60)
    return tmp_path


def analysis(data_dir, *args):
    return run_casebook(data_dir, "analysis", *args)


@needs_reference
def test_mse_json_gives_the_estimate_interval_chosen_model_and_every_model_fitted(data_dir):
    result = analysis(data_dir, "mse", str(reference_path("mse", "rcapture_hiv.csv")), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {"method", "n_observed", "estimate", "lower", "upper", "model", "models"} <= set(payload)
    assert payload["method"] == "loglinear" and payload["n_observed"] == 1896
    assert payload["model"] == "1:2"  # the model the HIV help page recommends, by AIC
    assert payload["estimate"] == pytest.approx(12318.47, abs=0.01)
    assert payload["lower"] == pytest.approx(10265.99, rel=1e-3)
    assert payload["upper"] == pytest.approx(14992.33, rel=1e-3)
    assert len(payload["models"]) == 64
    independence = next(m for m in payload["models"] if m["interactions"] == [])
    assert independence["estimate"] == pytest.approx(11124.578, abs=0.001)
    assert independence["deviance"] == pytest.approx(13.026, abs=0.001)
    assert {"interactions", "estimate", "deviance", "aic", "bic"} <= set(independence)
    assert ["1:2"] in [m["interactions"] for m in payload["models"]]


@needs_reference
def test_mse_dga_json_carries_the_posterior_summary(data_dir):
    path = reference_path("mse", "dga_madigan_york_5list.csv")
    result = analysis(data_dir, "mse", str(path), "--method", "dga", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["method"] == "dga" and payload["n_observed"] == 537
    assert payload["lower"] < payload["estimate"] < payload["upper"]
    assert payload["posterior"]["median"] == payload["estimate"]
    top = payload["models"][0]
    assert top["posterior_probability"] > 0.1 and top["graph"].startswith("[")


@needs_reference
def test_mse_prints_a_readable_summary_without_json(data_dir):
    path = reference_path("mse", "kosovo_aggregate_patterns.csv")
    result = analysis(data_dir, "mse", str(path))
    assert result.returncode == 0, result.stderr
    assert "Estimated total: 14,342 (95% interval" in result.stdout
    assert "Recorded: 4,400 on 4 lists (1=EXH, 2=ABA, 3=OSCE, 4=HRW)" in result.stdout


@pytest.mark.parametrize("method", ["loglinear", "dga", "lcmcr"])
def test_mse_refuses_two_lists_with_a_reason_and_exit_code_3(data_dir, tmp_path, method):
    path = tmp_path / "two.csv"
    path.write_text("hotline,observers,count\n1,0,30\n0,1,25\n1,1,9\n")
    result = analysis(data_dir, "mse", str(path), "--method", method, "--json")
    assert result.returncode == 3, result.stderr
    payload = json.loads(result.stdout)
    assert list(payload) == ["refused"]
    assert "at least 3 lists" in payload["refused"]


def test_a_refusal_without_json_is_a_sentence_and_exit_code_3(data_dir, tmp_path):
    path = tmp_path / "sparse.csv"
    path.write_text("a,b,c,count\n1,0,0,50\n0,1,0,40\n0,0,1,30\n1,1,0,2\n")
    result = analysis(data_dir, "mse", str(path))
    assert result.returncode == 3
    assert result.stdout.startswith("No estimate: ")
    assert "List 'c' shares no record" in result.stdout


def test_mse_with_a_bad_file_says_which_row_and_exits_1(data_dir, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,c,count\n1,0,1,4\n1,2,0,3\n")
    result = analysis(data_dir, "mse", str(path), "--json")
    assert result.returncode == 1
    assert "Row 3, b: '2' is not 0 or 1" in result.stderr
    assert "Traceback" not in result.stderr


@needs_reference
def test_trend_json_on_the_coal_disasters_finds_the_1891_change(data_dir, tmp_path):
    with reference_path("trend", "coal_disasters_annual.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    path = tmp_path / "series.csv"
    path.write_text("period,count\n" + "".join(f"{r['year']},{r['disasters']}\n" for r in rows))
    result = analysis(data_dir, "trend", str(path), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) >= {
        "model",
        "rate_ratio",
        "lower",
        "upper",
        "per",
        "dispersion",
        "mann_kendall",
        "changepoints",
        "wording",
    }
    assert payload["per"] == "year" and payload["model"] == "poisson"
    assert payload["changepoints"] == ["1891"]
    assert payload["upper"] < 1
    # The step change leaves the detrended ranks autocorrelated: Hamed–Rao's variant is used.
    assert payload["mann_kendall"]["variant"] == "hamed_rao"
    assert payload["mann_kendall"]["p"] < 0.001 and payload["mann_kendall"]["z"] < 0
    assert payload["wording"].startswith("Consistent with a decrease of")
    assert "can look like a change in policing" in payload["wording"]


def test_trend_with_exposure_and_weeks(data_dir, tmp_path):
    path = tmp_path / "weeks.csv"
    lines = ["period,count,exposure"]
    for week in range(1, 41):
        lines.append(f"2024-W{week:02d},{6 + week % 3},{2 + week // 20}")
    path.write_text("\n".join(lines) + "\n")
    result = analysis(data_dir, "trend", str(path), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["per"] == "week"
    assert payload["rate_ratio"] < 1  # the same counts over more and more feeds


def test_trend_with_too_few_cases_says_so_and_gives_no_numbers(data_dir, tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("period,count\n2024-01,1\n2024-02,0\n2024-03,2\n2024-04,1\n")
    result = analysis(data_dir, "trend", str(path), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["rate_ratio"] is None and payload["model"] is None
    assert payload["wording"].startswith("Too few cases to say")


def test_trend_with_a_gap_in_the_periods_names_the_missing_period(data_dir, tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text("period,count\n2024-01,5\n2024-02,7\n2024-04,6\n")
    result = analysis(data_dir, "trend", str(path))
    assert result.returncode == 1
    assert "2024-03 is missing between 2024-02 and 2024-04" in result.stderr
    assert "Traceback" not in result.stderr


def test_trend_text_output_states_the_model_rule(data_dir, tmp_path):
    path = tmp_path / "series.csv"
    counts = [5, 7, 6, 8, 9, 8, 11, 10, 12, 13, 12, 15, 14, 17, 16, 18]
    path.write_text("period,count\n" + "".join(f"{2000 + i},{c}\n" for i, c in enumerate(counts)))
    result = analysis(data_dir, "trend", str(path))
    assert result.returncode == 0, result.stderr
    assert "Rate ratio per year:" in result.stdout
    assert "Rule: Poisson regression, unless its Pearson dispersion exceeds 1" in result.stdout
    assert "Consistent with an increase" in result.stdout


def test_mse_without_a_file_estimates_from_the_casebook_and_refuses_an_empty_one(tmp_path):
    """As a user runs it: a new casebook has nothing to estimate from; a sample one does."""
    init = run_casebook(tmp_path, "init", "--password-stdin", stdin="a-long-password-1\n")
    assert init.returncode == 0, init.stderr
    empty = run_casebook(tmp_path, "analysis", "mse", "--json")
    assert empty.returncode == 3, empty.stderr
    assert "at least 3" in json.loads(empty.stdout)["refused"]
    loaded = run_casebook(tmp_path, "load_sample", "--size", "400", "--seed", "6")
    assert loaded.returncode == 0, loaded.stderr
    truth = int(re.search(r"true incidents\s+([\d,]+)", loaded.stdout)[1].replace(",", ""))
    result = run_casebook(tmp_path, "analysis", "mse", "--method", "dga", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["method"] == "dga" and payload["lists"][0] == "Our hotline"
    assert payload["lower"] <= truth <= payload["upper"]
    by_year = run_casebook(tmp_path, "analysis", "mse", "--by", "period")
    assert by_year.returncode == 0, by_year.stderr
    assert "By period" in by_year.stdout and "Traceback" not in by_year.stderr
