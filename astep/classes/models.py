"""Classes of primary schools and the accompaniment requests their teachers file."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role
from astep.accounts.scopes import territory_filter


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
    SUBMITTED = "submitted", _("Envoyée")
    PROPOSED = "proposed", _("Accompagnateur proposé")
    MATCHED = "matched", _("Accompagnateur trouvé")
    CANCELLED = "cancelled", _("Annulée")


class RequestQuerySet(models.QuerySet):
    def open(self) -> "RequestQuerySet":
        """Requests still waiting for an accompanist (submitted or with a pending proposal)."""
        return self.filter(status__in=[RequestStatus.SUBMITTED, RequestStatus.PROPOSED])

    def in_departement(self, departement) -> "RequestQuerySet":
        return self.filter(school_class__ecole__departement=departement)

    def for_user(self, user) -> "RequestQuerySet":
        """Requests `user` may see: a teacher their own, the others their territory."""
        if user.role == Role.TEACHER:
            return self.filter(school_class__teacher=user)
        territory = territory_filter(user, "school_class__ecole")
        return self.none() if territory is None else self.filter(**territory)


class AccompanimentRequest(models.Model):
    """A teacher's request for an accompanist for one class and one module of sessions."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="requests")
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)
    period_start = models.DateField(_("début de la période souhaitée"))
    period_end = models.DateField(_("fin de la période souhaitée"))
    sessions_count = models.PositiveSmallIntegerField(_("nombre de séances"), default=6)
    half_days = models.JSONField(_("demi-journées qui conviennent"), default=list)
    comment = models.TextField(_("précisions"), blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("demande d'accompagnement")
        verbose_name_plural = _("demandes d'accompagnement")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="request_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_theme_display()} — {self.school_class}"
