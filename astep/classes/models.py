"""Classes of primary schools and the accompaniment requests their teachers file."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role
from astep.accounts.scopes import territory_filter
from astep.half_days import half_days_labels


class Level(models.TextChoices):
    """Levels of the école élémentaire (the ASTEP accompanies elementary classes)."""

    CP = "CP", "CP"
    CE1 = "CE1", "CE1"
    CE2 = "CE2", "CE2"
    CM1 = "CM1", "CM1"
    CM2 = "CM2", "CM2"


# Cycles since the 2016 reform: cycle 2 = CP, CE1, CE2; cycle 3 = CM1, CM2 (and 6e).
CYCLE_OF_LEVEL = {"CP": 2, "CE1": 2, "CE2": 2, "CM1": 3, "CM2": 3}
# Before 2016 cycle 3 was CE2, CM1, CM2: the definition of the 2011-2012 national bilan.
CYCLE_3_BEFORE_2016 = {"CE2", "CM1", "CM2"}


class Theme(models.TextChoices):
    """Themes of the school programme (cycle 2 Questionner le monde, cycle 3 Sciences et technologie)."""

    MATTER = "matter", _("Matière, mouvement, énergie, information")
    LIVING = "living", _("Le vivant, sa diversité et les fonctions qui le caractérisent")
    MATERIALS = "materials", _("Matériaux et objets techniques")
    PLANET = "planet", _("La planète Terre, les êtres vivants dans leur environnement")
    SPACE_TIME = "space_time", _("Se situer dans l'espace et dans le temps (cycle 2)")
    FREE = "free", _("Thème libre")


class SchoolClass(models.Model):
    """A class of an école for one school year ("2025-2026"), with its levels and pupils."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="school_classes"
    )
    ecole = models.ForeignKey(
        "territory.Ecole", on_delete=models.PROTECT, related_name="school_classes"
    )
    school_year = models.CharField(_("année scolaire"), max_length=9)
    name = models.CharField(_("nom de la classe"), max_length=100, blank=True)
    levels = models.JSONField(_("niveaux"), default=list)
    pupils = models.PositiveSmallIntegerField(_("nombre d'élèves"))
    co_teacher = models.CharField(
        _("co-enseignant·e"), max_length=150, blank=True, help_text=_("Facultatif : nom et prénom.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year", "ecole__name"]
        verbose_name = _("classe")

    def __str__(self) -> str:
        return f"{self.levels_label} — {self.ecole.name} ({self.school_year})"

    @property
    def levels_label(self) -> str:
        """Levels in school order, joined as teachers write them: "CE2-CM1"."""
        order = list(Level.values)
        return "-".join(sorted(self.levels, key=order.index))

    @property
    def cycles(self) -> list[int]:
        """Cycles of the class since 2016, derived from its levels: CE2-CM1 → [2, 3]."""
        return sorted({CYCLE_OF_LEVEL[level] for level in self.levels})

    @property
    def is_cycle_3_before_2016(self) -> bool:
        """Whether the class had a cycle 3 level under the pre-2016 definition (CE2–CM2)."""
        return bool(CYCLE_3_BEFORE_2016 & set(self.levels))


class RequestStatus(models.TextChoices):
    """The life of a request: draft → submitted → proposed → matched → in progress → completed,
    or cancelled / not served (with a reason)."""

    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Envoyée")
    PROPOSED = "proposed", _("Accompagnateur proposé")
    MATCHED = "matched", _("Accompagnateur trouvé")
    IN_PROGRESS = "in_progress", _("En cours")
    COMPLETED = "completed", _("Terminée")
    CANCELLED = "cancelled", _("Annulée")
    NOT_SERVED = "not_served", _("Non servie")


# Requests still alive for their class: a second one for the same class is flagged.
ACTIVE_STATUSES = [
    RequestStatus.SUBMITTED,
    RequestStatus.PROPOSED,
    RequestStatus.MATCHED,
    RequestStatus.IN_PROGRESS,
]
OPEN_STATUSES = [RequestStatus.SUBMITTED, RequestStatus.PROPOSED]


class Delivery(models.TextChoices):
    """How the accompaniment is given (national bilans count modules by form)."""

    IN_CLASS = "in_class", _("En classe")
    REMOTE = "remote", _("À distance")


class RequestQuerySet(models.QuerySet):
    def open(self) -> "RequestQuerySet":
        """Requests still waiting for an accompanist (submitted or with a pending proposal)."""
        return self.filter(status__in=OPEN_STATUSES)

    def in_departement(self, departement) -> "RequestQuerySet":
        return self.filter(school_class__ecole__departement=departement)

    def for_user(self, user) -> "RequestQuerySet":
        """Requests `user` may see: a teacher their own (drafts included), the others the
        requests of their territory once submitted."""
        if user.role == Role.TEACHER:
            return self.filter(school_class__teacher=user)
        territory = territory_filter(user, "school_class__ecole")
        if territory is None:
            return self.none()
        return self.filter(**territory).exclude(status=RequestStatus.DRAFT)


class AccompanimentRequest(models.Model):
    """A teacher's request for an accompanist for one class and one module of sessions.

    A draft may be incomplete; `classes.services.request_submit` checks it is complete.
    `sessions_count` lies within the school year's bounds (`surveys.Campaign.session_bounds`).
    """

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="requests")
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices, blank=True)
    form = models.CharField(
        _("forme"), max_length=20, choices=Delivery.choices, default=Delivery.IN_CLASS
    )
    period_start = models.DateField(_("début de la période souhaitée"), null=True, blank=True)
    period_end = models.DateField(_("fin de la période souhaitée"), null=True, blank=True)
    sessions_count = models.PositiveSmallIntegerField(_("nombre de séances"), default=6)
    half_days = models.JSONField(_("demi-journées qui conviennent"), default=list, blank=True)
    accompanists = models.PositiveSmallIntegerField(
        _("nombre d'accompagnateurs"), choices=[(1, _("Un")), (2, _("Deux"))], default=1
    )
    comment = models.TextField(_("précisions"), blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    status_reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "created_at"]
        verbose_name = _("demande d'accompagnement")
        verbose_name_plural = _("demandes d'accompagnement")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="request_period_ordered",
                violation_error_code="period_order",
                violation_error_message=_("La fin de la période doit suivre son début."),
            ),
            models.CheckConstraint(
                condition=Q(accompanists__in=[1, 2]), name="request_one_or_two_accompanists"
            ),
        ]

    def __str__(self) -> str:
        theme = self.get_theme_display() or _("Demande")
        return f"{theme} — {self.school_class}"

    @property
    def half_days_label(self) -> str:
        return half_days_labels(self.half_days)

    def siblings(self) -> "RequestQuerySet":
        """The other live requests of the same class (same school year): a second one is
        flagged to the teacher and the correspondent, never silently kept twice."""
        return AccompanimentRequest.objects.filter(
            school_class_id=self.school_class_id, status__in=ACTIVE_STATUSES
        ).exclude(pk=self.pk)


class RequestEvent(models.Model):
    """One change of a request's status: when, by whom (None for the portal), and why."""

    request = models.ForeignKey(
        AccompanimentRequest, on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("état"), max_length=20, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("motif"), blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("changement d'état d'une demande")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_status_display()}"
