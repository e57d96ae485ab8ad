from django.contrib import admin

from casebook.redaction.models import PublicFigure, RedactedDerivative


@admin.register(PublicFigure)
class PublicFigureAdmin(admin.ModelAdmin):
    list_display = ("name", "note", "created_at")
    search_fields = ("name",)


@admin.register(RedactedDerivative)
class RedactedDerivativeAdmin(admin.ModelAdmin):
    """Read-only: derivatives change only through the review pages, which audit every step."""

    list_display = ("id", "kind", "original_label", "status", "proposed_at", "decided_at")
    list_filter = ("kind", "status")
    # The redacted text and regions are left out: the regions point at personal data.
    fields = (
        "kind",
        "incident",
        "source",
        "evidence",
        "field",
        "status",
        "original_sha256",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
