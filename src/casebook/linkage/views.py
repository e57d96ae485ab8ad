"""The judgement queue, merges and their undoing, linkage's settings, and people recorded
twice. Coordinators and administrators only; the settings are the administrator's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident
from casebook.linkage import claims, merging, people, services
from casebook.linkage.forms import DecisionForm, SettingsForm
from casebook.linkage.models import IncidentMerge, LinkageSettings, PersonMerge, SuggestedPair

coordinator_required = role_required(
    roles.can_verify, "Only coordinators and administrators judge and merge reports."
)
administrator_required = role_required(
    roles.is_administrator, "Only administrators change linkage's settings."
)
people_required = role_required(
    roles.sees_all_people, "Only coordinators and administrators compare people."
)
QUEUE_PAGE = 25


@coordinator_required
def queue(request):
    waiting = services.pairs_waiting()
    first = waiting[0] if waiting else None
    page = Paginator(waiting, QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "linkage/queue.html",
        {
            "current": "linkage-queue",
            "pair": first,
            "sides": services.pair_sides(first) if first else None,
            "page": page,
            "counts": services.queue_counts(),
            "form": DecisionForm(),
        },
    )


@coordinator_required
def pair_detail(request, pk: int):
    pair = get_object_or_404(SuggestedPair.objects.select_related("run"), pk=pk)
    sides = services.pair_sides(pair)
    return render(
        request,
        "linkage/pair_detail.html",
        {
            "current": "linkage-queue",
            "pair": pair,
            "sides": sides,
            "gone": sides is None,
            "verdict": services.latest_verdicts([pair.key]).get(pair.key),
            "form": DecisionForm(),
        },
    )


@require_POST
@coordinator_required
def pair_decide(request, pk: int):
    pair = get_object_or_404(SuggestedPair, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose same event, different events or unsure.")
        return redirect("linkage:pair-detail", pk=pair.pk)
    verdict = form.cleaned_data["verdict"]
    try:
        services.pair_decide(
            left=pair.left_reference,
            right=pair.right_reference,
            verdict=verdict,
            actor=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("linkage:queue")
    wording = {
        "same": "merged as one event (it can be undone from Merges)",
        "different": "kept apart as different events; this pair will not be asked again",
        "unsure": "marked unsure; it stays at the end of the queue",
    }[verdict]
    messages.success(request, f"{pair.left_reference} and {pair.right_reference}: {wording}.")
    return redirect("linkage:queue")


@coordinator_required
def merge_list(request):
    merges = (
        IncidentMerge.objects.select_related("merged_by", "unmerged_by")
        .annotate(claim_count=Count("claims"))
        .order_by("-merged_at", "-id")
    )
    page = Paginator(merges, QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(request, "linkage/merge_list.html", {"current": "linkage-merges", "page": page})


@coordinator_required
def merge_detail(request, pk: int):
    merge = get_object_or_404(IncidentMerge, pk=pk)
    survivor = Incident.objects.filter(reference=merge.survivor_reference).first()
    acts: dict = {}
    for claim in merge.claims.select_related("act__act_type").order_by("act_id", "id"):
        acts.setdefault(claim.act, []).append(claim)
    history = AuditEntry.objects.filter(
        incident_reference__in=[merge.survivor_reference, merge.merged_reference]
    ).order_by("sequence")
    return render(
        request,
        "linkage/merge_detail.html",
        {
            "current": "linkage-merges",
            "merge": merge,
            "survivor": survivor,
            "acts": [
                (act, group, claims.figure_range(c.number_affected for c in group))
                for act, group in acts.items()
            ],
            "history": history[:200],
        },
    )


@require_POST
@coordinator_required
def merge_undo(request, pk: int):
    merge = get_object_or_404(IncidentMerge, pk=pk)
    try:
        restored = merging.incident_unmerge(merge=merge, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("linkage:merge-detail", pk=merge.pk)
    messages.success(
        request, f"{restored.reference} is its own incident again, as before the merge."
    )
    return redirect(restored)


@administrator_required
def settings_edit(request):
    current = LinkageSettings.current()
    form = SettingsForm(
        request.POST or None,
        initial={
            "auto_merge": current.auto_merge,
            "auto_merge_threshold": current.auto_merge_threshold,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_change(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Linkage settings saved.")
            return redirect("linkage:settings")
    return render(request, "linkage/settings.html", {"current": "linkage-settings", "form": form})


@people_required
def people_twice(request):
    return render(
        request,
        "linkage/people.html",
        {
            "current": "linkage-people",
            "groups": people.people_recorded_twice(),
            "merges": PersonMerge.objects.select_related("merged_by", "unmerged_by")[:50],
        },
    )


@require_POST
@people_required
def people_merge(request):
    """Merge a group of people recorded twice into its first (oldest) record."""
    try:
        merges = people.people_group_merge(
            references=request.POST.getlist("reference"), actor=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("linkage:people")
    merged = ", ".join(m.merged_reference for m in merges)
    messages.success(
        request,
        f"{merged} merged into {merges[0].survivor_reference} (it can be undone below).",
    )
    return redirect("linkage:people")


@require_POST
@people_required
def people_unmerge(request, pk: int):
    merge = get_object_or_404(PersonMerge, pk=pk)
    try:
        restored = people.person_unmerge(merge=merge, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("linkage:people")
    messages.success(request, f"{restored.reference} is a record of its own again.")
    return redirect("linkage:people")
