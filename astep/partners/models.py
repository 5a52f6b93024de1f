"""Partner organisations: the bodies through which volunteers come to the ASTEP."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret

from astep.territory.identifiers import validate_uai


def validate_siret(value: str) -> None:
    """Django validator: refuse what is not a SIRET (14 digits, Luhn key; python-stdnum)."""
    try:
        stdnum_siret.validate(value)
    except StdnumError:
        raise ValidationError(
            _(
                "SIRET « %(value)s » invalide : 14 chiffres avec une clé de contrôle correcte attendus."
            ),
            code="invalid_siret",
            params={"value": value},
        ) from None


class OrganisationKind(models.TextChoices):
    """Kinds of partner named by circular 2010-083 (research body, higher education, …)."""

    UNIVERSITY = "university", _("Université")
    GRANDE_ECOLE = "grande_ecole", _("Grande école ou école d'ingénieurs")
    RESEARCH = "research", _("Organisme de recherche")
    COMPANY = "company", _("Entreprise")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Autre organisme")


class OrganisationQuerySet(models.QuerySet):
    def search(self, text: str) -> "OrganisationQuerySet":
        """Organisations whose name, SIRET or UAI contains `text` (any case)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(siret=text.replace(" ", "")) | Q(uai__iexact=text)
        )


class Organisation(models.Model):
    """A university, grande école, research body, company or association.

    `siret` (14 digits, INSEE) or `uai` (8 characters, for higher-education
    establishments) identify it when it has one; its scientific correspondents are the
    users with role `scientific_correspondent` and this `organisation`.
    """

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    uai = models.CharField(_("UAI"), max_length=8, blank=True, validators=[validate_uai])
    commune = models.ForeignKey(
        "territory.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("commune"),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisme partenaire")
        verbose_name_plural = _("organismes partenaires")
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="organisation_siret_unique"
            ),
            models.UniqueConstraint(
                fields=["uai"], condition=~Q(uai=""), name="organisation_uai_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name
