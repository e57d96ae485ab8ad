"""Administrators manage webhook endpoints and read the delivery log (and see, never read,
people's tokens) in the admin; the admin's own gate keeps everyone else out."""

from django.contrib import admin

from casebook.api.models import AccessToken, WebhookDelivery, WebhookEndpoint
from casebook.api.services import token_revoke
from casebook.api.signing import secret_new


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "events", "active", "created_at")
    readonly_fields = ("secret", "created_at")

    def save_model(self, request, obj, form, change):
        if not obj.secret:
            obj.secret = secret_new()
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "scopes", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = [f.name for f in AccessToken._meta.fields if f.name != "token_hash"]
    exclude = ("token_hash",)
    actions = ["revoke"]

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        revoked = sum(token_revoke(token=token, actor=request.user) for token in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.")

    def has_add_permission(self, request):
        return False  # tokens are made by their owner (or `casebook token create`), shown once
