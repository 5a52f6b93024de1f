"""The French school referential: régions académiques, académies, départements,
circonscriptions of the first degree, communes and écoles (keyed by UAI)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionAcademique(models.Model):
    """One of the 18 régions académiques; `code` is the annuaire's `Code_region` (e.g. "53")."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("région académique")
        verbose_name_plural = _("régions académiques")

    def __str__(self) -> str:
        return self.name


class Academie(models.Model):
    """One of the 30 académies; `code` is the annuaire's `Code_academie` (e.g. "14" for Rennes)."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    region_academique = models.ForeignKey(
        RegionAcademique, on_delete=models.PROTECT, related_name="academies"
    )
    zone_vacances = models.CharField(_("zone de vacances"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("académie")

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    """One of the 101 départements; `code` as the annuaire writes it ("035", "02A", "971")."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    academie = models.ForeignKey(Academie, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Circonscription(models.Model):
    """A circonscription of the first degree, led by an IEN.

    The current annuaire export gives a `code_circonscription`; the 2023 export only a
    name: `code` is then empty and the name is the key within the département.
    """

    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="circonscriptions"
    )
    code = models.CharField(_("code"), max_length=20, blank=True)
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("circonscription")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="circonscription_code_unique"
            ),
            models.UniqueConstraint(
                fields=["departement", "name"], name="circonscription_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet):
    def lookup(self, text: str) -> "CommuneQuerySet":
        """Communes matching what a person types: "Rennes", "35000", "Saint-Aubin 35250",
        "Saint-Aubin (35250)" or an INSEE code ("35238"). Case-insensitive on names."""
        words = text.replace("(", " ").replace(")", " ").split()
        postcode = next((w for w in words if len(w) == 5 and w.isdigit()), "")
        name = " ".join(w for w in words if w != postcode)
        if postcode and not name:
            return self.filter(Q(postcodes__contains=postcode) | Q(code_insee=postcode))
        communes = self.filter(name__iexact=name)
        return communes.filter(postcodes__contains=postcode) if postcode else communes


class Commune(models.Model):
    """A commune of the INSEE Code officiel géographique, placed by its town hall (WGS84)."""

    code_insee = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    postcodes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.postcodes.split(' ')[0] or self.code_insee})"


class EducationPrioritaire(models.TextChoices):
    NONE = "", _("Hors éducation prioritaire")
    REP = "REP", _("REP")
    REP_PLUS = "REP+", _("REP+")


class EcoleQuerySet(models.QuerySet):
    def search(self, text: str) -> "EcoleQuerySet":
        """Écoles whose UAI, name or commune contains `text` (case-insensitive)."""
        text = text.strip()
        if not text:
            return self.none()
        return self.filter(
            Q(uai__iexact=text) | Q(name__icontains=text) | Q(commune_name__icontains=text)
        )


class Ecole(models.Model):
    """A primary school of the Annuaire de l'éducation, keyed by its UAI ("0350103X")."""

    uai = models.CharField(_("UAI"), max_length=8, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    nature = models.CharField(_("nature"), max_length=100, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    commune_code = models.CharField(_("code commune"), max_length=5, blank=True)
    commune_name = models.CharField(_("commune"), max_length=200, blank=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="ecoles")
    circonscription = models.ForeignKey(
        Circonscription, on_delete=models.PROTECT, related_name="ecoles", null=True, blank=True
    )
    education_prioritaire = models.CharField(
        _("éducation prioritaire"),
        max_length=4,
        choices=EducationPrioritaire.choices,
        blank=True,
        default=EducationPrioritaire.NONE,
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    etat = models.CharField(_("état"), max_length=20, blank=True)

    objects = EcoleQuerySet.as_manager()

    class Meta:
        ordering = ["commune_name", "name"]
        verbose_name = _("école")

    def __str__(self) -> str:
        return f"{self.name} — {self.commune_name} ({self.uai})"
