"""The monitor's pages: the review queue, a candidate beside its article, feeds and pages.

Who sees what (documented in the README's role table):
- coordinators and administrators see everything and decide: accept, edit then accept,
  merge, reject; they add, pause and delete feeds;
- caseworkers see the queue, the candidates, the feeds and the pages read-only (news they may
  want to follow up), and decide nothing;
- analysts and accounts without a role get 403: the queue is unverified material that can
  name people, and analysts see aggregates only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.cases import duplicates
from casebook.casework.forms import ActFormSet, IncidentEditor, IncidentForm, SourceFormSet
from casebook.monitor import services
from casebook.monitor.forms import (
    CandidateFilterForm,
    FeedForm,
    MergeForm,
    PageFilterForm,
    RejectForm,
)
from casebook.monitor.highlight import analysed_text, event_spans, highlight
from casebook.monitor.models import Candidate, Feed, Page
from casebook.monitor.proposals import (
    MONITOR_TAG,
    SUPPORTS,
    act_initial,
    incident_fields,
    proposal_for,
    source_fields,
)

PER_PAGE = 50


# Coordinators, administrators and caseworkers read; only the first two decide.
viewer_required = role_required(
    roles.can_edit_cases, "The news monitor is for coordinators and caseworkers."
)
reviewer_required = role_required(
    roles.can_verify, "Only coordinators and administrators decide candidates and manage feeds."
)


# --- The review queue -------------------------------------------------------------------------


@viewer_required
def candidate_list(request):
    form = CandidateFilterForm(request.GET or None)
    statuses = form.statuses()
    candidates = (
        Candidate.objects.filter(status__in=statuses)
        .select_related("page", "incident")
        .order_by("-created_at", "-id")
    )
    page = Paginator(candidates, PER_PAGE).get_page(request.GET.get("page"))
    counts = dict(Candidate.objects.values_list("status").annotate(n=Count("id")))
    may_decide = roles.can_verify(request.user)
    # Beside each accepted candidate: the linkage pairs its incident waits in (one way of
    # finding duplicates: the judgement queue's), for those who judge them.
    matches = (
        duplicates.matches_waiting(c.incident.reference for c in page.object_list if c.incident)
        if may_decide
        else {}
    )
    for candidate in page.object_list:
        candidate.waiting_matches = matches.get(getattr(candidate.incident, "reference", ""), [])
    return render(
        request,
        "monitor/candidate_list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "status": statuses[0] if len(statuses) == 1 else "all",
            "may_decide": may_decide,
        },
    )


@viewer_required
def candidate_detail(request, pk: int):
    candidate = get_object_or_404(
        Candidate.objects.select_related("page__feed", "incident", "decided_by"), pk=pk
    )
    page = candidate.page
    proposal = proposal_for(candidate)
    may_decide = roles.can_verify(request.user) and candidate.is_pending
    text = analysed_text(title=page.title, text=page.text, extraction=page.extraction)
    return render(
        request,
        "monitor/candidate_detail.html",
        {
            "candidate": candidate,
            "article": page,
            "proposal": proposal,
            "highlighted": highlight(text, event_spans(candidate.event or {})),
            "siblings": page.candidates.exclude(pk=candidate.pk).order_by("event_index"),
            "copies": page.duplicates.order_by("id")[:20],
            "suggestions": services.candidate_merge_suggestions(
                candidate=candidate, proposal=proposal
            )
            if may_decide
            else [],
            "may_decide": may_decide,
            "reject_form": RejectForm(),
            "merge_form": MergeForm(),
            "decisions": candidate.decisions.select_related("actor", "incident"),
        },
    )


def _decision_failed(request, candidate: Candidate, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)
    return redirect(candidate)


@require_POST
@reviewer_required
def candidate_accept(request, pk: int):
    candidate = get_object_or_404(Candidate, pk=pk)
    try:
        incident = services.candidate_accept(candidate=candidate, actor=request.user)
    except ValidationError as error:
        return _decision_failed(request, candidate, error)
    messages.success(request, f"Accepted: {incident.reference} recorded from the article.")
    return redirect(incident)


@require_POST
@reviewer_required
def candidate_merge(request, pk: int):
    candidate = get_object_or_404(Candidate, pk=pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _decision_failed(
            request,
            candidate,
            ValidationError([e for errors in form.errors.values() for e in errors]),
        )
    try:
        incident = services.candidate_merge(
            candidate=candidate, incident=form.cleaned_data["reference"], actor=request.user
        )
    except ValidationError as error:
        return _decision_failed(request, candidate, error)
    messages.success(
        request, f"Merged into {incident.reference}: the article is now one of its sources."
    )
    return redirect(incident)


@require_POST
@reviewer_required
def candidate_reject(request, pk: int):
    candidate = get_object_or_404(Candidate, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _decision_failed(
            request,
            candidate,
            ValidationError([e for errors in form.errors.values() for e in errors]),
        )
    try:
        services.candidate_reject(
            candidate=candidate,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data.get("note") or "",
        )
    except ValidationError as error:
        return _decision_failed(request, candidate, error)
    messages.success(request, "Rejected; the reason is kept with the candidate.")
    following = (
        Candidate.objects.filter(status=Candidate.Status.PENDING)
        .order_by("-created_at", "-id")
        .first()
    )
    return redirect(following or "monitor:candidate-list")


def _prefilled_editor(candidate: Candidate, *, include_people: bool) -> IncidentEditor:
    """The incident editor filled in with the proposal (a new incident, not saved yet)."""
    page = candidate.page
    proposal = proposal_for(candidate)
    editor = IncidentEditor(include_people=include_people)
    initial = incident_fields(proposal, page) | {"tags": MONITOR_TAG}
    editor.incident_form = IncidentForm(initial=initial)
    editor.acts = ActFormSet(initial=[act_initial(act) for act in proposal.acts], prefix="acts")
    for form in editor.acts.forms:
        form.outcomes = []
    sources = []
    if page.source_id is None:
        fields = source_fields(page)
        fields["published_on"] = fields.pop("published_at")
        sources.append(fields | {"supports": SUPPORTS})
    editor.sources = SourceFormSet(initial=sources, prefix="sources")
    return editor


@reviewer_required
def candidate_edit(request, pk: int):
    """Edit then accept: the incident editor, prefilled; saving it accepts the candidate."""
    candidate = get_object_or_404(Candidate.objects.select_related("page"), pk=pk)
    if not candidate.is_pending:
        messages.error(
            request, f"This candidate was already {candidate.get_status_display().lower()}."
        )
        return redirect(candidate)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    include_people = roles.sees_all_people(request.user)
    add_row = request.POST.get("add", "") if request.method == "POST" else ""
    if request.method == "GET":
        editor = _prefilled_editor(candidate, include_people=include_people)
    else:
        editor = IncidentEditor(data=request.POST, include_people=include_people, add_row=add_row)
    if request.method == "POST" and not add_row and editor.is_valid():
        try:
            incident = services.candidate_accept(
                candidate=candidate, actor=request.user, draft=editor.draft()
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                editor.add_errors(error)
            else:
                return _decision_failed(request, candidate, error)
        else:
            messages.success(request, f"Accepted with corrections: {incident.reference} recorded.")
            return redirect(incident)
    return render(
        request,
        "monitor/candidate_edit.html",
        {
            "editor": editor,
            "incident": None,
            "candidate": candidate,
            "show_errors": not add_row,
            "submitted": request.method == "POST" and not add_row,
        },
    )


# --- Feeds ------------------------------------------------------------------------------------


@viewer_required
def feed_list(request):
    may_manage = roles.can_verify(request.user)
    form = FeedForm()
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only coordinators and administrators add feeds.")
        form = FeedForm(request.POST)
        if form.is_valid():
            try:
                feed = services.feed_add(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"Added “{feed.name}”: it is read within the next "
                    "minute when a worker runs, or by `casebook monitor "
                    "run`.",
                )
                return redirect("monitor:feed-list")
    feeds = Feed.objects.annotate(page_count=Count("pages")).order_by("name", "id")
    return render(
        request,
        "monitor/feed_list.html",
        {
            "feeds": feeds,
            "form": form,
            "may_manage": may_manage,
        },
    )


@require_POST
@reviewer_required
def feed_toggle(request, pk: int):
    feed = get_object_or_404(Feed, pk=pk)
    services.feed_set_active(feed=feed, active=not feed.active, actor=request.user)
    messages.success(request, f"“{feed.name}” {'resumed' if feed.active else 'paused'}.")
    return redirect("monitor:feed-list")


@require_POST
@reviewer_required
def feed_delete(request, pk: int):
    feed = get_object_or_404(Feed, pk=pk)
    name = feed.name
    services.feed_delete(feed=feed, actor=request.user)
    messages.success(request, f"“{name}” is no longer monitored; its pages are kept.")
    return redirect("monitor:feed-list")


# --- Pages (what each stage did) --------------------------------------------------------------


@viewer_required
def page_list(request):
    form = PageFilterForm(request.GET or None)
    pages = Page.objects.select_related("feed").defer("text", "raw", "extraction")
    if form.is_valid():
        if form.cleaned_data.get("status"):
            pages = pages.filter(status=form.cleaned_data["status"])
        relevant = form.cleaned_data.get("relevant")
        if relevant:
            pages = pages.filter(relevant=relevant == "yes")
    page = Paginator(pages.order_by("-created_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    counts = dict(Page.objects.values_list("status").annotate(n=Count("id")))
    return render(request, "monitor/page_list.html", {"form": form, "page": page, "counts": counts})


@viewer_required
def page_detail(request, pk: int):
    article = get_object_or_404(
        Page.objects.select_related("feed", "duplicate_of", "source").prefetch_related(
            Prefetch("candidates", queryset=Candidate.objects.order_by("event_index"))
        ),
        pk=pk,
    )
    stages = [(name, article.stages[name]) for name in _stage_order() if name in article.stages]
    return render(
        request,
        "monitor/page_detail.html",
        {
            "article": article,
            "stages": stages,
            "copies": article.duplicates.order_by("id")[:20],
        },
    )


def _stage_order():
    from casebook.monitor.pipeline import STAGES

    return STAGES
