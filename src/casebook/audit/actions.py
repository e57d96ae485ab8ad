"""Every action the audit trail records, and the words people read for it.

An action code is `<app>.<thing>.<what happened>`. Each is written out in full here and where
it is recorded, never assembled with an f-string, so that searching the code for
"cases.incident.verified" finds every place that records it. `audit_record` refuses a code
that is not listed, and `tests/audit/test_actions.py` fails on one, so a new action is added
here first, with its wording. The wording completes "<who> …": the incident history shows it
instead of the code.
"""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    # Incidents (the whole-incident editor, the status buttons, imports and exports)
    "cases.incident.created": "recorded the incident",
    "cases.incident.updated": "changed the incident",
    "cases.incident.imported": "imported the incident from a file",
    "cases.incident.draft": "sent the incident back to draft",
    "cases.incident.in_review": "submitted the incident for review",
    "cases.incident.verified": "verified the incident",
    "cases.incident.rejected": "rejected the incident",
    "cases.incident.archived": "archived the incident",
    "cases.incidents.exported": "exported incidents to a file",
    "cases.incidents.import_undone": "took back the incidents of an import that did not finish",
    "cases.act.created": "added an act",
    "cases.act.updated": "changed an act",
    "cases.act.deleted": "removed an act",
    "cases.outcome.recorded": "recorded an outcome of an act",
    # People (names never appear in an entry: the person is named by reference)
    "people.person.created": "added a person",
    "people.person.updated": "changed a person's details",
    "people.person.imported": "imported a person from a file",
    "people.person.viewed": "saw a person's details",
    "people.person.exported": "exported everything held about a person (subject access)",
    "people.person.erased": "erased a person's details",
    "people.involvement.deleted": "removed a person from an act",
    # Sources and evidence
    "sources.source.created": "added a source",
    "sources.source.linked": "cited a source already in the casebook",
    "sources.source.updated": "changed a source",
    "sources.source.unlinked": "stopped citing a source",
    "sources.evidence.added": "added an evidence file",
    "sources.evidence.viewed": "saw the restricted details of evidence files",
    "sources.evidence.downloaded": "downloaded an original evidence file",
    "sources.evidence.removed": "removed an evidence file",
    "sources.evidence.detached": "detached an evidence file from an erased person",
    # Evidence bundles (bundles/) and open data releases (releases/)
    "bundles.bundle.made": "made a court-ready evidence bundle of the incident",
    "releases.release.written": "wrote an open data release of the published incidents",
    # Redaction
    "redaction.derivative.proposed": "proposed a redaction",
    "redaction.derivative.edited": "edited a proposed redaction",
    "redaction.derivative.approved": "approved a redaction",
    "redaction.derivative.rejected": "rejected a redaction",
    # Accounts
    "accounts.invitation.issued": "invited the user to set up an authenticator app",
    "accounts.authenticator.enrolled": "set up an authenticator app",
    "accounts.password.changed": "chose a new password",
    # API access tokens (the token itself is never recorded, only its owner and scopes)
    "api.token.created": "created an API access token",
    "api.token.revoked": "revoked an API access token",
    # The news monitor
    # Lists of channels for the undercount estimate (analysis/lists)
    "analysis.list.created": "made a list of channels for the undercount estimate",
    "analysis.list.updated": "changed a list of channels for the undercount estimate",
    "analysis.list.deleted": "removed a list of channels for the undercount estimate",
    "analysis.report.made": "made a statistics report for outside use",
    "monitor.feed.added": "added a news feed",
    "monitor.feed.paused": "paused a news feed",
    "monitor.feed.resumed": "resumed a news feed",
    "monitor.feed.deleted": "deleted a news feed",
    "monitor.candidate.accepted": "accepted a news monitor candidate as a new incident",
    "monitor.candidate.merged": "merged a news monitor candidate into an incident",
    "monitor.candidate.rejected": "rejected a news monitor candidate",
    # Linkage (reports of the same event)
    "linkage.run.finished": "ran linkage over the casebook",
    "linkage.pair.decided": "judged whether two incidents are one event",
    "linkage.incident.merged": "merged two incidents describing one event",
    "linkage.incident.unmerged": "undid a merge of two incidents",
    "linkage.settings.changed": "changed linkage's automatic merging",
    "linkage.person.merged": "merged two records of one person",
    "linkage.person.unmerged": "undid a merge of two records of one person",
    # The public portal (publishing)
    "publishing.incident.published": "published the incident on the public portal",
    "publishing.incident.withdrawn": "took the incident off the public portal",
    "publishing.settings.changed": "changed the public portal's settings",
    "publishing.post.created": "wrote a statement or news post for the portal",
    "publishing.post.updated": "changed a statement or news post of the portal",
    "publishing.post.deleted": "removed a statement or news post of the portal",
    "publishing.submission.received": "received an account through the public form",
    "publishing.submission.added_to": "received an addition to an account from its sender",
    "publishing.submission.withdrawn": "saw an account withdrawn by its sender",
    "publishing.submission.accepted": "turned an account from the public form into a source",
    "publishing.submission.discarded": "set aside an account from the public form",
    "publishing.submission.file_viewed": "looked at a photo sent with an account from the public",
    # Never the address: a subscriber is named by their row only.
    "publishing.subscriber.confirmed": "confirmed a newsletter subscription (double opt-in)",
    "publishing.subscriber.unsubscribed": "unsubscribed from the newsletter; address destroyed",
    "publishing.subscriber.erased": "erased a newsletter subscription on a data request",
    "publishing.digest.sent": "sent the newsletter's digest of what was published",
    # The audit trail itself and synthetic data
    "audit.trail.rekeyed": "keyed the audit trail's chain (on upgrade)",
    "audit.checkpoint.reanchored": "moved the audit checkpoint back after restoring a backup",
    "sample.incidents.generated": "generated synthetic sample incidents",
}


class UnknownAction(ValueError):
    """An action code that is not in ACTIONS: a programming error, caught before writing."""


def action_check(code: str) -> str:
    """The code itself, once it is known to be registered.

    >>> action_check("cases.incident.verified")
    'cases.incident.verified'
    >>> action_check("cases.incident.teleported")
    Traceback (most recent call last):
    ...
    casebook.audit.actions.UnknownAction: 'cases.incident.teleported' is not in audit/actions.py
    """
    if code not in ACTIONS:
        raise UnknownAction(f"{code!r} is not in audit/actions.py")
    return code


def action_wording(code: str) -> str:
    """What an entry's action means, in words; an unknown (older) code is shown as it is.

    >>> action_wording("cases.incident.verified")
    'verified the incident'
    >>> action_wording("cases.incident.renamed")
    'cases.incident.renamed'
    """
    return ACTIONS.get(code, code)
