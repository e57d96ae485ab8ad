"""Casebook's statistics as pure functions over plain numbers: no Django import anywhere here.

The app around this package turns casebook queries into arrays and tables; everything in it
can be run and tested on its own, and each estimator is checked against published or
R-computed results (see `tests/analysis/stats/`).
"""
