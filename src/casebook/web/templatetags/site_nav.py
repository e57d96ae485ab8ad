"""`{% nav_links %}`: the main menu of base.html, written once per kind of page and reader.

The menu is a dozen links, each reversed and compared with the page's name on every
request; what it shows depends only on the reader's role flags (web.context.roles), the
page's URL name and app, and where the site is mounted. So it is kept in this process for
those (analysis.freshness.kept_fragment): the same HTML, without the work.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from casebook.analysis.freshness import kept_fragment

register = template.Library()

NAV_LINKS = "web/_nav_links.html"
# The role flags the menu reads (web.context.roles): a link shows or not on each.
FLAGS = (
    "user_roles",
    "may_see_people",
    "can_edit_cases",
    "can_verify",
    "can_import",
    "can_export",
    "is_administrator",
)


@register.simple_tag(takes_context=True)
def nav_links(context) -> SafeString:
    match = getattr(context.get("request"), "resolver_match", None)
    shown: dict[str, object] = {name: bool(context.get(name)) for name in FLAGS}
    shown["current"] = match.url_name if match else None
    shown["app_name"] = match.app_name if match else None

    def write() -> str:
        return render_to_string(NAV_LINKS, shown).removesuffix("\n")  # the file's last newline

    where = (tuple(shown.items()), get_script_prefix(), get_language())
    return mark_safe(kept_fragment("nav-links", where, write, version=""))  # noqa: S308 (a template's output)
