"""Survey campaigns, the annual departmental survey, and the reports (bilans) built from them."""

from datetime import date

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role
from surveys.questionnaire import QUESTIONNAIRE_VERSION

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
    questionnaire_version = models.CharField(
        _("version du questionnaire"), max_length=20, default=QUESTIONNAIRE_VERSION
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
        return gettext("Campagne %(year)s") % {"year": self.school_year}

    def is_open(self, today: date) -> bool:
        """Whether correspondents may file their survey on `today` (bounds included)."""
        return self.opens_on <= today <= self.closes_on

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
    RETURNED = "returned", _("Renvoyée")
    VALIDATED = "validated", _("Validée")


# The departmental correspondent may edit the survey in these states.
EDITABLE_STATUSES = (SurveyStatus.DRAFT, SurveyStatus.RETURNED)


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

    `figures` holds the figures counted by the portal ({"classes": 12, …}, see
    `surveys.figures.FIGURES`), refreshed while the correspondent may edit the survey and
    frozen from submission on. A figure the correspondent corrects keeps both values in a
    `SurveyCorrection`. The other fields are what the portal cannot know.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="surveys")
    departement = models.ForeignKey(
        "territory.Departement", on_delete=models.PROTECT, related_name="surveys"
    )
    status = models.CharField(
        _("état"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    figures = models.JSONField(_("chiffres du portail"), default=dict)
    training_actions = models.PositiveIntegerField(
        _("actions de formation des enseignants"), null=True, blank=True
    )
    training_participants = models.PositiveIntegerField(
        _("enseignants ayant suivi ces formations"), null=True, blank=True
    )
    conventions_signed = models.PositiveIntegerField(
        _("conventions signées avec des partenaires"), null=True, blank=True
    )
    resources = models.TextField(
        _("ressources"),
        blank=True,
        help_text=_("Ressources utilisées ou produites : mallettes, sites, documents."),
    )
    difficulties = models.TextField(_("difficultés rencontrées"), blank=True)
    perspectives = models.TextField(_("perspectives"), blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)

    objects = DepartementalSurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("enquête départementale")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "departement"], name="one_survey_per_departement_and_year"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Enquête %(year)s — %(departement)s") % {
            "year": self.campaign.school_year,
            "departement": self.departement,
        }

    @property
    def is_editable(self) -> bool:
        """Whether the departmental correspondent may still change it (draft or returned)."""
        return self.status in EDITABLE_STATUSES

    def answers(self) -> dict:
        """The figures as filed: the portal's, replaced by the corrections where there are."""
        corrected = {c.key: c.value for c in self.corrections.all()}
        return {**self.figures, **corrected}


