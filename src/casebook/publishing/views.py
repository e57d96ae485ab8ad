"""The public portal's pages (anonymous readers) and the staff's publishing pages.

Public pages read the record only through `publishable.py` and its callers (`listing.py`,
`statistics.py`): they get public values, never model instances. Each is cached per address
and portal version (`caching.py`) and answers 404 while the portal, or its section, is off.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.accounts.security import client_address
from casebook.analysis.charts import chart_svg
from casebook.cases.models import Incident, IncidentStatus
from casebook.codebook.models import ActType, Organisation
from casebook.publishing import caching, feeds, intake, listing, statistics
from casebook.publishing.forms import (
    IntakeDecisionForm,
    PortalSettingsForm,
    PublicSearchForm,
    SubmissionAddForm,
    SubmissionForm,
)
from casebook.publishing.listing import PublicFilters
from casebook.publishing.mapping import map_drawing, tile_map, tile_origin
from casebook.publishing.markdown import markdown_html
from casebook.publishing.models import (
    PortalSettings,
    Post,
    Publication,
    Submission,
    SubmissionFile,
    SubmissionKind,
    SubmissionStatus,
)
from casebook.publishing.publishable import (
    public_image,
    public_incident,
    public_incidents,
    public_neighbours,
    public_points,
    published_incidents,
)
from casebook.publishing.rendering import portal_renderer
from casebook.publishing.services import (
    PublicationRefused,
    portal_settings_update,
    publication_publish,
    publication_withdraw,
)
from casebook.sources.evidence.sniffing import human_size
from casebook.sources.evidence.uploads import SizeLimitUploadHandler, with_size_limit
from casebook.sources.models.evidence import IMAGE_TYPES, MediaType

View = Callable[..., HttpResponse]


def portal_page(section: str = "") -> Callable[[View], View]:
    """A public page: no sign-in, 404 while the portal (or `section`) is off, cached."""

    def wrap(view: View) -> View:
        @login_not_required
        @require_GET
        @wraps(view)
        def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            portal = PortalSettings.current()
            if not portal.enabled or (section and not getattr(portal, f"show_{section}")):
                raise Http404("This page is not public.")
            request.portal = portal  # type: ignore[attr-defined]

            def compute() -> tuple[bytes, str, int]:
                response = view(request, *args, **kwargs)
                return response.content, response["Content-Type"], response.status_code

            key = f"{request.LANGUAGE_CODE if hasattr(request, 'LANGUAGE_CODE') else ''}"
            content, content_type, status = caching.cached(
                f"page:{key}:{request.get_full_path()}", compute, version=caching.portal_version()
            )
            response = HttpResponse(content, content_type=content_type, status=status)
            if status == 503:  # figures being updated (never cached): soon back
                response["Retry-After"] = "30"
            return response

        return page

    return wrap


def _render(request, template: str, context: dict) -> HttpResponse:
    portal = request.portal
    context = {"portal": portal, "public_post_url": Post.get_absolute_url, **context}
    return render(request, template, context)


@login_not_required
@require_GET
def home(request):
    """The site's front door: the portal for readers; staff go on to their casework."""
    portal = PortalSettings.current()
    if roles.is_staff_member(request.user) or not portal.enabled:
        return redirect("casework:incident-list")
    return _home(request)


@portal_page()
def _home(request):
    posts = _visible_posts()[:3] if request.portal.show_posts else []
    return _render(
        request,
        "publishing/home.html",
        {
            "latest": listing.latest_published(8, portal=request.portal),
            "figures": statistics.headline_figures(),
            "posts": posts,
        },
    )


@portal_page()
def incident_list(request):
    form = PublicSearchForm(
        request.GET or None,
        places=listing.places(portal=request.portal),
        renderer=portal_renderer,  # the same HTML, selects written without a template each
    )
    filters = form.filters() if form.is_bound else PublicFilters()
    page, incidents = listing.public_page(filters, request.GET.get("page"), portal=request.portal)
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        "publishing/incident_list.html",
        {"form": form, "page": page, "incidents": incidents, "query": query.urlencode()},
    )


@portal_page()
def incident_detail(request, reference: str):
    incident = public_incident(reference)
    if incident is None:
        raise Http404("No published incident has this reference.")
    previous, following = public_neighbours(reference)
    posts = (
        _visible_posts().filter(incidents__reference=reference) if request.portal.show_posts else []
    )
    return _render(
        request,
        "publishing/incident_detail.html",
        {"incident": incident, "previous": previous, "next": following, "posts": posts},
    )


