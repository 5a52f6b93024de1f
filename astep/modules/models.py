"""Modules of ASTEP: the sessions an accompanist and a teacher run together for one request,
their changes, who confirmed each one took place, and the end-of-module questionnaires."""

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role
from astep.accounts.scopes import territory_filter


class ModuleQuerySet(models.QuerySet):
    def for_user(self, user) -> "ModuleQuerySet":
        """Modules `user` may see: their own (teacher, either volunteer) or those of their
        territory."""
        if user.role == Role.TEACHER:
            return self.filter(request__school_class__teacher=user)
        if user.role == Role.VOLUNTEER:
            return self.filter(Q(volunteer=user) | Q(co_volunteer=user))
        territory = territory_filter(user, "request__school_class__ecole")
        return self.none() if territory is None else self.filter(**territory)


class Module(models.Model):
    """One accompaniment: a request served by a volunteer over 5 to 7 sessions (circular 2010-083).

    The module's form (in class, remote) and theme are the request's; `half_day` is the weekday
    half-day agreed on ("4-pm"), on which the sessions were first planned. A request asking
    for two accompanists (a binôme) is served by `volunteer` and `co_volunteer`, equal
    parties of the module; `volunteer` is the one its sessions repeat (`Session.volunteer`).
    """

    request = models.OneToOneField(
        "classes.AccompanimentRequest", on_delete=models.PROTECT, related_name="module"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="modules"
    )
    co_volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_modules",
        verbose_name=_("second accompagnateur"),
    )
    school_year = models.CharField(_("année scolaire"), max_length=9)
    half_day = models.CharField(_("demi-journée"), max_length=4, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("module")
        # The survey, the bilans and the volunteers' load count one school year's modules.
        indexes = [models.Index(fields=["school_year"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(co_volunteer=F("volunteer")), name="module_two_distinct_volunteers"
            ),
        ]

    def __str__(self) -> str:
        return f"Module {self.request.get_theme_display()} — {self.request.school_class}"

    @property
    def teacher(self):
        return self.request.school_class.teacher

    def has_held_session(self) -> bool:
        """Whether a session took place: the questionnaire and the attestation open then."""
        return self.sessions.filter(status=SessionStatus.HELD).exists()

    @property
    def volunteers(self) -> list:
        """The module's accompanists: its volunteer, then its co-volunteer if it has one."""
        return [user for user in (self.volunteer, self.co_volunteer) if user is not None]

    @property
    def volunteers_label(self) -> str:
        """Their names for a page: "Ada Martin" or "Ada Martin et Léo Petit"."""
        return gettext(" et ").join(user.get_full_name() or user.email for user in self.volunteers)

    @property
    def volunteer_ids(self) -> list[int]:
        """The primary keys of the module's accompanists (no query)."""
        return [pk for pk in (self.volunteer_id, self.co_volunteer_id) if pk is not None]

    def is_volunteer(self, user) -> bool:
        """Whether `user` is one of the module's accompanists (volunteer or co-volunteer)."""
        return user.pk in self.volunteer_ids

    def is_party(self, user) -> bool:
        """Whether `user` runs this module: its teacher or one of its volunteers."""
        return self.is_volunteer(user) or user.pk == self.request.school_class.teacher_id


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    MOVED = "moved", _("Déplacée")
    HELD = "held", _("Réalisée")
    CANCELLED = "cancelled", _("Annulée")


# Sessions still to come (a moved session keeps its place in the module, at its new date).
UPCOMING_STATUSES = [SessionStatus.PLANNED, SessionStatus.MOVED]


class SessionQuerySet(models.QuerySet):
    def upcoming(self) -> "SessionQuerySet":
        return self.filter(status__in=UPCOMING_STATUSES)

    def for_user(self, user) -> "SessionQuerySet":
        """Sessions of the modules `user` may see (`Module.objects.for_user`)."""
        return self.filter(module__in=Module.objects.for_user(user))

    def overlapping(self, *, volunteer_ids: Iterable[int], day, begin, end) -> "SessionQuerySet":
        """Live sessions of any of `volunteer_ids` on `day` whose times meet begin–end (`day`
        may be a lookup dict such as {"date__gte": d} for every day from d).

        A volunteer's sessions are those of the modules they run as volunteer or as
        co-volunteer: `Session.volunteer` only repeats the first, so the co-volunteer's are
        found through the module.
        """
        ids = list(volunteer_ids)
        days = day if isinstance(day, dict) else {"date": day}
        return self.filter(
            Q(volunteer_id__in=ids) | Q(module__co_volunteer_id__in=ids),
            start_time__lt=end,
            end_time__gt=begin,
            **days,
        ).exclude(status=SessionStatus.CANCELLED)

    def cancel(self, *, actor, reason: str) -> int:
        """Cancel these sessions, keeping a `SessionChange` for each (calendars read it).
        Returns how many were cancelled."""
        sessions = list(self.select_for_update())
        SessionChange.objects.bulk_create(
            SessionChange(
                session=session,
                kind=SessionChangeKind.CANCELLED,
                previous_date=session.date,
                previous_start_time=session.start_time,
                previous_end_time=session.end_time,
                reason=reason,
                actor=actor,
            )
            for session in sessions
        )
        return self.filter(pk__in=[s.pk for s in sessions]).update(status=SessionStatus.CANCELLED)


class TsRange(models.Func):
    """PostgreSQL `tsrange(date + start, date + end)`: the session's slot as a range."""

    function = "tsrange"
    output_field = DateTimeRangeField()


def _slot(time_field: str) -> models.ExpressionWrapper:
    return models.ExpressionWrapper(F("date") + F(time_field), output_field=models.DateTimeField())


class Session(models.Model):
    """One session of a module: a date, start and end times (Europe/Paris wall clock), a topic.

    `volunteer` repeats the module's volunteer so that PostgreSQL itself refuses two live
    sessions of one volunteer whose times overlap (constraint `no_overlapping_sessions`).
    The module's co-volunteer is not repeated: for them only the services check
    (`SessionQuerySet.overlapping`).
    """

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="sessions")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    topic = models.CharField(_("contenu prévu"), max_length=200, blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("séance")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="session_ends_after_start"
            ),
            # Created on PostgreSQL only (migration 0002): SQLite, the development default,
            # has no exclusion constraints.
            ExclusionConstraint(
                name="no_overlapping_sessions",
                expressions=[
                    ("volunteer", RangeOperators.EQUAL),
                    (TsRange(_slot("start_time"), _slot("end_time")), RangeOperators.OVERLAPS),
                ],
                condition=~Q(status="cancelled"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def starts_at(self) -> datetime:
        """Start as an aware datetime in the portal's time zone (Europe/Paris)."""
        return timezone.make_aware(datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.end_time))

    @property
    def duration_hours(self) -> float:
        """Length of the session in hours (e.g. 2.5)."""
        minutes = (self.end_time.hour * 60 + self.end_time.minute) - (
            self.start_time.hour * 60 + self.start_time.minute
        )
        return minutes / 60

    @property
    def is_upcoming(self) -> bool:
        return self.status in UPCOMING_STATUSES


class SessionChangeKind(models.TextChoices):
    MOVED = "moved", _("Déplacée")
    CANCELLED = "cancelled", _("Annulée")
    EDITED = "edited", _("Modifiée")


class SessionChange(models.Model):
    """One change of a session by its teacher or volunteer: the slot before, and why."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("changement"), max_length=20, choices=SessionChangeKind.choices)
    previous_date = models.DateField(_("date précédente"))
    previous_start_time = models.TimeField(_("début précédent"))
    previous_end_time = models.TimeField(_("fin précédente"))
    reason = models.TextField(_("motif"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("changement de séance")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class SessionConfirmation(models.Model):
    """That one party (teacher or either volunteer) confirms a session took place; all are kept."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="confirmations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("confirmée le"), default=timezone.now)

    class Meta:
        ordering = ["at"]
        verbose_name = _("confirmation de séance")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_confirmation_per_party")
        ]

    def __str__(self) -> str:
        return gettext("%(session)s confirmée le %(day)s") % {
            "session": self.session,
            "day": f"{self.at:%Y-%m-%d}",
        }


class Feedback(models.Model):
    """The end-of-module questionnaire of one party (teacher or either volunteer), once each."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="feedbacks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("De 1 (pas du tout satisfait) à 5 (très satisfait)."),
    )
    what_worked = models.TextField(_("ce qui a bien fonctionné"), blank=True)
    would_repeat = models.BooleanField(_("je recommencerais"))
    comments = models.TextField(_("commentaires"), blank=True)
    at = models.DateTimeField(_("répondu le"), default=timezone.now)

    class Meta:
        verbose_name = _("questionnaire de fin de module")
        constraints = [
            models.UniqueConstraint(fields=["module", "user"], name="one_feedback_per_party"),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="feedback_satisfaction_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} — {self.satisfaction}/5"


def calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret of a user's private iCal feed; renewing it cuts off every old subscription."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=calendar_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agenda privé")

    def __str__(self) -> str:
        return gettext("Agenda de %(user)s") % {"user": self.user}
