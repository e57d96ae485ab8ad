"""Admin for the record: administrators correct data here; casework happens in the web UI."""

from django.contrib import admin

from casebook.cases.models import Act, Incident, Outcome, Protest, Tag
from casebook.cases.services import incident_reindex, reference_block


class ActInline(admin.StackedInline):
    model = Act
    extra = 0
    autocomplete_fields = ["legal_provision", "perpetrator"]
    fields = [
        ("act_type", "number_affected", "number_precision"),
        ("legal_provision", "offence_wording"),
        ("trigger_type", "trigger_wording"),
        ("perpetrator", "perpetrator_unit"),
        "position",
    ]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["reference", "date", "title", "force", "status"]
    list_filter = ["status", "date_precision", "country"]
    list_select_related = ["force"]
    search_fields = ["reference", "title", "external_id"]
    date_hierarchy = "date"
    readonly_fields = ["reference", "created_by", "created_at", "updated_at"]
    autocomplete_fields = ["force", "protest", "tags"]
    filter_horizontal = ["assigned_to"]
    inlines = [ActInline]  # sources/admin.py adds the incident's sources
    show_full_result_count = False  # an exact count of 100,000 rows on every page is wasted

    def save_model(self, request, obj, form, change):
        if not obj.reference:
            obj.reference = reference_block(year=obj.date.year)[0]
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Keep full-text search in step with edits made here.
        incident_reindex([form.instance.pk])


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    readonly_fields = ["recorded_at"]


@admin.register(Act)
class ActAdmin(admin.ModelAdmin):
    list_display = ["__str__", "incident", "legal_provision", "trigger_type"]
    list_select_related = ["incident", "act_type", "legal_provision", "trigger_type"]
    list_filter = ["act_type", "trigger_type"]
    search_fields = ["incident__reference", "offence_wording", "trigger_wording"]
    raw_id_fields = ["incident"]
    autocomplete_fields = ["legal_provision", "perpetrator"]
    inlines = [OutcomeInline]
    show_full_result_count = False


@admin.register(Protest)
class ProtestAdmin(admin.ModelAdmin):
    list_display = ["name", "date", "place", "organiser", "estimated_size"]
    search_fields = ["name", "place", "organiser", "cause"]
    date_hierarchy = "date"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