@login_not_required
@require_GET
def incident_image(request, reference: str, evidence: int):
    """An approved redacted photo of a published incident (never the original)."""
    if not PortalSettings.current().enabled:
        raise Http404("This page is not public.")
    content = public_image(reference, evidence)
    if content is None:
        raise Http404("No such public image.")
    content_type = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = "inline"
    return response


@portal_page("protests")
def protest_detail(request, pk: int):
    # A protest is public only through its published incidents: no other protest is named.
    published = published_incidents().filter(protest_id=pk).order_by("date", "id")
    ids = list(published.values_list("pk", flat=True))
    incidents = public_incidents(ids, portal=request.portal)
    if not incidents:
        raise Http404("No published incident belongs to this protest.")
    return _render(
        request,
        "publishing/protest_detail.html",
        {"protest": incidents[0].protest, "incidents": incidents},
    )


@portal_page("statistics")
def statistics_page(request):
    # None while the figures are being updated after a change: the page says so.
    tables = statistics.public_statistics()
    chart = statistics.year_chart(tables[0]) if tables and tables[0].rows else None
    return _render(request, "publishing/statistics.html", {"tables": tables, "chart": chart})


@portal_page("statistics")
def statistics_chart(request):
    tables = statistics.public_statistics()
    if tables is None:
        return HttpResponse("The figures are being updated.", status=503)
    if not tables[0].rows:
        raise Http404("Nothing is published yet.")
    return HttpResponse(chart_svg(statistics.year_chart(tables[0])), content_type="image/svg+xml")


