"""`{% editor_field form.title wide=True %}`: casework/_field.html written in Python.

The incident editor shows about a hundred fields (the incident, each act, source and person
row), each through an include of _field.html: the template engine's include, context and
variable lookups cost more than the field's own widget (already written in Python,
web/form_rendering.py). This writes the same bytes; tests/casework/test_editor_fields.py
renders every field of an editor both ways and compares them. _field.html stays the
reference, and the form's other pages still include it.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString, mark_safe

from casebook.analysis.freshness import kept_fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def editor_field(context, field: BoundField, wide: bool = False) -> SafeString:
    def shown(value) -> str:  # as the engine shows `{{ value }}`: localised, escaped
        return render_value_in_context(value, context)

    checkbox = field.widget_type == "checkbox"
    errors = field.errors if context.get("show_errors") else ()
    css = "field" + (" field-checkbox" if checkbox else "")
    css += (" has-error" if errors else "") + (" wide" if wide else "")
    widget, label = shown(field), shown(field.label_tag())
    help_text = (
        f'<small class="help" id="{shown(field.auto_id)}_helptext">{shown(field.help_text)}</small>'
        if field.help_text
        else ""
    )
    messages = "".join(f'<p class="error">{shown(error)}</p>' for error in errors)
    return mark_safe(  # noqa: S308 (every value went through `shown`)
        f'\n<div class="{css}">\n  {f"{widget} {label}" if checkbox else label + widget}\n'
        f"  {help_text}\n  {messages}\n</div>\n"
    )


@register.simple_tag(takes_context=True)
def editor_row(context, template_name: str, form, number, **values) -> SafeString:
    """`{% include template_name with form=form number=number ... %}`, for a row of the
    editor. A blank row (`form.blank_key()`: the new row each list offers, the empty row
    its "Add another" copies) is written once per codebook version, number and language in
    this process and kept: about half the page's fields, the same bytes for every incident.
    tests/casework/test_editor_rows.py compares both."""

    def include() -> SafeString:
        row = context.template.engine.get_template(template_name)
        with context.push(form=form, number=number, **values):
            return row.render(context)

    key = form.blank_key() if hasattr(form, "blank_key") else None
    if key is None:
        return include()
    errors_shown = bool(values.get("show_errors", context.get("show_errors")))
    params = (template_name, str(number), errors_shown, *key)
    return kept_fragment("editor-row", params, include, version=form.codebook_version)
