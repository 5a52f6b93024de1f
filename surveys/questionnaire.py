"""The departmental survey's questionnaire: where each figure comes from and the checks
a filed survey must pass before it goes to the academic correspondent.

The figures themselves are counted in `surveys.figures`; this module only describes and
checks them, so a new questionnaire version changes here and nowhere else.
"""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from astep.classes.models import Delivery, Theme
from astep.partners.models import OrganisationKind
from astep.volunteers.eligibility import Status

QUESTIONNAIRE_VERSION = "2026-1"

# Where the portal takes each figure from, by key prefix (the longest prefix wins).
SOURCES = {
    "classes": _("Classes des modules de l'année scolaire (demandes annulées exclues)"),
    "pupils": _("Élèves déclarés sur les fiches des classes accompagnées"),
    "modules": _("Modules de l'année scolaire (demandes annulées exclues)"),
    "sessions": _("Séances des modules, hors séances annulées"),
    "hours": _("Durée des séances des modules, hors séances annulées"),
    "volunteers": _("Accompagnateurs des modules (premier et second), statut de leur profil"),
    "volunteers_organisation": _("Accompagnateurs des modules, organisme déclaré dans leur profil"),
    "volunteers_no_organisation": _(
        "Accompagnateurs des modules, organisme déclaré dans leur profil"
    ),
    "modules_in_class": _("Modules de l'année scolaire, forme demandée par l'enseignant"),
    "modules_remote": _("Modules de l'année scolaire, forme demandée par l'enseignant"),
    "organisations": _("Organisations des accompagnateurs des modules"),
    "teachers": _("Enseignants titulaires des classes accompagnées"),
    "feedback": _("Questionnaires de fin de module remplis par les enseignants et accompagnateurs"),
    "satisfaction": _(
        "Questionnaires de fin de module remplis par les enseignants et accompagnateurs"
    ),
}

# (total, parts): the parts together may not exceed the total. Each part of a group is
# exclusive (an école is in REP or in REP+, never both), so their sum is bounded.
EXCLUSIVE_PARTS = [
    ("classes", ["classes_rep", "classes_rep_plus"]),
    ("modules", [f"modules_{theme.value}" for theme in Theme]),
    ("modules", [f"modules_{form.value}" for form in Delivery]),
    ("volunteers", [f"volunteers_{status.value}" for status in Status]),
    (
        "volunteers",
        [f"volunteers_organisation_{kind.value}" for kind in OrganisationKind]
        + ["volunteers_no_organisation"],
    ),
]

# Totals whose every key starting with "<total>_" is a part of them, on its own: a class
# mixing cycles counts in each of its cycles, so only each part is bounded.
BOUNDED_BY_PREFIX = ["classes"]

# What the correspondent must answer before submitting (the portal cannot know it).
REQUIRED_ANSWERS = {
    "training_actions": _("Indiquez le nombre d'actions de formation (0 s'il n'y en a pas eu)."),
    "training_participants": _("Indiquez le nombre d'enseignants formés (0 s'il n'y en a pas eu)."),
    "conventions_signed": _("Indiquez le nombre de conventions signées (0 s'il n'y en a pas eu)."),
}


def figure_source(key: str) -> str:
    """The sentence saying where the portal counted figure `key` ("classes_rep" → classes)."""
    prefixes = [prefix for prefix in SOURCES if key.startswith(prefix)]
    return SOURCES[max(prefixes, key=len)] if prefixes else ""


def consistency_errors(answers: dict, labels: dict) -> dict[str, str]:
    """Check that no part of a figure exceeds its total.

    Takes the figures as filed ({key: number}) and their labels ({key: label}).
    Returns {part key: message in the active language} for each part, or group of parts, above its
    total; empty when consistent. Keys absent from `answers` count as 0.
    """
    errors = {}
    for total in BOUNDED_BY_PREFIX:
        bound = Decimal(answers.get(total, 0))
        for key, value in answers.items():
            if key.startswith(f"{total}_") and Decimal(value) > bound:
                errors[key] = gettext(
                    "« %(part)s » (%(value)s) dépasse « %(total)s » (%(bound)s)."
                ) % {
                    "part": labels.get(key, key),
                    "value": _n(value),
                    "total": labels.get(total, total),
                    "bound": _n(bound),
                }
    for total, parts in EXCLUSIVE_PARTS:
        bound = Decimal(answers.get(total, 0))
        together = sum(Decimal(answers.get(part, 0)) for part in parts)
        if together > bound:
            names = " + ".join(f"« {labels.get(part, part)} »" for part in parts)
            errors.setdefault(
                parts[-1],
                gettext("%(parts)s (%(value)s) dépasse « %(total)s » (%(bound)s).")
                % {
                    "parts": names,
                    "value": _n(together),
                    "total": labels.get(total, total),
                    "bound": _n(bound),
                },
            )
    return errors


def _n(value) -> str:
    """A figure without trailing zeros, written the active language's way ("2,5" in French)."""
    return number_format(Decimal(value).normalize())
