"""The public portal's words and dates in the reader's language.

Public values (`publishable.py`) carry the record's words as they are stored, in English;
these filters put them into the language of the page as it is drawn, so that one set of
public values serves every language (and every cached page has the right one).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats
from django.utils.translation import get_language, gettext, ngettext

from casebook.publishing.publishable import PublicAct, PublicIncident

register = template.Library()

# How a day is written, by language; the locale's own format where ours does not fit
# (Django's English one abbreviates the month).
DAY_FORMATS = {"ar": "DATE_FORMAT"}


@register.filter
def public_date(value: dt.date | dt.datetime | None, precision: str = "day") -> str:
    """A date as precise as it is known ("day", "month", "year"), in the page's language:
    "7 May 2024", "May 2024", "2024"; "7 مايو، 2024" in Arabic."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    language = (get_language() or "").split("-")[0]
    return formats.date_format(value, DAY_FORMATS.get(language, "j F Y"))


@register.filter
def public_term(value) -> str:
    """A word from the codebook or a fixed list (an act type, an outcome, a source's kind)
    in the page's language, when the portal's translations have it (see `terms.py`)."""
    return gettext(str(value)) if value else ""


@register.filter
def public_number(act: PublicAct) -> str:
    """How many an act affected, with what it counts: "3 people", "about 2 items"."""
    n = act.number_affected
    if n is None:
        return gettext("number unknown")
    if act.counts == "items":
        if act.approximate:
            text = ngettext("about %(count)d item", "about %(count)d items", n)
        else:
            text = ngettext("%(count)d item", "%(count)d items", n)
    elif act.approximate:
        text = ngettext("about %(count)d person", "about %(count)d people", n)
    else:
        text = ngettext("%(count)d person", "%(count)d people", n)
    return text % {"count": n}


@register.filter
def public_title(incident: PublicIncident) -> str:
    """The incident's approved title; without one, what happened, by whom and when, in the
    page's language ("Arrest and Charge, Testshire Police, 4 May 2024")."""
    if not incident.title_made:
        return incident.title
    kinds = list(dict.fromkeys(public_term(act.act_type.label) for act in incident.acts))
    parts = [gettext(" and ").join(kinds) or gettext("Police action")]
    if incident.force:
        parts.append(incident.force.label)
    parts.append(public_date(incident.date, incident.date_precision))
    return gettext(", ").join(parts)
