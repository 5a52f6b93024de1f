"""Volunteers (accompanists): their profile, eligibility, and the signed charter."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from astep.volunteers.eligibility import Field, Level, Verdict


class Status(models.TextChoices):
    STUDENT = "student", _("Étudiant·e")
    RESEARCHER = "researcher", _("Chercheur·e ou enseignant·e-chercheur·e")
    ENGINEER = "engineer", _("Ingénieur·e")
    TECHNICIAN = "technician", _("Technicien·ne")
    OTHER = "other", _("Autre")


class VolunteerProfileQuerySet(models.QuerySet):
    def proposable(self) -> "VolunteerProfileQuerySet":
        """Profiles that may be proposed: eligible, with the current charter signed."""
        current = CharterVersion.objects.current()
        if current is None:
            return self.none()
        return self.filter(
            verdict=Verdict.ELIGIBLE,
            user__charter_signatures__version=current,
            commune__isnull=False,
        )


class VolunteerProfile(models.Model):
    """What a volunteer declares: identity facts, level, where they live and when they are free.

    `verdict` and `refusal_reasons` are the last result of the eligibility rules, stored
    so that the matching can filter on them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    birth_date = models.DateField(_("date de naissance"))
    level = models.CharField(
        _("plus haut niveau validé en sciences ou technologie"),
        max_length=20,
        choices=Level.choices,
    )
    field = models.CharField(_("domaine"), max_length=30, choices=Field.choices)
    status = models.CharField(_("situation"), max_length=20, choices=Status.choices)
    organisation = models.CharField(
        _("organisme"),
        max_length=200,
        blank=True,
        help_text=_("Université, école, laboratoire, entreprise ou association."),
    )
    commune = models.ForeignKey(
        "territory.Commune", on_delete=models.PROTECT, verbose_name=_("commune"), null=True
    )
    max_distance_km = models.PositiveSmallIntegerField(
        _("distance maximale de déplacement (km)"), default=20
    )
    half_days = models.JSONField(_("demi-journées disponibles"), default=list)
    verdict = models.CharField(_("éligibilité"), max_length=20, choices=Verdict.choices)
    refusal_reasons = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VolunteerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profil d'accompagnateur")

    def __str__(self) -> str:
        return str(self.user)


class CharterVersionQuerySet(models.QuerySet):
    def current(self) -> "CharterVersion | None":
        """The version in force: the latest published one, or None before any is published."""
        return self.order_by("-published_on", "-pk").first()


class CharterVersion(models.Model):
    """A version of the *Charte de l'accompagnement en science et technologie à l'école primaire*."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    published_on = models.DateField(_("date de publication"))
    text = models.TextField(_("texte"))

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on"]
        verbose_name = _("version de la charte")
        verbose_name_plural = _("versions de la charte")

    def __str__(self) -> str:
        return f"Charte v{self.version}"


class CharterSignature(models.Model):
    """Who signed which version of the charter, when, from which IP, under which typed name."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="charter_signatures"
    )
    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="signatures")
    full_name = models.CharField(_("nom complet saisi"), max_length=300)
    signed_at = models.DateTimeField(_("signée le"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True)

    class Meta:
        verbose_name = _("signature de la charte")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="one_signature_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — v{self.version.version}"
