"""Volunteers (accompanists): their profile, the review of their level, the signed charter."""

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role
from astep.accounts.scopes import territory_filter
from astep.classes.models import Level as ClassLevel
from astep.classes.models import Theme
from astep.half_days import half_days_labels
from astep.volunteers.eligibility import Field, Level, Status, Verdict, adult_from


def proofs_storage():
    """The private storage of proofs of level: outside the public media tree, no URL."""
    return storages["proofs"]


def proof_name(instance, filename: str) -> str:
    """A random file name keeping only the (already checked) extension."""
    return f"{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Step(models.TextChoices):
    """The onboarding steps after the account, in order; the URL slug is the value."""

    PROFILE = "profil", _("Profil")
    LEVEL = "niveau", _("Niveau et justificatif")
    AVAILABILITY = "disponibilites", _("Disponibilités")
    CHARTER = "charte", _("Charte")


class ReviewStatus(models.TextChoices):
    """Where the correspondent's review of the level stands ("" = level not yet sent)."""

    AWAITING_ATTESTATION = "awaiting_attestation", _("Attestation de l'organisme attendue")
    PENDING = "pending", _("À valider")
    CORRECTION = "correction", _("Correction demandée")
    VALIDATED = "validated", _("Validé")
    REFUSED = "refused", _("Refusé")


class ProofKind(models.TextChoices):
    DIPLOMA = "diploma", _("un diplôme ou un certificat de scolarité")
    ATTESTATION = "attestation", _("une attestation de l'organisme")


class Month(models.IntegerChoices):
    """Months of the school year, September to June."""

    SEPTEMBER = 9, _("septembre")
    OCTOBER = 10, _("octobre")
    NOVEMBER = 11, _("novembre")
    DECEMBER = 12, _("décembre")
    JANUARY = 1, _("janvier")
    FEBRUARY = 2, _("février")
    MARCH = 3, _("mars")
    APRIL = 4, _("avril")
    MAY = 5, _("mai")
    JUNE = 6, _("juin")


class VolunteerProfileQuerySet(models.QuerySet):
    def proposable(self) -> "VolunteerProfileQuerySet":
        """Profiles that may be proposed: every onboarding step done and the level validated.

        Level validated by the correspondent (and not refused by the rules), availability
        given, the charter version in force (or a later one) signed, the account active.
        """
        signed = CharterSignature.objects.in_force().filter(user=OuterRef("user"))
        return (
            self.filter(
                Exists(signed),
                review_status=ReviewStatus.VALIDATED,
                user__is_active=True,
                commune__isnull=False,
            )
            .exclude(verdict=Verdict.REFUSED)
            .exclude(half_days=[])
            .exclude(free_months=[])
        )

    def for_user(self, user) -> "VolunteerProfileQuerySet":
        """Profiles `user` may see: their own, their organisation's, or their territory's.

        The territory of a volunteer is the département of the commune they live in.
        """
        if user.role == Role.VOLUNTEER:
            return self.filter(user=user)
        if user.role == Role.SCIENTIFIC_CORRESPONDENT:
            if user.organisation_id is None:
                return self.none()
            return self.filter(organisation_id=user.organisation_id)
        territory = territory_filter(user, "commune")
        if territory is None or user.role == Role.CIRCONSCRIPTION_INSPECTOR:
            return self.none()
        return self.filter(**territory)


