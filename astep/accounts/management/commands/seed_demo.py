"""Create one demo account per role (idempotent) and print them. Development only."""

from datetime import date

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from astep.accounts.models import Role, User
from astep.partners.models import Organisation, OrganisationKind
from astep.school_year import current_school_year
from astep.territory.models import Commune, Ecole
from astep.volunteers.charter import charter_sign
from astep.volunteers.eligibility import Field, Level, Status, Verdict
from astep.volunteers.models import CharterVersion, Month, ProofKind, ReviewStatus, VolunteerProfile
from surveys.models import Campaign

PASSWORD = "astep-demo-2026"
ACCOUNTS = [
    ("enseignante@demo.astep.test", "Camille", "Martin", Role.TEACHER),
    ("accompagnateur@demo.astep.test", "Karim", "Benali", Role.VOLUNTEER),
    ("correspondant@demo.astep.test", "Sophie", "Le Gall", Role.DEPARTMENTAL_CORRESPONDENT),
    ("ien-circonscription@demo.astep.test", "Yann", "Le Bris", Role.CIRCONSCRIPTION_INSPECTOR),
    ("academique@demo.astep.test", "Hélène", "Durand", Role.ACADEMIC_CORRESPONDENT),
    ("scientifique@demo.astep.test", "Paul", "Nguyen", Role.SCIENTIFIC_CORRESPONDENT),
    ("dgesco@demo.astep.test", "Nadia", "Roux", Role.NATIONAL),
    ("benevole-en-attente@demo.astep.test", "Léa", "Moreau", Role.VOLUNTEER),
]


class Command(BaseCommand):
    help = "Crée un compte de démonstration par rôle et ouvre la campagne de l'année."

    @transaction.atomic
    def handle(self, *args, **options):
        ecole = Ecole.objects.select_related("departement__academie", "circonscription").first()
        if ecole is None:
            raise CommandError("Aucune école : lancez d'abord import_annuaire.")
        organisation, _ = Organisation.objects.get_or_create(
            name="Université de démonstration", defaults={"kind": OrganisationKind.UNIVERSITY}
        )
        scope = {
            Role.SCIENTIFIC_CORRESPONDENT: {"organisation": organisation},
            Role.DEPARTMENTAL_CORRESPONDENT: {"departement": ecole.departement},
            Role.ACADEMIC_CORRESPONDENT: {"academie": ecole.departement.academie},
            Role.CIRCONSCRIPTION_INSPECTOR: {"circonscription": ecole.circonscription},
        }
        rows = []
        for email, first_name, last_name, role in ACCOUNTS:
            user, created = User.objects.update_or_create(
                email=email,
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "role": role,
                    **scope.get(role, {}),
                },
            )
            if created:
                user.set_password(PASSWORD)
                user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            rows.append(f"  {user.get_role_display():<45} {email}")
        self._volunteers(ecole, organisation)
        admin, created = User.objects.get_or_create(
            email="admin@demo.astep.test", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(PASSWORD)
            admin.save()
        EmailAddress.objects.update_or_create(
            user=admin, email=admin.email, defaults={"verified": True, "primary": True}
        )
        year = current_school_year()
        Campaign.objects.get_or_create(
            school_year=year,
            defaults={"opens_on": timezone.localdate(), "closes_on": date(int(year[5:]), 7, 4)},
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe : {PASSWORD}) :")
        self.stdout.write("\n".join(rows))
        self.stdout.write(f"  {'Administration (/admin/)':<45} {admin.email}")
        self.stdout.write(
            f"Territoire des correspondants : {ecole.departement}, académie de "
            f"{ecole.departement.academie}"
        )

    def _volunteers(self, ecole, organisation) -> None:
        """Karim has finished onboarding; Léa's level, attested by her university, waits
        for the departmental correspondent."""
        commune = Commune.objects.filter(
            departement=ecole.departement, name=ecole.commune_name
        ).first()
        scientist = User.objects.get(email="scientifique@demo.astep.test")
        common = {
            "birth_date": date(2002, 5, 14),
            "status": Status.STUDENT,
            "organisation": organisation,
            "commune": commune,
            "level": Level.BAC_3,
            "field": Field.PHYSICS,
            "verdict": Verdict.ELIGIBLE,
            "proof_kind": ProofKind.ATTESTATION,
            "attested_by": scientist,
            "attested_at": timezone.now(),
            "submitted_at": timezone.now(),
            "half_days": ["2-am", "4-pm"],
            "free_months": [month.value for month in Month],
        }
        for email, review_status in [
            ("accompagnateur@demo.astep.test", ReviewStatus.VALIDATED),
            ("benevole-en-attente@demo.astep.test", ReviewStatus.PENDING),
        ]:
            user = User.objects.get(email=email)
            VolunteerProfile.objects.update_or_create(
                user=user, defaults={**common, "review_status": review_status}
            )
            charter_sign(
                user=user,
                version=CharterVersion.objects.current(),
                full_name=user.get_full_name(),
                ip_address=None,
            )
