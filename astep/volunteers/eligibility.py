"""Eligibility of an accompanist: the rules of circular n° 2010-083 (8 June 2010).

"L'accompagnateur est un adulte dont la compétence scientifique ou technologique est au
moins équivalente à bac+2" — two completed years of higher education in science or
technology. The rules are pure functions: they read no database.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

ADULT_AGE = 18  # circular 2010-083: the accompanist is an adult


class Level(models.TextChoices):
    """Highest *completed* level; values sort by years of higher education."""

    BAC = "bac", _("Baccalauréat")
    BAC_1 = "bac+1", _("Bac+1 (une année d'études supérieures validée)")
    BAC_2 = "bac+2", _("Bac+2 (BTS, BUT 2e année, L2, deux années de CPGE…)")
    BAC_3 = "bac+3", _("Licence ou bac+3 (un étudiant en L3 a validé bac+2)")
    BAC_5 = "bac+5", _("Master ou bac+5")
    ENGINEER = "engineer", _("Diplôme d'ingénieur")
    DOCTORATE = "doctorate", _("Doctorat")


YEARS_OF_HIGHER_EDUCATION = {
    Level.BAC: 0,
    Level.BAC_1: 1,
    Level.BAC_2: 2,
    Level.BAC_3: 3,
    Level.BAC_5: 5,
    Level.ENGINEER: 5,
    Level.DOCTORATE: 8,
}
MIN_YEARS = 2  # circular 2010-083: "au moins équivalente à bac+2"


class Field(models.TextChoices):
    """Fields of study; every one but OTHER is a science or technology field."""

    MATHEMATICS = "mathematics", _("Mathématiques")
    PHYSICS = "physics", _("Physique")
    CHEMISTRY = "chemistry", _("Chimie")
    LIFE_SCIENCES = "life_sciences", _("Sciences de la vie")
    EARTH_SCIENCES = "earth_sciences", _("Sciences de la Terre et de l'Univers")
    ENGINEERING = "engineering", _("Sciences de l'ingénieur")
    COMPUTER_SCIENCE = "computer_science", _("Informatique")
    HEALTH = "health", _("Santé")
    AGRONOMY = "agronomy", _("Agronomie et environnement")
    OTHER = "other", _("Autre domaine (hors sciences et technologie)")


class Verdict(models.TextChoices):
    ELIGIBLE = "eligible", _("Éligible")
    REFUSED = "refused", _("Non éligible")


@dataclass(frozen=True)
class Eligibility:
    """The result of the rules: a verdict and, when refused, the reasons the volunteer reads."""

    verdict: Verdict
    reasons: tuple[str, ...] = ()

    @property
    def is_eligible(self) -> bool:
        return self.verdict == Verdict.ELIGIBLE


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day`."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def eligibility_assess(*, birth_date: date, level: str, field: str, on: date) -> Eligibility:
    """Assess a volunteer against circular 2010-083.

    Takes the birth date, the highest completed `Level` value, the `Field` value, and the
    day the check applies to. Returns an `Eligibility`: eligible when 18 or over on `on`
    and at least bac+2 in a science or technology field; otherwise refused with one
    reason per failed rule, in French.
    """
    reasons = []
    if age_on(birth_date, on) < ADULT_AGE:
        reasons.append(str(_("Il faut être majeur (18 ans ou plus) pour accompagner une classe.")))
    if YEARS_OF_HIGHER_EDUCATION[Level(level)] < MIN_YEARS:
        reasons.append(
            str(_("Le niveau requis est d'au moins bac+2 validé en sciences ou en technologie."))
        )
    if field == Field.OTHER:
        reasons.append(
            str(_("Le diplôme doit relever d'un domaine scientifique ou technologique."))
        )
    if reasons:
        return Eligibility(Verdict.REFUSED, tuple(reasons))
    return Eligibility(Verdict.ELIGIBLE)
