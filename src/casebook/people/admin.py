"""People in the admin: administrators only (the whole admin is), and names never in lists.

The changelist shows references, not names, so a screen share or a screenshot of the list
exposes nobody; the change page shows the details to the administrator who opens it.
"""

from django.contrib import admin

from casebook.people.models import Involvement, Person


class InvolvementInline(admin.TabularInline):
    model = Involvement
    extra = 0
    raw_id_fields = ["act"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["reference", "consent_record", "consent_share", "consent_publish",
                    "created_at"]
    list_filter = ["consent_record", "consent_share", "consent_publish"]
    # Search by reference only: a name search box invites fishing through the record.
    search_fields = ["=reference"]
    readonly_fields = ["reference", "created_at"]
    inlines = [InvolvementInline]
