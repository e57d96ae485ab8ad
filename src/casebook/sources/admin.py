from django.contrib import admin
from django.db import models

from casebook.cases.models import Incident
from casebook.sources.models import Channel, EvidenceFile, IncidentSource, Source


class IncidentSourceInline(admin.TabularInline):
    model = IncidentSource
    extra = 0
    raw_id_fields = ["source"]


# The incident's admin page (cases/admin.py, loaded first: cases comes before sources in
# INSTALLED_APPS) lists its sources too; cases does not import sources to do it.
_incident_admin = admin.site.get_model_admin(Incident)
_incident_admin.inlines = [*_incident_admin.inlines, IncidentSourceInline]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "channel", "publisher", "published_at", "grade"]
    list_filter = ["kind", "channel", "reliability", "credibility"]
    list_select_related = ["channel"]
    search_fields = ["title", "publisher", "url"]
    readonly_fields = ["text_sha256", "created_at"]
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    """Read-only: files are added through the vault so their type and hash are checked."""

    list_display = ["sha256", "media_type", "size", "incident", "added_by", "added_at"]
    list_filter = ["media_type"]
    search_fields = ["sha256", "incident__reference"]
    readonly_fields = [f.name for f in EvidenceFile._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
