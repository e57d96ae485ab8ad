"""Synthetic, obviously invented sample data for demos, tests and benchmarks."""
