"""Data-protection duties (UK GDPR) towards the people in the record.

- `access.py`: every view of a person's details leaves an audit entry.
- `erasure.py`: erasure by crypto-shredding, leaving a tombstone so statistics stay true.
- `subject_access.py`: everything held about a person, in one archive.
- `retention.py`: details erased N months after a person's case closes.

These sit in the protection layer (see STYLE.md): they read the audit trail and the evidence
vault, and the record (people/models.py) never imports them.
"""
