"""The evidence vault: type by content, metadata, content-addressed storage, workflows.

Callers use `casebook.sources.evidence.services`; the other modules are its parts.
"""
