"""Every row of shared/reference/trend/expected_trend_results.csv, reproduced.

Coefficients and standard errors agree to 1e-4 relative (or to the digits the reference
prints, where it prints fewer); test statistics and changepoint years agree exactly, i.e.
to every digit printed.
"""

from __future__ import annotations

import csv

import pytest

from casebook.analysis.stats.changepoints import changepoint_single
from casebook.analysis.stats.mannkendall import (
    mann_kendall,
    mann_kendall_hamed_rao,
    mann_kendall_seasonal,
)
from casebook.analysis.stats.regression import trend_regression
from tests.analysis.stats.reference import close, needs_reference, reference_path, reference_rows

pytestmark = needs_reference


def seatbelts():
    with reference_path("trend", "uk_seatbelts_monthly.csv").open() as handle:
        return list(csv.DictReader(handle))


def coal():
    with reference_path("trend", "coal_disasters_annual.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return [r["year"] for r in rows], [float(r["disasters"]) for r in rows]


def seatbelt_model(column: str):
    """column ~ t + factor(month) + law, t = 0…191, as the reference fits it."""
    rows = seatbelts()
    return trend_regression(
        [float(r[column]) for r in rows],
        season=[int(r["month"]) for r in rows],
        covariates={"law": [float(r["law"]) for r in rows]},
    )


def check_sb_drv_pois_t(row):
    poisson = seatbelt_model("DriversKilled").poisson
    assert close(poisson.coefficients["t"], row["value"])
    assert close(poisson.standard_errors["t"], "0.000140820")
    assert close(poisson.coefficients["law"], "-0.135792")
    assert close(poisson.standard_errors["law"], "0.02594")


def check_sb_drv_pois_disp(row):
    assert close(seatbelt_model("DriversKilled").dispersion, row["value"])


def check_sb_drv_nb_t(row):
    trend = seatbelt_model("DriversKilled")
    nb = trend.negative_binomial
    assert trend.model == "negative_binomial"  # overdispersed, and the LR test says so
    assert close(nb.coefficients["t"], row["value"])
    assert close(nb.standard_errors["t"], "0.000203")
    assert close(nb.coefficients["law"], "-0.13956")
    assert close(nb.standard_errors["law"], "0.03602")
    assert close(nb.alpha, "0.008513")


def check_sb_drv_nb_lr(row):
    trend = seatbelt_model("DriversKilled")
    assert close(trend.lr_statistic, row["value"])
    assert close(trend.lr_p_value, "6.75e-16")
    assert close(trend.poisson.aic, "1692.97")
    assert close(trend.negative_binomial.aic, "1631.13")


def check_sb_van_pois_disp(row):
    trend = seatbelt_model("VanKilled")
    assert close(trend.dispersion, row["value"])
    assert trend.model == "poisson"  # no overdispersion: the rule keeps Poisson
    assert trend.lr_statistic == pytest.approx(0, abs=1e-4)
    assert close(trend.poisson.aic, "953.89")
    assert close(trend.negative_binomial.aic, "955.89")
    assert close(trend.poisson.coefficients["t"], "-0.003610")
    assert close(trend.poisson.standard_errors["t"], "0.000514")
    assert close(trend.poisson.coefficients["law"], "-0.24801")
    assert close(trend.poisson.standard_errors["law"], "0.10917")


def check_sb_ann_mk(row):
    rows = seatbelts()
    annual = [
        sum(float(r["DriversKilled"]) for r in rows if r["year"] == year)
        for year in sorted({r["year"] for r in rows})
    ]
    test = mann_kendall(annual)
    assert test.s == -58
    assert close(test.tau, "-0.483333")
    assert close(test.var_s, "493.333")
    assert close(test.z, "-2.566283")
    assert close(test.p, "0.010279")
    assert test.sen_slope == -27.0


def check_sb_mon_mk_hr(row):
    test = mann_kendall_hamed_rao([float(r["DriversKilled"]) for r in seatbelts()])
    assert close(test.z, "-3.170425")
    assert close(test.p, "0.001522")
    assert close(test.tau, "-0.204679")
    assert close(test.sen_slope, "-0.140793")


def check_sb_mon_mk_seasonal(row):
    test = mann_kendall_seasonal([float(r["DriversKilled"]) for r in seatbelts()], period=12)
    assert test.s == -455
    assert close(test.z, "-5.908074")
    assert close(test.p, "3.46e-09")
    assert close(test.sen_slope, "-1.866")


def check_coal_cp_poisson(row):
    years, counts = coal()
    split = changepoint_single(counts)
    assert [years[i] for i in split.change_indices] == [row["value"]] == ["1891"]
    assert split.segments[0].end == 41  # k = 41
    assert close(split.segments[0].rate, "3.0976")
    assert close(split.segments[1].rate, "0.9014")
    assert close(split.statistic, "69.988")


def check_coal_cp_ruptures_l2(row):
    """The reference row records that a Gaussian (L2) cost puts the split at 1890; our
    Poisson cost must not (that is the row's point: the cost must fit counts)."""
    years, counts = coal()
    assert row["value"].startswith("40 (first segment ends 1890)")
    split = changepoint_single(counts)
    assert years[split.change_indices[0]] == "1891" != "1890"


def check_coal_mk(row):
    _, counts = coal()
    test = mann_kendall(counts)
    assert test.s == -2428
    assert close(test.tau, "-0.390605")
    assert close(test.z, "-6.275293")
    assert close(test.p, "3.49e-10")
    assert close(test.sen_slope, "-0.02778")


CHECKS = {
    name[len("check_") :]: check for name, check in globals().items() if name.startswith("check_")
}


def test_every_reference_row_has_a_check():
    cases = {row["case_id"] for row in reference_rows("trend", "expected_trend_results.csv")}
    assert cases == set(CHECKS)


@pytest.mark.parametrize("case_id", sorted(CHECKS))
def test_reference_row_is_reproduced(case_id):
    row = next(
        r for r in reference_rows("trend", "expected_trend_results.csv") if r["case_id"] == case_id
    )
    CHECKS[case_id](row)
