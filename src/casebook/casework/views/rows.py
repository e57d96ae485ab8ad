"""The incident list's rows written in Python: the same HTML the template's loop made.

Fifty rows of ten cells each went through the template engine's variable lookups and
filters on every request, the largest part of the list's time once its queries were fast.
`tests/casework/test_list_rows.py` renders both ways and compares them byte for byte.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from casebook.cases.models import IncidentStatus

DASH = "—"
UNREVIEWED = (
    ' <small class="unreviewed" title="Redacted by machine and not yet checked by a person: '
    'it can miss a name.">unreviewed redaction</small>'
)
PROTEST = '<br><small class="muted">{}</small>'
ROW = (
    '\n    <tr>\n      \n      <td class="ref"><a href="{url}">{reference}</a></td>'
    '\n      <td class="date">{date}</td>'
    '\n      <td class="title">{title}{unreviewed}{protest}</td>'
    '\n      <td data-label="Force">{force}</td>'
    '\n      <td data-label="Place">{place}</td>'
    '\n      <td class="state"><span class="status status-{status}">{status_display}</span></td>'
    '\n      <td data-label="Acts">{acts}</td>'
    '\n      <td class="num" data-label="Sources">{sources}</td>'
    "\n    </tr>\n    "
)


STATUS_LABELS = {value: str(label) for value, label in IncidentStatus.choices}
# A reference made of these characters goes into its page's address as it is (`reverse`
# would not quote any of them); any other is left to `get_absolute_url`.
PLAIN_REFERENCE = re.compile(r"[A-Za-z0-9_.-]+")
_MARK = "REFERENCE-MARK"


def _text(value) -> str:
    """A value as the template wrote it: localised (numbers), then escaped unless it is
    safe HTML already (django.utils.html.conditional_escape, without its lazy wrappers)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(value if isinstance(value, str) else str(localize(value)))


def incident_rows_html(rows: Iterable[tuple]) -> SafeString:
    """The list's table rows for (incident, act summary, number of sources) triples."""
    head, _mark, tail = reverse("casework:incident-detail", args=[_MARK]).partition(_MARK)
    written = []
    for incident, acts, sources in rows:
        protest = incident.protest
        force = incident.force
        reference = incident.reference
        if PLAIN_REFERENCE.fullmatch(reference):
            url = f"{head}{reference}{tail}"
        else:
            url = incident.get_absolute_url()
        status = incident.status
        written.append(
            ROW.format(
                url=_text(url),
                reference=_text(reference),
                date=_text(incident.date_display),
                title=_text(incident.title),
                unreviewed=UNREVIEWED if getattr(incident.title, "unreviewed", False) else "",
                protest=PROTEST.format(_text(protest.name)) if protest else "",
                force=_text((force.name if force else "") or DASH),
                place=_text(incident.place or DASH),
                status=_text(status),
                status_display=_text(STATUS_LABELS.get(status, status)),
                acts=_text(acts or DASH),
                sources=_text(sources),
            )
        )
    return mark_safe("".join(written))  # noqa: S308 (every value above is escaped)
