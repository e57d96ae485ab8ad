"""The people list, a person's page, and erasure, for the roles that may see people.

Administrators and coordinators see everyone; caseworkers see the people of the incidents
they work on (anyone else is "not found" for them); analysts and accounts without a role
get 403. Every page that shows someone's details writes a "people.person.viewed" audit
entry. The search term travels in a POST body, so a name never ends up in a URL, the
browser history or a server log (`?q=` works too, for scripts).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.accounts.security import client_address
from casebook.cases.models import Outcome
from casebook.cases.reading import incidents_read_as_written, redact_free_text
from casebook.people.duties.access import people_viewed
from casebook.people.duties.erasure import person_erase
from casebook.people.models import Involvement, preload_data_keys
from casebook.people.services import people_visible

PEOPLE_PER_PAGE = 25


class PersonSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Name, phone or e-mail", strip=True)


class ErasureForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Reason",
        help_text="For example “the person's request” or “no longer needed”. Never a name: "
        "the reason stays on the record.",
    )
    confirm = forms.CharField(max_length=20, label="Type the person's reference to confirm")

    def __init__(self, *args, reference: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference = reference

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip().upper()
        if value != self.reference:
            raise ValidationError(f"Type {self.reference} to confirm the erasure.")
        return value


sees_people_required = role_required(
    roles.may_see_people, "This role does not see people's details."
)


@sees_people_required
def person_list(request):
    data = request.POST if request.method == "POST" else request.GET
    form = PersonSearchForm(data)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people = people_visible(user=request.user)
    if query:
        people = people.search(query)
    page = Paginator(people.order_by("reference"), PEOPLE_PER_PAGE).get_page(data.get("page"))
    shown = list(page.object_list)
    # Counted for the page's people only: an annotation would group the whole table.
    counts = dict(
        Involvement.objects.filter(person__in=[p.pk for p in shown])
        .values("person")
        .annotate(n=Count("id"))
        .values_list("person", "n")
    )
    for person in shown:
        person.involvement_count = counts.get(person.pk, 0)
    preload_data_keys(shown)
    people_viewed(
        user=request.user, people=shown, via="people list", ip_address=client_address(request)
    )
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "page": page,
            "people": shown,
            "query": query,
        },
    )


@sees_people_required
def person_detail(request, reference: str):
    person = get_object_or_404(people_visible(user=request.user), reference=reference)
    involvements = (
        Involvement.objects.filter(person=person)
        .select_related("act__incident", "act__act_type", "act__legal_provision")
        .prefetch_related(
            Prefetch("act__outcomes", queryset=Outcome.objects.select_related("outcome_type"))
        )
        .order_by("-act__incident__date", "act_id")
    )
    involvements = list(involvements)
    # The person's other incidents, which a caseworker may not work on: their text redacted.
    as_written = incidents_read_as_written(request.user, [i.act.incident_id for i in involvements])
    others = [i.act for i in involvements if i.act.incident_id not in as_written]
    redact_free_text(
        [*others, *(a.incident for a in others), *(o for a in others for o in a.outcomes.all())]
    )
    people_viewed(
        user=request.user, people=[person], via="person page", ip_address=client_address(request)
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "involvements": involvements,
            "may_erase": roles.is_administrator(request.user),
        },
    )


@role_required(roles.is_administrator, "Only administrators erase people's details.")
def person_erase_view(request, reference: str):
    person = get_object_or_404(people_visible(user=request.user), reference=reference)
    form = ErasureForm(request.POST or None, reference=person.reference)
    if request.method == "POST" and form.is_valid():
        person_erase(
            person=person,
            reason=form.cleaned_data["reason"],
            actor=request.user,
            ip_address=client_address(request),
        )
        messages.success(
            request,
            f"The details of {person.reference} were erased; the record "
            "of their involvement stays.",
        )
        return redirect(person)
    return render(request, "people/person_erase.html", {"person": person, "form": form})
