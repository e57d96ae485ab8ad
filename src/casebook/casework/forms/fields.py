"""Form pieces shared by the incident pages: plain labels, dates, fast codebook selects."""

from __future__ import annotations

import html

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.utils import flatatt
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from casebook.analysis.freshness import CODEBOOK, cached_here
from casebook.codebook.models import LegalProvision

DATE_HELP = "YYYY-MM-DD, e.g. 2024-05-04"


class PlainLabels:
    """Labels without Django's trailing colon; required fields' labels get a CSS class."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class FastSelect(forms.Select):
    """A select whose options are written in Python, not one template render per option.

    The codebook selects hold hundreds of options (forces, provisions); Django's default
    rendering spent more time on them than the incident list spends on its queries. Given
    the codebook's version (`codebook_version`, see `KeptOptions`), a codebook select's
    options are written once and kept in this process until the codebook changes.
    """

    codebook_version: str | None = None

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        key = _codebook_options_key(self.choices, self.codebook_version)
        if key is None:  # written for this page only: each option once, as it is shown
            options = "".join(
                _option(option, label, str(option) in selected) for option, label in self.choices
            )
        else:

            def write() -> list[tuple[str, str, str]]:
                return [
                    (str(option), _option(option, label, False), _option(option, label, True))
                    for option, label in self.choices
                ]

            written = cached_here("select-options", key, write, version=str(self.codebook_version))
            options = "".join(
                chosen if value in selected else plain for value, plain, chosen in written
            )
        options = mark_safe(options)  # noqa: S308 (each value escaped by _option)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


def _escaped(value) -> str:
    """`conditional_escape(value)` without its lazy-text wrapper (which cost more than the
    escaping, for the hundreds of options of a page)."""
    if isinstance(value, Promise):
        value = str(value)
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _option(value, label, selected: bool) -> str:
    """What `format_html('<option value="{}"[ selected]>{}</option>', value, label)` writes."""
    chosen = " selected" if selected else ""
    return f'<option value="{_escaped(value)}"{chosen}>{_escaped(label)}</option>'


def _codebook_options_key(choices, version: str | None) -> list | None:
    """What a codebook select's options depend on besides the codebook (its model, order,
    empty choice and labels), or None if they are not to be kept: no version, or a
    queryset narrowed in a way this does not name."""
    if version is None or not isinstance(choices, ModelChoiceIterator):
        return None
    field = choices.field
    query = field.queryset.query
    if field.queryset.model not in CODEBOOK or query.has_filters() or query.is_sliced:
        return None
    if query.annotations or query.extra or query.distinct:
        return None
    return [
        f"{type(field).__module__}.{type(field).__qualname__}",
        field.queryset.model._meta.label,
        [str(order) for order in query.order_by],
        str(field.empty_label),
        field.to_field_name,
    ]


class KeptOptions:
    """A form whose codebook selects keep their options for `codebook_version` (the
    codebook's version when the page read it, analysis.freshness.codebook_version)."""

    def __init__(self, *args, codebook_version: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.codebook_version = codebook_version
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field.widget, FastSelect | ProvisionInput):
                field.widget.codebook_version = codebook_version

    def blank_key(self) -> tuple | None:
        """What the HTML of this form depends on when nothing in it comes from the data or
        the record (a new row nobody filled in, or the empty row a page copies): its class,
        prefix, the codebook's version and the language. None for any other form, and
        without a codebook version. A form whose choices depend on more adds it."""
        if self.codebook_version is None or self.is_bound or self.initial:  # type: ignore[attr-defined]
            return None
        if self.errors or getattr(self, "outcomes", None):  # type: ignore[attr-defined]
            return None
        return (type(self).__qualname__, self.prefix, self.codebook_version, get_language())  # type: ignore[attr-defined]


class ColumnChoiceIterator(ModelChoiceIterator):
    """A codebook select's options read as plain columns: no model instance per option.

    The incident list's filter selects hold hundreds of forces, act types and provisions;
    building a model instance for each cost more than the page's queries. The field names
    the columns it shows (`label_columns`); the option value is the slug, as before.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.rows():
            yield self.choice(row)

    def choice(self, row):
        return (ModelChoiceIteratorValue(row.slug, row), self.field.label_from_row(row))


class ColumnChoiceField(forms.ModelChoiceField):
    """A codebook choice whose options are read as columns (`ColumnChoiceIterator`); what is
    chosen is still looked up and returned as a model instance."""

    iterator = ColumnChoiceIterator
    # The codebook's version (analysis.freshness.codebook_version) when the form's owner
    # read it: the options are then kept in this process until the codebook changes.
    codebook_version: str | None = None

    def __init__(self, *args, label_columns: tuple[str, ...] = ("label",), **kwargs):
        self.label_columns = label_columns
        super().__init__(*args, **kwargs)

    def rows(self) -> list:
        """The options' columns, read or kept for the codebook's version."""

        def read() -> list:
            return list(self.queryset.values_list("slug", *self.label_columns, named=True))

        if self.codebook_version is None:
            return read()
        params = [type(self).__name__, self.queryset.model._meta.label, self.label_columns]
        return cached_here("choices", params, read, version=self.codebook_version)

    def label_from_row(self, row) -> str:
        return str(getattr(row, self.label_columns[0]))


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=date_input(),
        **kwargs,
        error_messages={"invalid": f"Give the {label.lower()} as a date, {DATE_HELP}."},
    )


def codebook_choice(
    queryset,
    *,
    label: str,
    what: str,
    required: bool = False,
    empty_label: str = "—",
    field_class=forms.ModelChoiceField,
    **extra,
):
    return field_class(
        **extra,
        queryset=queryset,
        to_field_name="slug",
        required=required,
        label=label,
        empty_label=empty_label,
        widget=FastSelect,
        error_messages={
            "invalid_choice": f"“%(value)s” is not a {what} in the codebook; choose one "
            "from the list.",
            "required": f"Choose the {what}.",
        },
    )


PROVISION_HELP = "Type part of its section, title or a common name (e.g. s.14 POA, obstruction)."


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


class ProvisionInput(forms.TextInput):
    """A text box that suggests the codebook's legal provisions as one types (a <datalist>:
    no script, so nothing the content security policy would stop), matching the citation,
    the title and the aliases. Without suggestions the server still reads what was typed."""

    codebook_version: str | None = None

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.choices: object = ()

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-options"
        attrs["list"] = list_id

        def write() -> str:
            return format_html_join(
                "",
                '<option value="{}">{}</option>',
                (
                    (choice.instance.citation, _provision_hint(choice.instance))
                    for choice, _label in self.choices  # type: ignore[attr-defined]
                    if getattr(choice, "instance", None) is not None
                ),
            )

        key = _codebook_options_key(self.choices, self.codebook_version)
        options = (
            write()
            if key is None
            else cached_here(
                "provision-suggestions", key, write, version=str(self.codebook_version)
            )
        )
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            options,
        )


def _provision_hint(provision: LegalProvision) -> str:
    """What the suggestion shows beside the citation, and what typing may match."""
    names = [provision.short_citation, *provision.aliases]
    also = "; ".join(name for name in names if name and name != provision.citation)
    return " · ".join(part for part in (provision.title, also) if part)


class ProvisionChoiceField(forms.ModelChoiceField):
    """A legal provision typed or chosen by its citation, slug, short citation or an alias."""

    def __init__(self, *args, **kwargs):
        empty = kwargs.get("empty_label") or "None"
        kwargs["widget"] = ProvisionInput(attrs={"placeholder": empty})
        kwargs.setdefault("help_text", PROVISION_HELP)
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_choice"] = (
            "“%(value)s” is not a legal provision in the codebook; type part of its section, "
            "title or common name and choose one of the suggestions, or leave it empty."
        )

    def label_from_instance(self, obj: LegalProvision) -> str:
        return f"{obj.citation} — {obj.title}" if obj.title else obj.citation

    def candidates(self) -> list:
        """What typed text is matched against, in the queryset's order: objects with the
        provision's slug, citation, short citation, title and aliases."""
        return list(self.queryset)

    def chosen(self, candidate) -> LegalProvision:
        """The provision a matched candidate stands for."""
        return candidate

    def prepare_value(self, value):
        instance = getattr(value, "instance", value)
        if isinstance(instance, LegalProvision):
            return instance.citation
        if isinstance(value, str) and value and " " not in value:
            # A slug (from a link or an earlier page): show the citation instead.
            found = self.queryset.filter(slug=value).first()
            return found.citation if found else value
        return value

    def names(self) -> tuple[dict, dict]:
        """What typed text is matched against: each name's key (slug, citation, short
        citation, aliases) -> the first candidate in order with that name, and each title's
        key -> the candidates with that title. Kept for the codebook's version, as the
        suggestions are, when the form has it."""

        def read() -> tuple[dict, dict]:
            names: dict = {}
            titles: dict = {}
            for candidate in self.candidates():
                for name in (
                    candidate.slug,
                    candidate.citation,
                    candidate.short_citation,
                    *candidate.aliases,
                ):
                    if name:
                        names.setdefault(_key(name), candidate)
                if candidate.title:
                    titles.setdefault(_key(candidate.title), []).append(candidate)
            return names, titles

        version = getattr(self.widget, "codebook_version", None)
        key = _codebook_options_key(self.choices, version)
        if key is None:
            return read()
        return cached_here("provision-names", key, read, version=str(version))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text:
            return None
        names, titles = self.names()
        wanted = _key(text.split(" — ", 1)[0])  # "citation — title", as a suggestion reads
        if wanted in names:
            return self.chosen(names[wanted])
        # A title typed in full ("Riot") names a provision when no other has that title.
        titled = titles.get(_key(text), [])
        if len(titled) == 1:
            return self.chosen(titled[0])
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
        )


class ProvisionColumnChoiceField(ColumnChoiceField, ProvisionChoiceField):
    """`ProvisionChoiceField` whose suggestions are read as columns (the incident list's);
    what is typed is matched against those columns too, and only the provision it names is
    loaded as a model instance."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_columns", ("citation", "title", "short_citation", "aliases"))
        super().__init__(*args, **kwargs)

    def candidates(self) -> list:
        return self.rows()

    def chosen(self, candidate) -> LegalProvision:
        return self.queryset.get(slug=candidate.slug)

    def label_from_row(self, row) -> str:
        return f"{row.citation} — {row.title}" if row.title else row.citation
