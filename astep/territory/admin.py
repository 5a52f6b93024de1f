from django.contrib import admin

from astep.territory.models import (
    Academie,
    Circonscription,
    Commune,
    Departement,
    Ecole,
    EcoleEffectif,
    RegionAcademique,
)


@admin.register(RegionAcademique)
class RegionAcademiqueAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Academie)
class AcademieAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region_academique", "zone_vacances"]
    search_fields = ["name", "code"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "academie"]
    list_filter = ["academie"]
    search_fields = ["name", "code"]


@admin.register(Circonscription)
class CirconscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "departement"]
    list_filter = ["departement"]
    search_fields = ["name", "code"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code_insee", "name", "departement", "postcodes"]
    search_fields = ["name", "code_insee", "postcodes"]


@admin.register(Ecole)
class EcoleAdmin(admin.ModelAdmin):
    list_display = ["uai", "name", "commune_name", "education_prioritaire", "circonscription"]
    list_filter = ["education_prioritaire", "departement", "is_public"]
    search_fields = ["uai", "name", "commune_name"]
    raw_id_fields = ["circonscription"]


@admin.register(EcoleEffectif)
class EcoleEffectifAdmin(admin.ModelAdmin):
    """Read only: the effectifs come from `import_effectifs`, which a change would contradict."""

    list_display = ["uai", "name", "commune_name", "rentree", "classes", "pupils"]
    list_filter = ["rentree", "departement", "education_prioritaire"]
    search_fields = ["uai", "name", "commune_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
