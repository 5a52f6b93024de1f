"""Proposals: a departmental correspondent offers a request to a volunteer, who answers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role


class ProposalStatus(models.TextChoices):
    """Pending until the volunteer and the teacher have both accepted, or one declined."""

    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")
    EXPIRED = "expired", _("Expirée sans réponse")
    WITHDRAWN = "withdrawn", _("Retirée")


# Proposals that hold the volunteer and the request; the others are history.
LIVE_STATUSES = [ProposalStatus.PENDING, ProposalStatus.ACCEPTED]


class ProposalQuerySet(models.QuerySet):
    def for_user(self, user) -> "ProposalQuerySet":
        """Proposals `user` may see: addressed to them (volunteer) or made in their département."""
        if user.role == Role.VOLUNTEER:
            return self.filter(volunteer=user)
        if user.role == Role.DEPARTMENTAL_CORRESPONDENT:
            return self.filter(request__school_class__ecole__departement_id=user.departement_id)
        if user.role == Role.TEACHER:
            return self.filter(request__school_class__teacher=user)
        return self.none()


class Proposal(models.Model):
    """The offer of one request to one volunteer, with the distance that made it a candidate.

    Both the volunteer and the teacher answer; the proposal is accepted once both have, and
    declined as soon as one declines (with a reason). A request needing two accompanists has
    two proposals. Unanswered at `expires_at`, it expires (`proposals_expire`).
    """

    request = models.ForeignKey(
        "classes.AccompanimentRequest", on_delete=models.PROTECT, related_name="proposals"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    distance_km = models.FloatField(_("distance (km)"))
    status = models.CharField(
        _("état"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    plan = models.ForeignKey(
        "matching.Plan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("plan"),
    )
    volunteer_accepted_at = models.DateTimeField(
        _("acceptée par l'accompagnateur le"), null=True, blank=True
    )
    teacher_accepted_at = models.DateTimeField(
        _("acceptée par l'enseignant le"), null=True, blank=True
    )
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déclinée par"),
    )
    decline_reason = models.TextField(_("motif du refus"), blank=True)
    created_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposition")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "volunteer"],
                condition=models.Q(status__in=LIVE_STATUSES),
                name="one_live_proposal_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.request}"

    def awaits(self, user) -> bool:
        """Whether `user` still has to answer: the volunteer or the teacher, while pending."""
        if self.status != ProposalStatus.PENDING:
            return False
        if user.pk == self.volunteer_id:
            return self.volunteer_accepted_at is None
        return user.pk == self.request.school_class.teacher_id and self.teacher_accepted_at is None


class PairChoiceKind(models.TextChoices):
    LOCKED = "locked", _("Verrouillée")
    EXCLUDED = "excluded", _("Écartée")


class PairChoice(models.Model):
    """A correspondent's decision on one (request, volunteer) pair: locked pairs stay in every
    plan while allowed; excluded pairs are never proposed again."""

    request = models.ForeignKey(
        "classes.AccompanimentRequest", on_delete=models.CASCADE, related_name="pair_choices"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("décision"), max_length=10, choices=PairChoiceKind.choices)
    reason = models.TextField(_("motif"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("décision sur une paire")
        constraints = [
            models.UniqueConstraint(fields=["request", "volunteer"], name="one_choice_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.volunteer} → {self.request}"


class PlanQuerySet(models.QuerySet):
    def for_user(self, user) -> "PlanQuerySet":
        """Plans of the departmental correspondent's own département; nobody else's."""
        if user.role != Role.DEPARTMENTAL_CORRESPONDENT:
            return self.none()
        return self.filter(departement_id=user.departement_id)


class Plan(models.Model):
    """A computed assignment for a département, kept so that it can be read, adjusted and
    sent. `pairs` and `unserved` are what `matching.plans.plan_compute` explains:

    - pairs: [{"request": id, "volunteer": id, "km": float, "locked": bool, "why": [str]}]
    - unserved: [{"request": id, "why": [str], "unblock": [str]}]
    """

    departement = models.ForeignKey(
        "territory.Departement", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("calculé le"), default=timezone.now)
    served = models.PositiveIntegerField(_("demandes servies"))
    total_km = models.FloatField(_("distance totale (km)"))
    seconds = models.FloatField(_("durée du calcul (s)"))
    pairs = models.JSONField(default=list)
    unserved = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("plan d'appariement")

    def __str__(self) -> str:
        return gettext("Plan %(departement)s du %(date)s") % {
            "departement": self.departement,
            "date": f"{self.created_at:%d/%m/%Y %H:%M}",
        }
