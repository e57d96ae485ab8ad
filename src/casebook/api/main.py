"""The API's one instance, `/api/v1/`: its routers, its token check, its errors, its docs.

The OpenAPI document is at /api/v1/openapi.json and the interactive docs at /api/v1/docs,
served from django-ninja's own static files (no CDN), under the site's strict CSP.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from casebook.api import problems
from casebook.api.auth import READ, TokenThrottle
from casebook.api.endpoints import (
    account,
    audit,
    codebook,
    evidence,
    incidents,
    monitor,
    people,
    protests,
    statistics,
)

DESCRIPTION = """\
Casebook's API: the same records, rules and roles as the pages.

**Tokens.** Every operation needs a personal access token (`Authorization: Bearer cbk_…`),
created under *Your account → API tokens* or with `casebook token create`. A token acts as its
user: it can never do more than the user's role allows, and its scopes narrow that further
(`read`; `write`, which includes read; `personal-data`, for roles that may see people).

**Errors** are RFC 9457 problem details (`application/problem+json`): `type`, `title`,
`status`, `detail`, `instance`, and `errors`, a list of `{field, detail}` naming each field
and how to fix it.

**Caching.** Single records carry an `ETag`; send it back in `If-None-Match` (304 when
unchanged) or, when updating, in `If-Match` (412 when someone changed it meanwhile).

**Lists** are paged with an opaque `cursor`: pass `next` from one page to get the following.
"""


class CasebookAPI(NinjaAPI):
    def get_operation_id(self, operation) -> str:
        # The function's name ("incident_list"), not its module path: what clients see.
        return operation.view_func.__name__

    def get_openapi_schema(self, *args, **kwargs):
        """The document, with every error answer served as `application/problem+json`."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema["paths"].values():
            for operation in methods.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {
                            "application/problem+json": content["application/json"]
                        }
        return schema


api = CasebookAPI(
    title="Casebook API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=READ,
    throttle=[TokenThrottle()],
    docs=Swagger(settings={"persistAuthorization": False}),
)
problems.install(api)

# Evidence before incidents: /incidents/{reference}/evidence must not fall to another pattern.
for module in (
    account,
    codebook,
    evidence,
    incidents,
    protests,
    people,
    monitor,
    statistics,
    audit,
):
    api.add_router("/", module.router)
