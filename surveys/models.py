"""Survey campaigns, the annual departmental survey, and the reports (bilans) built from them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role

SESSIONS_DEFAULT = (5, 7)  # circular 2010-083: "généralement sur 5 à 7 séances"


class Campaign(models.Model):
    """The survey campaign of one school year ("2025-2026"), opened by national staff."""

    school_year = models.CharField(_("année scolaire"), max_length=9, unique=True)
    opens_on = models.DateField(_("ouverture"))
    closes_on = models.DateField(_("clôture"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sessions_min = models.PositiveSmallIntegerField(
        _("séances par module, au moins"), default=SESSIONS_DEFAULT[0]
    )
    sessions_max = models.PositiveSmallIntegerField(
        _("séances par module, au plus"), default=SESSIONS_DEFAULT[1]
    )

    class Meta:
        ordering = ["-school_year"]
        verbose_name = _("campagne d'enquête")
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_min__gte=1, sessions_max__gte=F("sessions_min")),
                name="campaign_session_bounds_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"Campagne {self.school_year}"

    @classmethod
    def session_bounds(cls, school_year: str) -> tuple[int, int]:
        """(least, most) sessions a module may have in `school_year` ("2026-2027"): the
        campaign's bounds, else 5 to 7 (circular 2010-083: "généralement sur 5 à 7 séances")."""
        bounds = cls.objects.filter(school_year=school_year).values_list(
            "sessions_min", "sessions_max"
        )
        return bounds.first() or SESSIONS_DEFAULT


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Transmise")


class DepartementalSurveyQuerySet(models.QuerySet):
    def for_user(self, user) -> "DepartementalSurveyQuerySet":
        """Surveys `user` may read: their département's, their académie's, or all (national)."""
        if user.role == Role.DEPARTMENTAL_CORRESPONDENT:
            return self.filter(departement_id=user.departement_id)
        if user.role == Role.ACADEMIC_CORRESPONDENT:
            return self.filter(departement__academie_id=user.academie_id)
        if user.role == Role.NATIONAL:
            return self.all()
        return self.none()


class DepartementalSurvey(models.Model):
    """The annual survey of one département for one campaign.

    `figures` holds the figures prefilled from the portal when the survey is opened and
    refreshed until it is submitted: {"classes": 12, "classes_cycle_3": 7, …}.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="surveys")
    departement = models.ForeignKey(
        "territory.Departement", on_delete=models.PROTECT, related_name="surveys"
    )
    status = models.CharField(
        _("état"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    figures = models.JSONField(_("chiffres"), default=dict)
    comments = models.TextField(
        _("commentaires"),
        blank=True,
        help_text=_("Actions de formation, partenariats, difficultés, perspectives."),
    )
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DepartementalSurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("enquête départementale")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "departement"], name="one_survey_per_departement_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"Enquête {self.campaign.school_year} — {self.departement}"


class Scope(models.TextChoices):
    DEPARTEMENT = "departement", _("Bilan départemental")
    ACADEMIE = "academie", _("Bilan académique")
    NATIONAL = "national", _("Bilan national")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


class ReportQuerySet(models.QuerySet):
    def for_user(self, user) -> "ReportQuerySet":
        """Reports `user` may download: national staff all, correspondents their own scope only."""
        if user.role == Role.NATIONAL:
            return self.all()
        if user.role == Role.ACADEMIC_CORRESPONDENT:
            return self.filter(scope=Scope.ACADEMIE, academie_id=user.academie_id)
        if user.role == Role.DEPARTMENTAL_CORRESPONDENT:
            return self.filter(scope=Scope.DEPARTEMENT, departement_id=user.departement_id)
        return self.none()


class Report(models.Model):
    """A bilan for a school year and a scope, built as CSV by a Celery task."""

    school_year = models.CharField(_("année scolaire"), max_length=9)
    scope = models.CharField(_("périmètre"), max_length=20, choices=Scope.choices)
    departement = models.ForeignKey(
        "territory.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    academie = models.ForeignKey(
        "territory.Academie", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("état"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    content = models.TextField(_("contenu CSV"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    built_at = models.DateTimeField(_("construit le"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("bilan")

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.school_year} — {self.territory_name}"

    @property
    def territory_name(self) -> str:
        if self.scope == Scope.DEPARTEMENT:
            return str(self.departement)
        if self.scope == Scope.ACADEMIE:
            return f"Académie de {self.academie}" if self.academie else ""
        return "France"

    @property
    def filename(self) -> str:
        """Download name, e.g. "bilan-astep-2025-2026-departement-035.csv"."""
        code = {
            Scope.DEPARTEMENT: getattr(self.departement, "code", ""),
            Scope.ACADEMIE: getattr(self.academie, "code", ""),
            Scope.NATIONAL: "france",
        }[self.scope]
        return f"bilan-astep-{self.school_year}-{self.scope}-{code}.csv"
