"""Modules of ASTEP: the sessions an accompanist and a teacher run together for one request."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role
from astep.accounts.scopes import territory_filter


class Form(models.TextChoices):
    IN_CLASS = "in_class", _("Accompagnement en classe")
    REMOTE = "remote", _("Accompagnement à distance")


class ModuleQuerySet(models.QuerySet):
    def for_user(self, user) -> "ModuleQuerySet":
        """Modules `user` may see: their own (teacher, volunteer) or those of their territory."""
        if user.role == Role.TEACHER:
            return self.filter(request__school_class__teacher=user)
        if user.role == Role.VOLUNTEER:
            return self.filter(volunteer=user)
        territory = territory_filter(user, "request__school_class__ecole")
        return self.none() if territory is None else self.filter(**territory)


class Module(models.Model):
    """One accompaniment: a request served by a volunteer over 5 to 7 sessions (circular 2010-083)."""

    request = models.OneToOneField(
        "classes.AccompanimentRequest", on_delete=models.PROTECT, related_name="module"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="modules"
    )
    school_year = models.CharField(_("année scolaire"), max_length=9)
    form = models.CharField(_("forme"), max_length=20, choices=Form.choices, default=Form.IN_CLASS)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("module")

    def __str__(self) -> str:
        return f"Module {self.request.get_theme_display()} — {self.request.school_class}"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    HELD = "held", _("Réalisée")
    CANCELLED = "cancelled", _("Annulée")


class Session(models.Model):
    """One session of a module: a half-day slot on a date (times in Europe/Paris)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    status = models.CharField(
        _("état"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("séance")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def duration_hours(self) -> float:
        """Length of the session in hours (e.g. 2.5)."""
        minutes = (self.end_time.hour * 60 + self.end_time.minute) - (
            self.start_time.hour * 60 + self.start_time.minute
        )
        return minutes / 60
