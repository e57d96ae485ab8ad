from django.contrib import admin

from casebook.publishing.models import Post, Publication
from casebook.publishing.services import post_remove, post_write


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Statements and news posts; every save and removal is audited."""

    list_display = ("title", "kind", "published_on")
    list_filter = ("kind",)
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("incidents",)

    def save_model(self, request, obj, form, change):
        post_write(post=obj, actor=request.user)

    def delete_model(self, request, obj):
        post_remove(post=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for post in queryset:
            post_remove(post=post, actor=request.user)


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Read only: incidents are published and withdrawn on the Publishing page (audited)."""

    list_display = ("incident", "published_at", "published_by", "summary_current")
    raw_id_fields = ("incident",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
