"""Weekday half-days, the unit in which volunteers give availability and classes ask for it."""

from datetime import date, time, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

MORNING = (time(9, 0), time(11, 30))
AFTERNOON = (time(14, 0), time(16, 0))


class HalfDay(models.TextChoices):
    """A weekday half-day of the school week; the value is `<iso weekday>-<am|pm>`."""

    MON_AM = "1-am", _("Lundi matin")
    MON_PM = "1-pm", _("Lundi après-midi")
    TUE_AM = "2-am", _("Mardi matin")
    TUE_PM = "2-pm", _("Mardi après-midi")
    WED_AM = "3-am", _("Mercredi matin")
    THU_AM = "4-am", _("Jeudi matin")
    THU_PM = "4-pm", _("Jeudi après-midi")
    FRI_AM = "5-am", _("Vendredi matin")
    FRI_PM = "5-pm", _("Vendredi après-midi")

    @property
    def iso_weekday(self) -> int:
        return int(self.value[0])

    @property
    def is_morning(self) -> bool:
        return self.value.endswith("am")

    @property
    def times(self) -> tuple[time, time]:
        """Default times of the half-day: mornings 9:00–11:30, afternoons 14:00–16:00."""
        return MORNING if self.is_morning else AFTERNOON

    def first_on_or_after(self, day: date) -> date:
        """The first date on or after `day` that falls on this half-day's weekday."""
        return day + timedelta(days=(self.iso_weekday - day.isoweekday()) % 7)


def half_days_labels(values: list[str]) -> str:
    """Join the French labels of half-day values in week order: "Lundi matin, Jeudi après-midi"."""
    return ", ".join(str(HalfDay(v).label) for v in sorted(values))
