"""Accounts: one user per person, identified by e-mail, with a role and a territorial scope."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEACHER = "teacher", _("Professeur ou professeure des écoles")
    VOLUNTEER = "volunteer", _("Accompagnateur ou accompagnatrice")
    DEPARTMENTAL_CORRESPONDENT = (
        "departmental_correspondent",
        _("IEN correspondant départemental ASTEP"),
    )
    CIRCONSCRIPTION_INSPECTOR = "circonscription_inspector", _("IEN de circonscription")
    ACADEMIC_CORRESPONDENT = "academic_correspondent", _("Correspondant académique (IA-IPR)")
    SCIENTIFIC_CORRESPONDENT = "scientific_correspondent", _("Correspondant scientifique")
    NATIONAL = "national", _("DGESCO — pilotage national")


# Accounts people open themselves (sign-up). Correspondents, inspectors and national
# staff get their account, role and scope from an administrator, who also closes it.
SELF_REGISTERED_ROLES = (Role.TEACHER, Role.VOLUNTEER)

# Roles that must sign in with a second factor (issue 8, ASVS 5.0 level 2): they decide
# for others (eligibility, matching, surveys) or see a whole territory. Admins too.
MFA_REQUIRED_ROLES = (
    Role.DEPARTMENTAL_CORRESPONDENT,
    Role.ACADEMIC_CORRESPONDENT,
    Role.SCIENTIFIC_CORRESPONDENT,
    Role.NATIONAL,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person using the portal.

    `role` says what they do; the scope fields say where: a departmental correspondent
    has a `departement`, an academic correspondent an `academie`, a circonscription
    inspector a `circonscription`, a scientific correspondent an `organisation`. Teachers and volunteers see only their own records.
    """

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    role = models.CharField(_("rôle"), max_length=40, choices=Role.choices, default=Role.TEACHER)
    departement = models.ForeignKey(
        "territory.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    academie = models.ForeignKey(
        "territory.Academie", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    circonscription = models.ForeignKey(
        "territory.Circonscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correspondents",
        help_text=_(
            "Pour un correspondant scientifique : l'organisme dont il suit les accompagnateurs."
        ),
    )
    inactivity_warned_at = models.DateTimeField(
        _("prévenu de son inactivité le"), null=True, blank=True
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def manages_own_account(self) -> bool:
        """Whether the user opened and may delete their account (teacher or volunteer, not staff)."""
        return self.role in SELF_REGISTERED_ROLES and not self.is_staff

    @property
    def mfa_required(self) -> bool:
        """Whether the user must have a second factor (MFA_REQUIRED_ROLES, staff, superusers)."""
        return self.role in MFA_REQUIRED_ROLES or self.is_staff or self.is_superuser
