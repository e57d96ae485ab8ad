from django.contrib import admin

from casebook.codebook import models


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "nation"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug"]


@admin.register(models.Statute)
class StatuteAdmin(admin.ModelAdmin):
    list_display = ["name", "year"]
    search_fields = ["name"]


@admin.register(models.LegalProvision)
class LegalProvisionAdmin(admin.ModelAdmin):
    list_display = ["citation", "short_citation", "title"]
    list_filter = ["statute"]
    search_fields = ["citation", "title"]


@admin.register(models.ActType, models.TriggerType, models.OutcomeType)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "position"]
    search_fields = ["label", "slug"]


admin.site.register(models.Jurisdiction)
