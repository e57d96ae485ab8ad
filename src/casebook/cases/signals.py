"""Signals the record sends so that higher layers (the audit trail) can listen.

`record_changed` carries: action (a stable dotted code such as "cases.incident.created"),
instance, actor (a user or None for system jobs), changes (field -> [old, new], never
personal data), incident (the incident it concerns, or None).
"""

from django.dispatch import Signal

record_changed = Signal()
