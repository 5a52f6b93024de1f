"""The UAI, id of every French school and establishment: 7 digits and a check letter."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

UAI_RE = re.compile(r"\d{7}[A-Z]")
UAI_CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters: no I, O, Q


def uai_problem(uai: str) -> str | None:
    """What is wrong with `uai` in French, or None when it is well formed.

    The check letter is the 7-digit number modulo 23 in `UAI_CHECK_LETTERS` (the rule of
    the *Répertoire national des établissements*).
    """
    if not UAI_RE.fullmatch(uai):
        return _("UAI « %(uai)s » mal formée (7 chiffres et une lettre de contrôle attendus)") % {
            "uai": uai
        }
    letter = UAI_CHECK_LETTERS[int(uai[:7]) % 23]
    if uai[7] != letter:
        return _("UAI « %(uai)s » : lettre de contrôle erronée (%(letter)s attendue)") % {
            "uai": uai,
            "letter": letter,
        }
    return None


def validate_uai(value: str) -> None:
    """Django validator: raise ValidationError with the reason when `value` is no UAI."""
    problem = uai_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_uai")
