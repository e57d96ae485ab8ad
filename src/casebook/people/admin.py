"""People in the admin: administrators only (the whole admin is), and names never in lists.

The changelist shows references, not names, so a screen share or a screenshot of the list
exposes nobody. The change page shows consent and involvements only: personal details are
read and edited on the person page and the incident editor, which record every view in the
audit trail.
"""

from django.contrib import admin

from casebook.people.models import Involvement, Person


class InvolvementInline(admin.TabularInline):
    model = Involvement
    extra = 0
    raw_id_fields = ["act"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["reference", "consent_record", "consent_share", "consent_publish", "created_at"]
    list_filter = ["consent_record", "consent_share", "consent_publish"]
    # Search by reference only: a name search box invites fishing through the record.
    search_fields = ["=reference"]
    fields = [
        "reference",
        "consent_record",
        "consent_share",
        "consent_publish",
        "consent_given_at",
        "created_at",
        "erased_at",
        "erasure_reason",
    ]
    readonly_fields = ["reference", "created_at", "erased_at", "erasure_reason"]
    inlines = [InvolvementInline]