class SurveyCorrection(models.Model):
    """A figure the correspondent corrected: the portal's value and theirs, with why."""

    survey = models.ForeignKey(
        DepartementalSurvey, on_delete=models.CASCADE, related_name="corrections"
    )
    key = models.CharField(_("indicateur"), max_length=60)
    portal_value = models.DecimalField(_("valeur du portail"), max_digits=12, decimal_places=1)
    value = models.DecimalField(_("valeur corrigée"), max_digits=12, decimal_places=1)
    comment = models.TextField(_("justification"), blank=True)  # required to submit
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name = _("correction d'un chiffre")
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="one_correction_per_figure"),
            models.CheckConstraint(condition=Q(value__gte=0), name="correction_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.key} : {self.portal_value} → {self.value}"


class SurveyAction(models.TextChoices):
    SUBMITTED = "submitted", _("Transmise")
    RETURNED = "returned", _("Renvoyée pour correction")
    VALIDATED = "validated", _("Validée")
    REOPENED = "reopened", _("Rouverte")


class SurveyEvent(models.Model):
    """One step of a survey's review, with who did it and their comment: the history."""

    survey = models.ForeignKey(DepartementalSurvey, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=SurveyAction.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("étape de l'enquête")

    def __str__(self) -> str:
        return gettext("%(action)s le %(date)s") % {
            "action": self.get_action_display(),
            "date": f"{self.at:%d/%m/%Y}",
        }


class CampaignReminder(models.Model):
    """A reminder sent to a département `days_before` the campaign closes: each goes once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    departement = models.ForeignKey(
        "territory.Departement", on_delete=models.CASCADE, related_name="+"
    )
    days_before = models.PositiveSmallIntegerField(_("jours avant la clôture"))
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "departement", "days_before"], name="one_reminder_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"Relance J-{self.days_before} — {self.departement_id}"


class Scope(models.TextChoices):
    DEPARTEMENT = "departement", _("Bilan départemental")
    ACADEMIE = "academie", _("Bilan académique")
    NATIONAL = "national", _("Bilan national")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


class ReportFormat(models.TextChoices):
    CSV = "csv", _("CSV (tableur)")
    XLSX = "xlsx", _("XLSX (Excel)")
    PDF = "pdf", _("PDF (avec graphiques)")


def reports_storage():
    """The private storage of the bilans: outside the public media tree, no URL."""
    return storages["reports"]


def report_file_name(report: "Report", filename: str) -> str:
    """One name per row, so that a rebuild overwrites the file instead of adding one."""
    return f"{report.school_year}/bilan-{report.pk}.{report.format}"


class ReportQuerySet(models.QuerySet):
    def for_user(self, user) -> "ReportQuerySet":
        """Reports `user` may see and download.

        National staff all; an academic correspondent their académie's and those of its
        départements; a departmental correspondent their département's; nobody else any.
        """
        if user.role == Role.NATIONAL:
            return self.all()
        if user.role == Role.ACADEMIC_CORRESPONDENT:
            return self.filter(
                Q(scope=Scope.ACADEMIE, academie_id=user.academie_id)
                | Q(scope=Scope.DEPARTEMENT, departement__academie_id=user.academie_id)
            )
        if user.role == Role.DEPARTMENTAL_CORRESPONDENT:
            return self.filter(scope=Scope.DEPARTEMENT, departement_id=user.departement_id)
        return self.none()


class Report(models.Model):
    """A bilan of a scope for a school year, in one format, built as a file by Celery.

    Requested by someone (`requested_by`) or built every night (`nightly`, one row per
    scope, territory, year and format, rebuilt in place). `queued_at` is empty while the
    task is not handed to the broker (broker down): the sweeper queues it later.
    """

    school_year = models.CharField(_("année scolaire"), max_length=9)
    scope = models.CharField(_("périmètre"), max_length=20, choices=Scope.choices)
    departement = models.ForeignKey(
        "territory.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    academie = models.ForeignKey(
        "territory.Academie", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    format = models.CharField(
        _("format"), max_length=4, choices=ReportFormat.choices, default=ReportFormat.CSV
    )
    nightly = models.BooleanField(_("construit chaque nuit"), default=False)
    status = models.CharField(
        _("état"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    file = models.FileField(
        _("fichier"), storage=reports_storage, upload_to=report_file_name, blank=True
    )
    checksum = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    queued_at = models.DateTimeField(_("confié au courtier le"), null=True, blank=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    built_at = models.DateTimeField(_("généré le"), null=True, blank=True)
    notified_at = models.DateTimeField(_("demandeur prévenu le"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("bilan")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "departement", "academie", "school_year", "format"],
                condition=Q(nightly=True),
                nulls_distinct=False,
                name="one_nightly_report_per_scope_year_and_format",
            )
        ]
        indexes = [models.Index(fields=["status", "queued_at"], name="report_sweep_idx")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.school_year} — {self.territory_name}"

    @property
    def territory_name(self) -> str:
        if self.scope == Scope.DEPARTEMENT:
            return str(self.departement)
        if self.scope == Scope.ACADEMIE:
            return (
                gettext("Académie de %(name)s") % {"name": self.academie} if self.academie else ""
            )
        return gettext("France")

    @property
    def filename(self) -> str:
        """Download name, e.g. "bilan-astep-2025-2026-departement-035.xlsx"."""
        code = {
            Scope.DEPARTEMENT: getattr(self.departement, "code", ""),
            Scope.ACADEMIE: getattr(self.academie, "code", ""),
            Scope.NATIONAL: "france",
        }[self.scope]
        return f"bilan-astep-{self.school_year}-{self.scope}-{code}.{self.format}"
