from django.contrib import admin

from casebook.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "sequence",
        "at",
        "actor_name",
        "action",
        "wording",
        "object_type",
        "object_id",
        "incident_reference",
        "ip_address",
    ]
    list_filter = ["action", "object_type", "at"]
    date_hierarchy = "at"
    search_fields = ["incident_reference", "object_id", "action", "actor_name"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    # Append-only: nobody edits or deletes history, not even administrators.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
