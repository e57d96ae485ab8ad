from django.contrib import admin
from django.urls import include, path

from casebook.api.main import api
from casebook.web.health import healthz, metrics

# A busy database met after the view (saving the session…) gets the busy page too.
handler500 = "casebook.web.busy.server_error"


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("accounts/tokens/", include("casebook.api.urls")),
    path("accounts/", include("casebook.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("redaction/", include("casebook.redaction.urls")),
    path("monitor/", include("casebook.monitor.urls")),
    path("transfer/", include("casebook.transfer.urls")),
    path("bundles/", include("casebook.bundles.urls")),
    path("releases/", include("casebook.releases.urls")),
    path("linkage/", include("casebook.linkage.urls")),
    path("analysis/", include("casebook.analysis.urls")),
    path("", include("casebook.casework.urls")),
    path("", include("casebook.cases.urls")),
    path("", include("casebook.people.urls")),
    path("", include("casebook.sources.urls")),
    # The public portal, with the site's home page (`/`): readers need no account.
    path("", include("casebook.publishing.urls")),
]
