"""Casebook: a self-hosted casebook of how protest and political expression are policed."""

__version__ = "0.1.0"
