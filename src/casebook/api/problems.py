"""Every API error in one documented shape: RFC 9457 problem details.

    {"type": "urn:casebook:problem:invalid-fields", "title": "Some fields are not valid",
     "status": 422, "detail": "…", "instance": "/api/v1/incidents",
     "errors": [{"field": "acts.0.number_affected", "detail": "… and how to fix it"}]}

`errors` names each field (dotted, as in the request body or the query) with a sentence that
says what is wrong and what to do. Served as `application/problem+json`.
"""

from __future__ import annotations

import json
import logging
import traceback

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from casebook.lib.busy import database_busy

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "urn:casebook:problem:"


class FieldProblem(Schema):
    field: str
    detail: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] = []


class ApiProblem(Exception):
    """Raised by an endpoint to answer with a problem (a conflict, a failed precondition)."""

    def __init__(self, status: int, code: str, title: str, detail: str, errors=()) -> None:
        super().__init__(detail)
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.errors = list(errors)


class MissingScope(Exception):
    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope


# The documented answers every operation may give besides its own.
COMMON = {401: Problem, 403: Problem, 422: Problem, 429: Problem}
READ_ONE = {**COMMON, 404: Problem}
WRITE = {**COMMON, 400: Problem, 404: Problem, 409: Problem, 412: Problem, 422: Problem}


def problem_response(
    request: HttpRequest, status: int, code: str, title: str, detail: str, errors=()
) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "errors": [dict(error) for error in errors],
    }
    response = HttpResponse(
        json.dumps(body), status=status, content_type="application/problem+json"
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="casebook"'
    return response


def form_problem(form) -> ApiProblem:
    """A query checked by one of the pages' forms (same names, same words): its errors."""
    return ApiProblem(
        422,
        "invalid-fields",
        "Some filters are not valid",
        "Fix the filters named.",
        [
            {"field": field if field != "__all__" else "query", "detail": message}
            for field, messages in form.errors.items()
            for message in messages
        ],
    )


def validation_errors(error: DjangoValidationError, *, prefix: str = "") -> list[dict]:
    """Django's field errors as (field, detail) rows; `__all__` becomes the prefix or "body"."""
    rows = []
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            field = prefix + name if name != "__all__" else (prefix.rstrip(".") or "body")
            rows += [{"field": field, "detail": message} for message in messages]
    else:
        rows += [{"field": prefix.rstrip(".") or "body", "detail": m} for m in error.messages]
    return rows


def _location(loc) -> str:
    # ("body", "payload", "acts", 0, "number_affected") -> "acts.0.number_affected"
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header"):
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in ("payload", "filters", "params", "data"):
            parts = parts[1:]
    return ".".join(parts) or "body"


def _fix(error: dict) -> str:
    kind, message = error.get("type", ""), error.get("msg", "")
    hints = {
        "missing": "This field is required; add it.",
        "extra_forbidden": "This field is not part of the request; remove it.",
        "json_invalid": "The body is not valid JSON; send a JSON object.",
    }
    return hints.get(kind) or f"{message}; correct this value."


def install(api) -> None:
    """Answer every error of `api` with a problem."""

    def invalid(request, exc: NinjaValidationError):
        errors = [{"field": _location(e.get("loc", ())), "detail": _fix(e)} for e in exc.errors]
        return problem_response(
            request,
            422,
            "invalid-fields",
            "Some fields are not valid",
            "The request has fields that are missing or not valid; see errors.",
            errors,
        )

    def django_invalid(request, exc: DjangoValidationError):
        return problem_response(
            request,
            422,
            "invalid-fields",
            "Some fields are not valid",
            "Nothing was saved; see errors.",
            validation_errors(exc),
        )

    def unauthenticated(request, exc: AuthenticationError):
        return problem_response(
            request,
            401,
            "no-token",
            "A valid access token is needed",
            "Send `Authorization: Bearer <token>` with an active personal access token "
            "(create one under Your account → API tokens, or `casebook token create`).",
        )

    def missing_scope(request, exc: MissingScope):
        return problem_response(
            request,
            403,
            "missing-scope",
            "The token lacks a scope",
            f"This operation needs a token with the {exc.scope} scope; create one with it.",
        )

    def denied(request, exc: PermissionDenied):
        return problem_response(
            request,
            403,
            "forbidden",
            "Your role may not do this",
            str(exc) or "Your role may not do this; ask a coordinator.",
        )

    def not_found(request, exc: Http404):
        return problem_response(
            request,
            404,
            "not-found",
            "Not found",
            str(exc)
            if str(exc) and "matches the given query" not in str(exc)
            else "Nothing with this reference or id; check it.",
        )

    def throttled(request, exc: Throttled):
        return problem_response(
            request,
            429,
            "throttled",
            "Too many requests",
            f"This token made too many requests; wait {exc.wait or 60:.0f} seconds.",
        )

    def http_error(request, exc: HttpError):
        if exc.status_code == 400:
            return problem_response(
                request,
                400,
                "unreadable-body",
                "The body cannot be read",
                "Send the body as the operation's document says: JSON with "
                "`Content-Type: application/json` (evidence: multipart/form-data).",
                [{"field": "body", "detail": str(exc)}],
            )
        return problem_response(request, exc.status_code, "http-error", str(exc), str(exc))

    def own(request, exc: ApiProblem):
        return problem_response(request, exc.status, exc.code, exc.title, exc.detail, exc.errors)

    def anything(request, exc: Exception):
        if database_busy(exc):
            response = problem_response(
                request,
                503,
                "busy",
                "The database is busy",
                "Nothing was saved; send the same request again in a few seconds.",
            )
            response["Retry-After"] = "5"
            return response
        # The message of an unexpected error can quote what it choked on (a name, a note):
        # the log gets its type and where it was raised, never its words.
        frames = traceback.extract_tb(exc.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
        logger.error("API error %s at %s on %s", type(exc).__name__, where, request.path)
        return problem_response(
            request,
            500,
            "internal-error",
            "Something went wrong",
            "Casebook could not answer this request. The administrators find the error in "
            "the server's log, by its time and address.",
        )

    for kind, handler in (
        (NinjaValidationError, invalid),
        (DjangoValidationError, django_invalid),
        (AuthenticationError, unauthenticated),
        (MissingScope, missing_scope),
        (PermissionDenied, denied),
        (Http404, not_found),
        (Throttled, throttled),
        (HttpError, http_error),
        (ApiProblem, own),
        (Exception, anything),
    ):
        api.add_exception_handler(kind, handler)
