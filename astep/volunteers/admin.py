from django.contrib import admin

from astep.volunteers.models import CharterSignature, CharterVersion, VolunteerProfile


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(admin.ModelAdmin):
    """Profiles for support; the birth date stays with the volunteer (others see "adult")."""

    list_display = ["user", "level", "field", "verdict", "review_status", "organisation"]
    list_filter = ["review_status", "verdict", "level", "status"]
    search_fields = ["user__email", "user__last_name"]
    exclude = ["birth_date", "proof_file"]
    readonly_fields = ["verdict", "refusal_reasons", "attested_by", "reviewed_by"]


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "effective_on", "published_at"]


@admin.register(CharterSignature)
class CharterSignatureAdmin(admin.ModelAdmin):
    list_display = ["full_name", "version", "signed_at", "ip_address"]
    list_filter = ["version"]
    search_fields = ["full_name", "user__email"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a signature is evidence: kept as signed
