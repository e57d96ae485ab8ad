"""Django's form renderer with its commonest templates written in Python, byte for byte.

The incident editor renders a few hundred fields (the incident, every act, source and
person row): each text box, date, checkbox, select and label went through the template
engine, a template and two includes each, 90% of the page's time. `FormRenderer` writes
inputs, text areas, selects and labels in Python, producing exactly what Django's own
templates produce (`tests/web/test_form_rendering.py` renders both ways and compares).

A template is written in Python only while its source is the one this module was written
from: a Django upgrade, or an app overriding the template, sends it back to the engine.
Any value whose rendering the engine would localise (numbers, dates) also goes to the
engine, as does any template not listed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

ATTRS = (
    "{% for name, value in attrs.items %}{% if value is not False %} {{ name }}"
    "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
    "{% endfor %}"
)
WIDGET_ATTRS = ATTRS.replace("attrs.items", "widget.attrs.items")
INPUT = (
    '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
    "value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
    '{% include "django/forms/widgets/attrs.html" %}>\n'
)
INCLUDES_INPUT = '{% include "django/forms/widgets/input.html" %}\n'
TEXTAREA = (
    '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
    "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
)
SELECT = (
    '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
    "{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}\n"
    '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
    "  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n"
    "  </optgroup>{% endif %}{% endfor %}\n</select>\n"
)
OPTION = (
    "<option value=\"{{ widget.value|stringformat:'s' }}\""
    '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
)
LABEL = (
    "{% if use_tag %}<{{ tag }}{% include 'django/forms/attrs.html' %}>{{ label }}</{{ tag }}>"
    "{% else %}{{ label }}{% endif %}\n"
)
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"

# Values the engine would localise or format on its own: left to the engine.
_LOCALISED = (int, float, Decimal, dt.date, dt.time)


class _Unwritten(Exception):
    """A value this module does not write as the engine would: the engine renders it."""


def _variable(value) -> str:
    """`{{ value }}` with autoescaping, for the values written here."""
    if value is None:
        return "None"
    if isinstance(value, (bool, *_LOCALISED)) or callable(value):
        raise _Unwritten
    if not isinstance(value, str | Promise | SafeData):
        raise _Unwritten
    return conditional_escape(value)  # type: ignore[arg-type]


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` with autoescaping."""
    if isinstance(value, tuple | list | dict) or callable(value):
        raise _Unwritten
    try:
        text = "%s" % value  # noqa: UP031 (stringformat's own operation)
    except (ValueError, TypeError):
        text = ""
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs: dict | None) -> str:
    if not attrs:  # the engine loops over None's missing .items as over nothing
        return ""
    return "".join(
        f" {_variable(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input(context) -> str:
    widget = context["widget"]
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 (as the template)
    return (
        f'<input type="{_variable(widget["type"])}" name="{_variable(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _textarea(context) -> str:
    widget = context["widget"]
    value = widget["value"]
    return (
        f'<textarea name="{_variable(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_variable(value) if value else ''}</textarea>"
    )


def _select(context) -> str:
    widget = context["widget"]
    parts = [f'<select name="{_variable(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_variable(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                raise _Unwritten
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_variable(option['label'])}</option>\n"  # the option template's newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _label(context) -> str:
    if not context["use_tag"]:
        return _variable(context["label"])
    tag = _variable(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_variable(context['label'])}</{tag}>"


INPUTS = ("text", "number", "date", "email", "url", "password", "hidden", "checkbox", "time")
WRITTEN: dict[str, tuple[tuple[tuple[str, str], ...], Callable[[dict], str]]] = {
    **{
        f"django/forms/widgets/{kind}.html": (
            ((f"django/forms/widgets/{kind}.html", INCLUDES_INPUT),),
            _input,
        )
        for kind in INPUTS
    },
    "django/forms/widgets/textarea.html": (
        (("django/forms/widgets/textarea.html", TEXTAREA),),
        _textarea,
    ),
    "django/forms/widgets/select.html": (
        (("django/forms/widgets/select.html", SELECT), (OPTION_TEMPLATE, OPTION)),
        _select,
    ),
    "django/forms/label.html": ((("django/forms/label.html", LABEL),), _label),
}
# What the written ones include, checked with them.
INCLUDED = (
    ("django/forms/widgets/input.html", INPUT),
    ("django/forms/widgets/attrs.html", WIDGET_ATTRS),
    ("django/forms/attrs.html", ATTRS),
)


class FormRenderer(DjangoTemplates):
    """`django.forms.renderers.DjangoTemplates`, writing the templates above in Python."""

    def __init__(self) -> None:
        super().__init__()
        self._written: dict[str, Callable[[dict], str]] | None = None

    def _source(self, name: str) -> str | None:
        try:
            return self.get_template(name).template.source
        except TemplateDoesNotExist:
            return None

    def written(self) -> dict[str, Callable[[dict], str]]:
        """Template name -> its writer, for the templates whose sources are as expected."""
        if self._written is None:
            if all(self._source(name) == source for name, source in INCLUDED):
                self._written = {
                    name: writer
                    for name, (sources, writer) in WRITTEN.items()
                    if all(self._source(n) == source for n, source in sources)
                }
            else:
                self._written = {}
        return self._written

    def render(self, template_name, context, request=None):
        writer = self.written().get(template_name)
        if writer is not None:
            try:
                return writer(context).strip()  # as the engine's output is stripped
            except (_Unwritten, KeyError):
                pass
        return super().render(template_name, context, request=request)
