from django.contrib import admin

from astep.partners.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "uai", "commune"]
    list_filter = ["kind"]
    search_fields = ["name", "siret", "uai"]
    autocomplete_fields = ["commune"]