class VolunteerProfile(models.Model):
    """What a volunteer declares, step by step, and where the review of their level stands.

    Every declared field may be empty until its step is done: a profile is proposed only
    once `proposable()` holds. `verdict` and `refusal_reasons` are the last result of the
    rules of circular 2010-083 (`eligibility.py`); `review_status` is the correspondent's
    decision on the level and its proof.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    # Step "profil"
    birth_date = models.DateField(_("date de naissance"), null=True)
    status = models.CharField(_("situation"), max_length=20, choices=Status.choices, blank=True)
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteers",
        verbose_name=_("organisme"),
    )
    commune = models.ForeignKey(
        "territory.Commune", on_delete=models.PROTECT, verbose_name=_("commune"), null=True
    )
    # Step "niveau"
    level = models.CharField(
        _("plus haut niveau validé en sciences ou technologie"),
        max_length=20,
        choices=Level.choices,
        blank=True,
    )
    field = models.CharField(_("domaine"), max_length=30, choices=Field.choices, blank=True)
    diploma = models.CharField(
        _("intitulé du diplôme ou de la formation"), max_length=200, blank=True
    )
    experience = models.TextField(_("expérience équivalente"), blank=True)
    verdict = models.CharField(_("éligibilité"), max_length=20, choices=Verdict.choices, blank=True)
    refusal_reasons = models.JSONField(default=list, blank=True)
    proof_kind = models.CharField(
        _("justificatif"), max_length=20, choices=ProofKind.choices, blank=True
    )
    proof_file = models.FileField(
        _("justificatif"), storage=proofs_storage, upload_to=proof_name, blank=True
    )
    proof_content_type = models.CharField(max_length=40, blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attested_at = models.DateTimeField(_("attesté le"), null=True, blank=True)
    review_status = models.CharField(
        _("validation du niveau"), max_length=20, choices=ReviewStatus.choices, blank=True
    )
    review_message = models.TextField(_("message du correspondant"), blank=True)
    submitted_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    # Step "disponibilites"
    half_days = models.JSONField(_("demi-journées disponibles"), default=list)
    free_months = models.JSONField(_("mois disponibles"), default=list)
    max_distance_km = models.PositiveSmallIntegerField(
        _("distance maximale de déplacement (km)"), default=20
    )
    max_modules = models.PositiveSmallIntegerField(
        _("nombre de modules possibles cette année"), default=1
    )
    preferred_levels = models.JSONField(_("niveaux de classe préférés"), default=list, blank=True)
    preferred_themes = models.JSONField(_("thèmes préférés"), default=list, blank=True)
    wants_pair = models.BooleanField(_("souhaite intervenir en binôme"), default=False)
    pair_with = models.CharField(_("avec qui"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VolunteerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profil d'accompagnateur")
        indexes = [
            # The matching reads the validated volunteers of a few communes; the review queues
            # read the others by status. One index on the status for both let PostgreSQL scan
            # every validated profile of the country for a page of the board.
            models.Index(
                fields=["commune"],
                condition=Q(review_status=ReviewStatus.VALIDATED),
                name="volunteer_validated_commune",
            ),
            models.Index(
                fields=["review_status"],
                condition=~Q(review_status=ReviewStatus.VALIDATED),
                name="volunteer_under_review",
            ),
            # The matching widens its box around the écoles by the longest limit (MAX): read
            # from the index's end instead of every profile (3.4 ms on national data).
            models.Index(fields=["max_distance_km"], name="volunteer_max_distance"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def half_days_label(self) -> str:
        return half_days_labels(self.half_days)

    @property
    def free_months_label(self) -> str:
        """Free months in school-year order: "septembre, octobre, janvier"."""
        order = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6]
        months = sorted((m for m in self.free_months if m in order), key=order.index)
        if months == order:
            return str(_("toute l'année scolaire"))
        return ", ".join(str(Month(m).label) for m in months)

    @property
    def preferences_label(self) -> str:
        """Preferred class levels then themes: "CM1, CM2 · Le vivant"."""
        levels = ", ".join(str(ClassLevel(v).label) for v in self.preferred_levels)
        themes = ", ".join(str(Theme(v).label) for v in self.preferred_themes)
        return " · ".join(part for part in (levels, themes) if part)

    def next_step(self, *, charter_signed: bool) -> Step | None:
        """The first onboarding step still to do, or None when all are done."""
        if self.birth_date is None or not self.status or self.commune_id is None:
            return Step.PROFILE
        if self.review_status in ("", ReviewStatus.CORRECTION, ReviewStatus.REFUSED):
            return Step.LEVEL
        if not self.half_days or not self.free_months:
            return Step.AVAILABILITY
        if not charter_signed:
            return Step.CHARTER
        return None

    def is_adult_on(self, day: date) -> bool | None:
        """Whether the volunteer is 18 or over on `day` (None without a birth date).

        What others see instead of the birth date (circular 2010-083: an adult).
        """
        if self.birth_date is None:
            return None
        return adult_from(self.birth_date) <= day

    @property
    def is_adult(self) -> bool | None:
        return self.is_adult_on(timezone.localdate())


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Niveau envoyé pour validation")
    ATTESTED = "attested", _("Niveau attesté par l'organisme")
    VALIDATED = "validated", _("Niveau validé")
    REFUSED = "refused", _("Niveau refusé")
    CORRECTION = "correction", _("Correction demandée")
    CHARTER_SIGNED = "charter_signed", _("Charte signée")


class VolunteerEvent(models.Model):
    """One line of a volunteer's history: what happened, when, by whom, with which message."""

    profile = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("événement"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("message"), blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("événement de l'accompagnateur")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class CharterVersionQuerySet(models.QuerySet):
    def current(self, today: date | None = None) -> "CharterVersion | None":
        """The version in force on `today` (default: today), or None before any."""
        today = today or timezone.localdate()
        return self.filter(effective_on__lte=today).order_by("-effective_on", "-pk").first()

    def latest_published(self) -> "CharterVersion | None":
        """The newest version, in force or announced: the one a volunteer is asked to sign."""
        return self.order_by("-effective_on", "-pk").first()


class CharterVersion(models.Model):
    """A version of the *Charte de l'accompagnement en science et technologie à l'école primaire*.

    From `effective_on`, a volunteer must have signed this version to be proposed.
    """

    version = models.CharField(_("version"), max_length=20, unique=True)
    effective_on = models.DateField(_("en vigueur à partir du"))
    text = models.TextField(_("texte"))
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on"]
        verbose_name = _("version de la charte")
        verbose_name_plural = _("versions de la charte")

    def __str__(self) -> str:
        return f"Charte v{self.version}"


class CharterSignatureQuerySet(models.QuerySet):
    def in_force(self, today: date | None = None) -> "CharterSignatureQuerySet":
        """Signatures of the version in force on `today`, or of a later, announced one."""
        current = CharterVersion.objects.current(today)
        if current is None:
            return self.none()
        return self.filter(version__effective_on__gte=current.effective_on)


class CharterSignature(models.Model):
    """Who signed which version of the charter, when, from which IP, under which typed name."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="charter_signatures"
    )
    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="signatures")
    full_name = models.CharField(_("nom complet saisi"), max_length=300)
    signed_at = models.DateTimeField(_("signée le"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True)

    objects = CharterSignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature de la charte")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="one_signature_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — v{self.version.version}"
