"""Proposals: a departmental correspondent offers a request to a volunteer, who answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")


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
    """The offer of one request to one volunteer, with the distance that made it a candidate."""

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
    decline_reason = models.TextField(_("motif du refus"), blank=True)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposition")
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="pending"),
                name="one_pending_proposal_per_request",
            ),
            models.UniqueConstraint(fields=["request", "volunteer"], name="one_proposal_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.request}"
