"""The incident list, an incident's page, and its status buttons."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from casebook.accounts.access import staff_required
from casebook.accounts.security import client_address
from casebook.analysis.freshness import codebook_version, kept_fragment
from casebook.audit.services import incident_history
from casebook.cases.models import Incident, IncidentStatus, Outcome
from casebook.cases.reading import (
    incidents_read_as_written,
    reads_everything,
    redact_free_text,
)
from casebook.cases.selectors import act_summaries, incident_page
from casebook.cases.services import (
    incident_may_edit,
    incident_review_problem,
    incident_set_status,
    incident_status_choices,
)
from casebook.casework.forms import IncidentFilterForm
from casebook.casework.views.rows import incident_rows_html
from casebook.linkage.claims import act_figures
from casebook.people.duties.access import people_viewed
from casebook.people.services import (
    incident_involvements_by_act,
    incident_people_count,
    people_visible_to,
)
from casebook.redaction.searching import redacted_search_pending
from casebook.sources.models import IncidentSource

RESULTS_ID = "results"
RESULTS = "casework/_incident_results.html"


def _wants_results_only(request) -> bool:
    # A history restore after a reload needs the whole page, not the fragment.
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == RESULTS_ID


# The list's filter fields but the search box, as casework/_incident_filters.html writes
# them: each visible field in its div, then the hidden ones set by links.
FILTER_FIELD = '\n    <div class="field">{}{}</div>\n  '
HIDDEN_FILTERS = ("protest", "period", "country", "unrecorded", "coarse")


def _filter_fields_html(form: IncidentFilterForm, version: str) -> str:
    """The filter fields but the search box, as HTML. A valid form's fields are each kept
    in this process for their own value until the codebook changes (their widgets render
    through templates, and the selects hold hundreds of options): a page whose filters were
    never asked together still finds every field made. An invalid form marks its fields,
    so is made anew through the template. tests/casework/test_list_costs.py compares both."""
    if not form.is_valid():
        html = render_to_string("casework/_incident_filters.html", {"form": form})
        return mark_safe(html.removesuffix("\n"))  # noqa: S308 (a template's output; its last newline)

    def kept(name: str, write) -> str:
        params = (name, tuple(form.data.getlist(name)))
        return kept_fragment("list-filter", params, write, version=version)

    visible = [
        kept(field.name, lambda field=field: FILTER_FIELD.format(field.label_tag(), field))
        for field in form
        if field.name != "q" and not field.is_hidden
    ]
    hidden = [kept(name, lambda name=name: str(form[name])) for name in HIDDEN_FILTERS]
    return mark_safe("".join(visible) + "\n  " + "".join(hidden))  # noqa: S308 (Django's widgets)


TYPING_HEADER = "X-Casebook-Typing"


def _sent_while_typing(request) -> bool:
    """A search sent by the search box as its words are typed (casebook.js marks it): its
    last word may be unfinished. A search submitted (Enter, a link, a reload) is not."""
    return bool(getattr(request, "htmx", None)) and request.headers.get(TYPING_HEADER) == "true"


@staff_required
def incident_list(request):
    # The selects' options and fields are kept until the codebook changes (in any process).
    version = codebook_version()
    form = IncidentFilterForm(request.GET, codebook_version=version)
    if form.is_valid():
        page = incident_page(
            filters=form.filters(),
            number=request.GET.get("page"),
            per_page=settings.INCIDENTS_PER_PAGE,
            reader=request.user,
            typing=_sent_while_typing(request),
        )
    else:
        page = Paginator(Incident.objects.none(), settings.INCIDENTS_PER_PAGE).get_page(1)
    page_incidents = page.object_list
    ids = [incident.pk for incident in page_incidents]
    # Incidents whose people this reader may not see: their free text only redacted.
    as_written = incidents_read_as_written(request.user, ids)
    redacted = [i for i in page_incidents if i.pk not in as_written]
    protest = form.cleaned_data.get("protest") if form.is_valid() else None
    searching = form.is_valid() and bool(form.cleaned_data.get("q"))
    redacted_search = not reads_everything(request.user)
    redact_free_text(
        [
            *redacted,
            *(i.protest for i in redacted),
            *([protest] if protest and not reads_everything(request.user) else []),
        ]
    )
    summaries = act_summaries(ids)
    sources = IncidentSource.objects.counts_by_incident(ids)
    rows = [
        (incident, summaries.get(incident.pk, ""), sources.get(incident.pk, 0))
        for incident in page_incidents
    ]
    template = RESULTS if _wants_results_only(request) else "casework/incident_list.html"
    response = render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": rows,
            "rows_html": incident_rows_html(rows),
            "filter_fields": _filter_fields_html(form, version) if template != RESULTS else "",
            "results_id": RESULTS_ID,
            "protest": protest,
            "redacted_rows": bool(redacted),
            # Incidents whose redacted text is not made yet: this reader cannot find them by it.
            "search_pending": redacted_search_pending() if searching and redacted_search else 0,
        },
    )
    patch_vary_headers(response, ["HX-Request", TYPING_HEADER])
    return response


@staff_required
def incident_detail(request, reference: str):
    incident = get_object_or_404(
        Incident.objects.select_related("force", "protest", "created_by"), reference=reference
    )
    acts = list(
        incident.acts.select_related(
            "act_type", "legal_provision__statute", "trigger_type", "perpetrator"
        ).prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.select_related("outcome_type"))
        )
    )
    show_people = people_visible_to(user=request.user, incident=incident)
    involvements = incident_involvements_by_act(incident=incident) if show_people else {}
    # After a merge, what each report said of an act (52 arrests, 54): titles only for those
    # who read the sources unredacted.
    figures = act_figures(acts=acts, with_titles=show_people)
    for act in acts:
        act.people = involvements.get(act.pk, [])
        act.figures = figures.get(act.pk)
    source_links = list(
        incident.source_links.select_related("source__channel").order_by(
            "source__published_at", "id"
        )
    )
    if not show_people:
        # Free text names people too: those who may not see them read it redacted.
        redact_free_text(
            [
                incident,
                incident.protest,
                *acts,
                *(outcome for act in acts for outcome in act.outcomes.all()),
                *source_links,
                *(link.source for link in source_links),
            ]
        )
    # Every sight of a person's details leaves a trace in the audit trail.
    people_viewed(
        user=request.user,
        incident=incident,
        via="incident page",
        people={i.person for rows in involvements.values() for i in rows},
        ip_address=client_address(request),
    )
    status_choices = [
        IncidentStatus(s) for s in incident_status_choices(incident=incident, actor=request.user)
    ]
    return render(
        request,
        "casework/incident_detail.html",
        {
            "incident": incident,
            "acts": acts,
            "show_people": show_people,
            # The involvements read above are all of the incident's: counted, not read again.
            "people_count": (
                len({i.person_id for rows in involvements.values() for i in rows})
                if show_people
                else incident_people_count(incident=incident)
            ),
            "source_links": source_links,
            "tags": list(incident.tags.all()),
            "history": incident_history(reference),
            "status_choices": status_choices,
            # Said before the button is pressed: what sending for review (or verifying) lacks.
            "review_problem": next(
                (
                    problem
                    for status in status_choices
                    if (
                        problem := incident_review_problem(
                            incident=incident,
                            status=status,
                            acts=len(acts),
                            sources=len(source_links),
                        )
                    )
                ),
                None,
            ),
            "may_edit": incident_may_edit(incident=incident, user=request.user),
        },
    )


@require_POST
@staff_required
def incident_status(request, reference: str):
    incident = get_object_or_404(Incident, reference=reference)
    if not incident_may_edit(incident=incident, user=request.user):
        raise PermissionDenied(
            "Only coordinators and the caseworkers on this incident change its status."
        )
    status = request.POST.get("status", "")
    try:
        incident_set_status(incident=incident, status=status, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{incident.reference} is now {incident.get_status_display().lower()}."
        )
    return redirect(incident)
