"""The Lists page: which channels make up each independent list (administrators change them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from casebook.accounts import roles
from casebook.accounts.access import role_required, staff_required
from casebook.analysis.lists import services
from casebook.analysis.lists.forms import CaptureListForm
from casebook.analysis.lists.models import CaptureList
from casebook.sources.models import Channel

administrator_required = role_required(
    roles.is_administrator, "Only administrators change the lists."
)


def _save(request, form: CaptureListForm, capture_list: CaptureList | None) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.capture_list_save(
            actor=request.user,
            capture_list=capture_list,
            name=data["name"],
            description=data.get("description") or "",
            position=data.get("position") or 0,
            channels=data["channels"],
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return False
    return True


@staff_required
def lists_page(request):
    may_manage = roles.is_administrator(request.user)
    form = CaptureListForm()
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only administrators change the lists.")
        form = CaptureListForm(request.POST)
        if _save(request, form, None):
            messages.success(request, f"Made the list “{form.cleaned_data['name']}”.")
            return redirect("analysis:lists")
    lists = CaptureList.objects.prefetch_related("channels")
    unlisted = Channel.objects.filter(list_membership__isnull=True)
    return render(
        request,
        "analysis/lists.html",
        {"lists": lists, "unlisted": unlisted, "form": form, "may_manage": may_manage},
    )


@administrator_required
def list_edit(request, pk: int):
    capture_list = get_object_or_404(CaptureList, pk=pk)
    form = CaptureListForm(instance=capture_list)
    if request.method == "POST":
        form = CaptureListForm(request.POST, instance=capture_list)
        if _save(request, form, capture_list):
            messages.success(request, f"Saved the list “{capture_list.name}”.")
            return redirect("analysis:lists")
    return render(request, "analysis/list_edit.html", {"form": form, "capture_list": capture_list})


@require_POST
@administrator_required
def list_delete(request, pk: int):
    capture_list = get_object_or_404(CaptureList, pk=pk)
    name = capture_list.name
    services.capture_list_delete(actor=request.user, capture_list=capture_list)
    messages.success(request, f"Removed the list “{name}”: its channels now count for no list.")
    return redirect("analysis:lists")
