"""Eligibility of an accompanist: the rules of circular n° 2010-083 (8 June 2010).

"L'accompagnateur est un adulte dont la compétence scientifique ou technologique est au
moins équivalente à bac+2" — two completed years of higher education in science or
technology. Universities send students from L3 to the doctorate; researchers, engineers,
technicians and teacher-researchers also qualify (the ministry's ASTEP page). The rules
are pure functions: they read no database.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

ADULT_AGE = 18  # circular 2010-083: the accompanist is an adult


class Level(models.TextChoices):
    """Highest *completed* level of higher education, or a declared equivalent experience."""

    BAC = "bac", _("Baccalauréat")
    BAC_1 = "bac+1", _("Bac+1 (une année d'études supérieures validée)")
    BAC_2 = "bac+2", _("Bac+2 (BTS, BUT 2e année, L2, deux années de CPGE…)")
    BAC_3 = "bac+3", _("Licence ou bac+3 (un étudiant en L3 a validé bac+2)")
    BAC_5 = "bac+5", _("Master ou bac+5")
    ENGINEER = "engineer", _("Diplôme d'ingénieur")
    DOCTORATE = "doctorate", _("Doctorat")
    EXPERIENCE = "experience", _("Pas de diplôme de cette liste, mais une expérience équivalente")


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
    """Fields of study; every one but OTHER is a science or technology field.

    The list follows the sections of the Conseil national des universités for science,
    technology, health and agronomy; a volunteer picks the closest one.
    """

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


class Status(models.TextChoices):
    STUDENT = "student", _("Étudiant·e")
    RESEARCHER = "researcher", _("Chercheur·e ou enseignant·e-chercheur·e")
    ENGINEER = "engineer", _("Ingénieur·e")
    TECHNICIAN = "technician", _("Technicien·ne")
    OTHER = "other", _("Autre")


# The ministry's page names these professionals as accompanists even without a listed diploma.
PROFESSIONAL_STATUSES = {Status.RESEARCHER, Status.ENGINEER, Status.TECHNICIAN}


class Verdict(models.TextChoices):
    ELIGIBLE = "eligible", _("Éligible")
    NEEDS_REVIEW = "needs_review", _("À examiner par le correspondant")
    REFUSED = "refused", _("Non éligible")


@dataclass(frozen=True)
class Eligibility:
    """The result of the rules: a verdict and the reasons the volunteer reads (French)."""

    verdict: Verdict
    reasons: tuple[str, ...] = ()


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day`."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def adult_from(birth_date: date) -> date:
    """The day of the 18th birthday (a 29 February birthday counts on 1 March)."""
    try:
        return birth_date.replace(year=birth_date.year + ADULT_AGE)
    except ValueError:
        return date(birth_date.year + ADULT_AGE, 3, 1)


def adult_born_by(day: date) -> date:
    """The latest birth date of someone 18 or over on `day` (for database filters)."""
    try:
        return day.replace(year=day.year - ADULT_AGE)
    except ValueError:  # 29 February: born on 28 February is 18 on the 29th
        return date(day.year - ADULT_AGE, 2, 28)


def eligibility_assess(
    *, birth_date: date, level: str, field: str, status: str, on: date
) -> Eligibility:
    """Assess a volunteer against circular 2010-083 for a module starting on `on`.

    Takes the birth date, the `Level`, `Field` and `Status` values, and the day the
    module would start. Rules:
    - adult (18 or over) on `on`, not only today;
    - at least bac+2 completed, in a science or technology field (not `Field.OTHER`);
    - `Level.EXPERIENCE` (equivalent experience, no listed diploma) is open to
      researchers, engineers and technicians, and goes to the correspondent's review.
    Returns an `Eligibility`: refused with one French reason per failed rule, else
    needs review (experience) or eligible.
    """
    reasons = []
    if age_on(birth_date, on) < ADULT_AGE:
        reasons.append(
            str(
                _(
                    "Il faut être majeur (18 ans ou plus) au début du module ; vous le serez le %(day)s."
                )
            )
            % {"day": date_format(adult_from(birth_date), "j F Y")}
        )
    if level == Level.EXPERIENCE:
        if status not in PROFESSIONAL_STATUSES:
            reasons.append(
                str(
                    _(
                        "L'expérience équivalente est réservée aux chercheurs, ingénieurs et "
                        "techniciens ; sinon, il faut au moins un bac+2 validé."
                    )
                )
            )
    elif YEARS_OF_HIGHER_EDUCATION[Level(level)] < MIN_YEARS:
        reasons.append(
            str(_("Le niveau requis est d'au moins bac+2 validé en sciences ou en technologie."))
        )
    if field == Field.OTHER:
        reasons.append(
            str(_("Le diplôme doit relever d'un domaine scientifique ou technologique."))
        )
    if reasons:
        return Eligibility(Verdict.REFUSED, tuple(reasons))
    if level == Level.EXPERIENCE:
        return Eligibility(
            Verdict.NEEDS_REVIEW,
            (str(_("Votre expérience sera examinée par le correspondant départemental.")),),
        )
    return Eligibility(Verdict.ELIGIBLE)
