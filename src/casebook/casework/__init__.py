"""Casework: the incident pages and the whole-incident editor, above the record apps.

An incident is told across the record (its acts and outcomes in `cases`, its people in
`people`, its sources and evidence in `sources`); the pages that show or edit it whole, and
`services.incident_save` that writes it whole, live here so that the record apps never import
each other for it. The news monitor's review queue uses the same editor and service.
"""