def _tiles_allowed(view: View) -> View:
    """The administrator's tile server may send the page's pictures (and nothing else may)."""

    @wraps(view)
    def page(request, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        origin = tile_origin(PortalSettings.current().tile_url)
        if origin:
            response.csp_img_sources = [origin]  # type: ignore[attr-defined]
        return response

    return page


@_tiles_allowed
@portal_page("map")
def map_page(request):
    points = public_points(portal=request.portal)
    if points is None:  # being updated after a change: the page says so
        return _render(request, "publishing/map.html", {"points": None})
    context = {"points": points, "drawing": map_drawing(points)}
    if request.portal.tile_url:
        context["tile_map"] = tile_map(
            points,
            tile_url=request.portal.tile_url,
            list_url=reverse("publishing:incident-list"),
        )
    return _render(request, "publishing/map.html", context)


def _visible_posts():
    return Post.objects.filter(published_on__isnull=False, published_on__lte=timezone.localdate())


@portal_page("posts")
def post_list(request):
    return _render(request, "publishing/post_list.html", {"posts": _visible_posts()[:100]})


@portal_page("posts")
def post_detail(request, slug: str):
    post = get_object_or_404(_visible_posts(), slug=slug)
    linked = public_incidents(post.incidents.order_by("-date", "-id"), portal=request.portal)
    return _render(
        request,
        "publishing/post_detail.html",
        {"post": post, "body": markdown_html(post.body), "linked": linked},
    )


@portal_page("feeds")
def feed_cases(request):
    return _cases_feed(request)


@portal_page("feeds")
def feed_force(request, slug: str):
    return _cases_feed(request, force=get_object_or_404(Organisation, slug=slug))


@portal_page("feeds")
def feed_act_type(request, slug: str):
    return _cases_feed(request, act_type=get_object_or_404(ActType, slug=slug))


def _cases_feed(request, *, force=None, act_type=None):
    body = feeds.cases_feed(
        portal=request.portal,
        absolute=request.build_absolute_uri,
        force=force,
        act_type=act_type,
    )
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


@portal_page("feeds")
def feed_posts(request):
    posts = list(_visible_posts()[:50]) if request.portal.show_posts else []
    body = feeds.posts_feed(portal=request.portal, absolute=request.build_absolute_uri, posts=posts)
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


@login_not_required
@require_GET
def language(request, code: str):
    """Read the portal in another language: remembered in a cookie, nothing else."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


# Staff pages: deciding what is public, and the portal's settings.

may_publish = role_required(
    roles.can_verify, "Only coordinators and administrators publish incidents."
)


@may_publish
@require_GET
def publication_queue(request):
    """Verified incidents ready to publish, and those published."""
    ready = (
        Incident.objects.filter(status=IncidentStatus.VERIFIED, publication__isnull=True)
        .filter(redacted_derivatives__field="summary", redacted_derivatives__status="approved")
        .distinct()
        .order_by("-date", "-id")[:50]
    )
    published = Publication.objects.select_related("incident").order_by("-published_at")[:50]
    return render(
        request,
        "publishing/queue.html",
        {
            "ready": ready,
            "published": published,
            "published_count": Publication.objects.count(),
            "portal": PortalSettings.current(),
        },
    )


@may_publish
@require_POST
def publication_decide(request, reference: str, decision: str):
    incident = get_object_or_404(Incident, reference=reference)
    if decision == "publish":
        try:
            publication_publish(incident=incident, actor=request.user)
        except PublicationRefused as refused:
            for message in refused.messages:
                messages.error(request, f"{reference}: {message}")
        else:
            messages.success(request, f"{reference} is now on the public portal.")
    elif decision == "withdraw":
        if publication_withdraw(incident=incident, actor=request.user):
            messages.success(request, f"{reference} is no longer on the public portal.")
    else:
        raise Http404("Publish or withdraw.")
    return redirect("publishing:queue")


@role_required(roles.is_administrator, "Only administrators change the portal's settings.")
def portal_settings(request):
    current = PortalSettings.current()
    form = PortalSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            portal_settings_update(actor=request.user, **values)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, "The portal's settings are saved.")
            return redirect("publishing:settings")
    return render(request, "publishing/settings.html", {"form": form})


# Accounts from the public: the form, the sender's private page, the caseworkers' queue.


def _portal_or_404() -> PortalSettings:
    portal = PortalSettings.current()
    if not portal.enabled:
        raise Http404("This page is not public.")
    return portal


def _private(response: HttpResponse) -> HttpResponse:
    # A form with a token, a receipt: never kept by a browser's or a proxy's cache.
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@csrf_exempt  # the files' size limit must be in place before the CSRF check reads the body
def submit(request, reference: str = ""):
    """The public form: an account of what happened, or a correction of a published case."""
    handler = with_size_limit(request, intake.file_limit()) if request.method == "POST" else None
    return _submit(request, reference, handler)


@csrf_protect
def _submit(request, reference: str, handler: SizeLimitUploadHandler | None):
    portal = _portal_or_404()
    incident = None
    if reference:
        if public_incident(reference) is None:
            raise Http404("No published incident has this reference.")
        incident = Incident.objects.get(reference=reference)
    form = SubmissionForm(request.POST or None, initial={"token": intake.form_token()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problem = intake.form_problems(
            token=data["token"],
            nonce=data.get("nonce") or "",
            honeypot=data.get("website") or "",
            address=client_address(request) or "",
            form="correction" if incident else "testimony",
        )
        if problem == "drop":
            return _private(_render_plain(request, portal, "publishing/thanks.html", {}))
        try:
            if problem:
                raise intake.IntakeRefused(problem)
            files = _checked_files(request, handler)
        except intake.IntakeRefused as refused:
            form.add_error(None, str(refused))
        else:
            submission, code = intake.submission_receive(
                account=data["account"],
                kind=SubmissionKind.CORRECTION if incident else SubmissionKind.TESTIMONY,
                incident=incident,
                name=data["name"],
                contact=data["contact"],
                consent_contact=data["consent_contact"],
                consent_use=data["consent_use"],
                consent_publish=data["consent_publish"],
                language=getattr(request, "LANGUAGE_CODE", ""),
                files=files,
            )
            context = {"code": code, "submission": submission}
            return _private(_render_plain(request, portal, "publishing/thanks.html", context))
        # A fresh token: the refused one may have expired.
        form.data = form.data.copy()
        form.data["token"] = intake.form_token()
    context = {
        "form": form,
        "incident_reference": reference,
        "limits": {
            "minutes": intake.RATE_WINDOW // 60,
            "per_hour": intake.RATE_LIMIT,
        },
        "files": _files_context(request, handler),
    }
    return _private(_render_plain(request, portal, "publishing/submit.html", context))


def _checked_files(request, handler: SizeLimitUploadHandler | None, *, already: int = 0):
    """The uploaded files, each through the vault's checks; FileRefused names the first
    one refused. Reading request.FILES here fills handler.oversized."""
    uploads = request.FILES.getlist("files")
    if handler is not None and handler.oversized:
        raise intake.FileRefused(intake.file_too_large(handler.oversized[0]))
    return intake.files_check(((u.name, u) for u in uploads), already=already)


def _files_context(request, handler: SizeLimitUploadHandler | None) -> dict:
    sent = handler is not None and bool(request.FILES.getlist("files") or handler.oversized)
    return {
        "count": intake.FILES_MAX,
        "size": human_size(intake.file_limit()),
        "bytes": intake.file_limit(),
        # A browser never fills a file field again: say so when the form comes back.
        "dropped": sent,
    }


@login_not_required
@csrf_exempt  # as `submit`: the size limit first, then the CSRF check
def receipt(request, code: str):
    """The sender's private page: the state of their account; add to it or withdraw it."""
    handler = with_size_limit(request, intake.file_limit()) if request.method == "POST" else None
    return _receipt(request, code, handler)


@csrf_protect
def _receipt(request, code: str, handler: SizeLimitUploadHandler | None):
    portal = _portal_or_404()
    submission = intake.submission_by_receipt(code)
    if submission is None:
        raise Http404("No account has this receipt code.")
    # Bound even when only files came: request.POST is then empty.
    form = SubmissionAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            if "withdraw" in request.POST:
                intake.submission_withdraw(submission=submission)
            elif form.is_valid():
                files = _checked_files(request, handler, already=submission.files.count())
                intake.submission_add(
                    submission=submission, text=form.cleaned_data["text"], files=files
                )
                form = SubmissionAddForm()
        except intake.IntakeRefused as refused:
            form.add_error(None, str(refused))
    context = {
        "submission": submission,
        "form": form,
        "code": code,
        "sent_files": submission.files.count(),
        "files": _files_context(request, handler if form.errors else None),
    }
    return _private(_render_plain(request, portal, "publishing/receipt.html", context))


def _render_plain(request, portal, template: str, context: dict) -> HttpResponse:
    return render(request, template, {"portal": portal, **context})


may_read_intake = role_required(
    intake.intake_may_read, "Only caseworkers, coordinators and administrators read the intake."
)


@may_read_intake
@require_GET
def intake_queue(request):
    waiting = (
        Submission.objects.filter(status=SubmissionStatus.RECEIVED)
        .select_related("incident")
        .annotate(file_count=Count("files"))
    )
    decided = Submission.objects.exclude(status=SubmissionStatus.RECEIVED).order_by(
        "-decided_at", "-id"
    )[:30]
    return render(request, "publishing/intake.html", {"waiting": waiting[:100], "decided": decided})


@may_read_intake
def intake_detail(request, pk: int):
    submission = get_object_or_404(Submission, pk=pk)
    form = IntakeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                target = None
                if data["reference"]:
                    target = Incident.objects.filter(reference=data["reference"].strip()).first()
                    if target is None:
                        raise intake.IntakeRefused(f"No incident {data['reference']}.")
                intake.submission_accept(submission=submission, actor=request.user, incident=target)
                messages.success(request, "The account is now a source of the incident.")
            else:
                intake.submission_discard(
                    submission=submission, actor=request.user, reason=data["reason"]
                )
                messages.success(request, "The account is set aside.")
            return redirect("publishing:intake")
        except intake.IntakeRefused as refused:
            form.add_error(None, str(refused))
    context = {
        "submission": submission,
        "form": form,
        "sees_contact": roles.sees_all_people(request.user),
        "files": [
            (waiting, MediaType(waiting.media_type).label, waiting.media_type in IMAGE_TYPES)
            for waiting in submission.files.select_related("evidence")
        ],
        "sees_files": intake.intake_may_see_files(request.user),
    }
    return render(request, "publishing/intake_detail.html", context)


@may_read_intake
@require_GET
def intake_file(request, pk: int, file: int):
    """A photo sent with an account, without its metadata, for the caseworker deciding."""
    waiting = get_object_or_404(SubmissionFile, pk=file, submission_id=pk)
    if waiting.media_type not in IMAGE_TYPES:
        raise Http404("Only pictures are shown here; it becomes evidence when accepted.")
    picture = intake.submission_file_preview(waiting=waiting, actor=request.user)
    content_type = "image/png" if picture.startswith(b"\x89PNG") else "image/jpeg"
    return _private(HttpResponse(picture, content_type=content_type))
