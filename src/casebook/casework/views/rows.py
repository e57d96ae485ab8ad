"""The incident list's rows written in Python: the same HTML the template's loop made.

Fifty rows of ten cells each went through the template engine's variable lookups and
filters on every request, the largest part of the list's time once its queries were fast.
`tests/casework/test_list_rows.py` renders both ways and compares them byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

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


def _text(value) -> str:
    # As the template wrote a value: localised (numbers), then escaped unless safe.
    return conditional_escape(value if isinstance(value, str) else localize(value))


def incident_rows_html(rows: Iterable[tuple]) -> SafeString:
    """The list's table rows for (incident, act summary, number of sources) triples."""
    written = []
    for incident, acts, sources in rows:
        protest = incident.protest
        force = incident.force
        written.append(
            ROW.format(
                url=_text(incident.get_absolute_url()),
                reference=_text(incident.reference),
                date=_text(incident.date_display),
                title=_text(incident.title),
                unreviewed=UNREVIEWED if getattr(incident.title, "unreviewed", False) else "",
                protest=PROTEST.format(_text(protest.name)) if protest else "",
                force=_text((force.name if force else "") or DASH),
                place=_text(incident.place or DASH),
                status=_text(incident.status),
                status_display=_text(incident.get_status_display()),
                acts=_text(acts or DASH),
                sources=_text(sources),
            )
        )
    return mark_safe("".join(written))  # noqa: S308 (every value above is escaped)
