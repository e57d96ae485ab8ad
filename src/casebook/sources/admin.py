from django.contrib import admin
from django.db import models

from casebook.sources.models import Channel, Source


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
