from django.contrib import admin

from casebook.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "incident_reference"]
    list_filter = ["action", "object_type"]
    search_fields = ["incident_reference", "object_id", "action"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    # Append-only: nobody edits or deletes history, not even administrators.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
