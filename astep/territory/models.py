"""The French school referential: régions académiques, académies, départements,
circonscriptions of the first degree, communes, écoles (keyed by UAI) and their
effectifs (classes and pupils per rentrée)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from astep.school_year import school_year_start


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
        # latitude first: the matching looks for the communes in a box around the écoles
        # (matching.candidates), a range on both.
        indexes = [models.Index(fields=["name"]), models.Index(fields=["latitude", "longitude"])]

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


# The levels of the école élémentaire, as classes.Level writes them: the field of EcoleEffectif
# holding the number of pupils of each.
LEVEL_PUPILS = {
    "CP": "pupils_cp",
    "CE1": "pupils_ce1",
    "CE2": "pupils_ce2",
    "CM1": "pupils_cm1",
    "CM2": "pupils_cm2",
}


class EcoleEffectifQuerySet(models.QuerySet):
    def for_school_year(self, school_year: str) -> "EcoleEffectifQuerySet":
        """The effectifs counted at the rentrée of `school_year` ("2022-2023" → rentrée 2022)."""
        return self.filter(rentree=school_year_start(school_year))

    def levels_of(self, uai: str, school_year: str) -> list[str]:
        """The elementary levels ("CP" … "CM2", in school order) that have pupils in an école.

        Reads the effectifs of the rentrée of `school_year`, or, when that rentrée is not
        loaded for the école, of its latest rentrée. Returns [] for an école without
        effectifs or without elementary pupils (a maternelle). One query.
        """
        wanted = school_year_start(school_year)
        effectifs = list(self.filter(uai=uai).order_by("-rentree"))
        effectif = next((e for e in effectifs if e.rentree == wanted), None)
        effectif = effectif or next(iter(effectifs), None)
        return effectif.levels_with_pupils if effectif else []


class EcoleEffectif(models.Model):
    """The classes and pupils of one école at one rentrée, as the ministry counted them.

    Source: the data.education.gouv.fr dataset `fr-en-ecoles-effectifs-nb_classes`
    (counted at the rentrée, public and private écoles), loaded by
    `import_effectifs`. Every count is a number of classes or of pupils. `uai` is not a
    foreign key: the file keeps écoles closed since, which the annuaire no longer lists.
    Pupil counts per level and in pré-élémentaire / élémentaire exclude the ULIS pupils,
    counted apart in `pupils_ulis`.
    """

    uai = models.CharField(_("UAI"), max_length=8)
    rentree = models.PositiveSmallIntegerField(
        _("rentrée"), help_text=_("Année de la rentrée : 2022 pour l'année scolaire 2022-2023.")
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="ecole_effectifs"
    )
    commune_name = models.CharField(_("commune"), max_length=200, blank=True)
    name = models.CharField(_("nom"), max_length=200, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    education_prioritaire = models.CharField(
        _("éducation prioritaire"),
        max_length=4,
        choices=EducationPrioritaire.choices,
        blank=True,
        default=EducationPrioritaire.NONE,
    )
    classes = models.PositiveIntegerField(_("classes"))
    pupils = models.PositiveIntegerField(_("élèves"))
    pupils_preelementaire = models.PositiveIntegerField(_("élèves en pré-élémentaire hors ULIS"))
    pupils_elementaire = models.PositiveIntegerField(_("élèves en élémentaire hors ULIS"))
    pupils_ulis = models.PositiveIntegerField(_("élèves en ULIS"))
    pupils_cp = models.PositiveIntegerField(_("élèves en CP hors ULIS"))
    pupils_ce1 = models.PositiveIntegerField(_("élèves en CE1 hors ULIS"))
    pupils_ce2 = models.PositiveIntegerField(_("élèves en CE2 hors ULIS"))
    pupils_cm1 = models.PositiveIntegerField(_("élèves en CM1 hors ULIS"))
    pupils_cm2 = models.PositiveIntegerField(_("élèves en CM2 hors ULIS"))

    objects = EcoleEffectifQuerySet.as_manager()

    class Meta:
        ordering = ["-rentree", "uai"]
        verbose_name = _("effectifs d'une école")
        verbose_name_plural = _("effectifs des écoles")
        constraints = [
            models.UniqueConstraint(fields=["uai", "rentree"], name="ecole_effectif_unique")
        ]
        indexes = [models.Index(fields=["rentree", "departement"])]  # the reports' sums

    def __str__(self) -> str:
        return gettext("%(name)s (%(uai)s) — rentrée %(year)s") % {
            "name": self.name,
            "uai": self.uai,
            "year": self.school_year,
        }

    @property
    def school_year(self) -> str:
        """The school year the rentrée starts: 2022 → "2022-2023"."""
        return f"{self.rentree}-{self.rentree + 1}"

    @property
    def levels_with_pupils(self) -> list[str]:
        """The elementary levels with at least one pupil, in school order."""
        return [level for level, field in LEVEL_PUPILS.items() if getattr(self, field)]
