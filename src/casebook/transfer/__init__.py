"""Bulk import and export of incidents: Casebook's CSV and JSON, and ACLED's CSV layout.

`services.incidents_import` and `services.incidents_export` are the entry points; the file
formats live in `formats/`, one module each, behind the small interface in `formats/base.py`.
"""
