"""Create one demo account per role (idempotent) and print them. Development only."""

from datetime import date, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from astep.accounts.models import Role, User
from astep.classes.models import AccompanimentRequest, RequestStatus, SchoolClass, Theme
from astep.modules.models import Module, Session, SessionConfirmation, SessionStatus
from astep.modules.school_calendar import SchoolCalendar, sessions_plan
from astep.partners.models import Organisation, OrganisationKind
from astep.school_year import current_school_year
from astep.territory.models import Commune, Ecole
from astep.volunteers.charter import charter_sign
from astep.volunteers.eligibility import Field, Level, Status, Verdict
from astep.volunteers.models import CharterVersion, Month, ProofKind, ReviewStatus, VolunteerProfile
from surveys.figures import figures_sum
from surveys.models import Campaign, DepartementalSurvey, SurveyStatus

PASSWORD = "astep-demo-2026"
# The demo's second factor (base32), shared by every account whose role requires MFA: add
# it to an authenticator app by hand (README, "Comptes de démonstration"). Public: demo only.
DEMO_TOTP_SECRET = "ASTEPDEMOASTEPDEMOASTEPDEMO23456"
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

# The waiting requests of the demo: teacher's first name, levels, half-days, accompanists.
DEMO_REQUESTS = [
    ("Léo", ["CM1", "CM2"], ["2-am", "4-pm"], 1),
    ("Manon", ["CE2"], ["4-pm"], 1),
    ("Hugo", ["CM2"], ["2-am", "5-am"], 2),
    ("Chloé", ["CP", "CE1"], ["1-am"], 1),
]
# Volunteers available for a plan: e-mail, first name, half-days, km, modules this year.
DEMO_VOLUNTEERS = [
    ("ines@demo.astep.test", "Inès", ["2-am", "4-pm"], 15, 2),
    ("thomas@demo.astep.test", "Thomas", ["4-pm", "5-am"], 10, 1),
    ("julie@demo.astep.test", "Julie", ["2-am", "5-am"], 25, 1),
]


class Command(BaseCommand):
    help = "Crée un compte de démonstration par rôle et ouvre la campagne de l'année."

    @transaction.atomic
    def handle(self, *args, **options):
        ecoles = Ecole.objects.select_related("departement__academie", "circonscription")
        ecole = ecoles.exclude(nature__icontains="maternelle").first() or ecoles.first()
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
            _demo_second_factor(user)
            rows.append(f"  {user.get_role_display():<45} {email}")
        self._volunteers(ecole, organisation)
        self._module(ecole)
        self._pool(ecole, organisation)
        admin, created = User.objects.get_or_create(
            email="admin@demo.astep.test", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(PASSWORD)
            admin.save()
        EmailAddress.objects.update_or_create(
            user=admin, email=admin.email, defaults={"verified": True, "primary": True}
        )
        _demo_second_factor(admin)
        year = current_school_year()
        campaign, _ = Campaign.objects.get_or_create(
            school_year=year,
            defaults={"opens_on": timezone.localdate(), "closes_on": date(int(year[5:]), 7, 4)},
        )
        self._surveys(campaign, ecole.departement)
        self.stdout.write(f"Comptes de démonstration (mot de passe : {PASSWORD}) :")
        self.stdout.write("\n".join(rows))
        self.stdout.write(f"  {'Administration (/admin/)':<45} {admin.email}")
        self.stdout.write(
            "Double authentification des correspondants, de la DGESCO et de l'administration : "
            f"clé {DEMO_TOTP_SECRET} (à saisir dans une application d'authentification)."
        )
        self.stdout.write(
            f"Territoire des correspondants : {ecole.departement}, académie de "
            f"{ecole.departement.academie}"
        )

    def _surveys(self, campaign, departement) -> None:
        """The other départements of the académie have filed: one validated, one waiting for
        the academic correspondent, one still a draft; the demo's own is left to file."""
        others = departement.academie.departements.exclude(pk=departement.pk).order_by("code")
        states = [SurveyStatus.VALIDATED, SurveyStatus.SUBMITTED, SurveyStatus.DRAFT]
        for other, status in zip(others, states, strict=False):
            submitted = None if status == SurveyStatus.DRAFT else timezone.now()
            DepartementalSurvey.objects.get_or_create(
                campaign=campaign,
                departement=other,
                defaults={
                    "status": status,
                    "figures": figures_sum([]),
                    "training_actions": 1,
                    "training_participants": 12,
                    "conventions_signed": 0,
                    "submitted_at": submitted,
                    "validated_at": submitted if status == SurveyStatus.VALIDATED else None,
                },
            )

    def _module(self, ecole) -> None:
        """Camille's CM1-CM2 runs a module with Karim: started three weeks ago on Thursday
        afternoons, the sessions so far held (the first confirmed by both), the rest to come."""
        teacher = User.objects.get(email="enseignante@demo.astep.test")
        volunteer = User.objects.get(email="accompagnateur@demo.astep.test")
        school_class, created = SchoolClass.objects.get_or_create(
            teacher=teacher,
            ecole=ecole,
            school_year=current_school_year(),
            name="CM1-CM2 (démonstration)",
            defaults={"levels": ["CM1", "CM2"], "pupils": 25},
        )
        if not created:
            return
        today = timezone.localdate()
        start = today - timedelta(weeks=3)
        plan = sessions_plan(
            start=start, half_day="4-pm", count=6, calendar=SchoolCalendar.of_ecole(ecole)
        )
        request = AccompanimentRequest.objects.create(
            school_class=school_class,
            theme=Theme.MATTER,
            period_start=start,
            period_end=start + timedelta(weeks=12),
            half_days=["4-pm"],
            status=RequestStatus.IN_PROGRESS,
            submitted_at=timezone.now() - timedelta(weeks=5),
        )
        module = Module.objects.create(
            request=request,
            volunteer=volunteer,
            school_year=school_class.school_year,
            half_day="4-pm",
        )
        for number, (day, begin, end) in enumerate(plan.slots):
            session = Session.objects.create(
                module=module,
                volunteer=volunteer,
                date=day,
                start_time=begin,
                end_time=end,
                topic=f"Séance {number + 1} : les états de l'eau",
                status=SessionStatus.HELD if day < today else SessionStatus.PLANNED,
            )
            if day < today:  # held means confirmed: by both for the first, the teacher after
                for user in (teacher, volunteer) if number == 0 else (teacher,):
                    SessionConfirmation.objects.create(session=session, user=user)

    def _pool(self, ecole, organisation) -> None:
        """Requests waiting in the écoles nearest the demo one, and volunteers around, so
        that *Proposer un plan* has something to do: one request stays unserved (Monday
        morning, when nobody is free) and one asks for a binôme."""
        near = sorted(
            Ecole.objects.filter(departement=ecole.departement, latitude__isnull=False)
            .exclude(pk=ecole.pk)
            .exclude(nature__icontains="maternelle"),
            key=lambda e: (e.latitude - ecole.latitude) ** 2 + (e.longitude - ecole.longitude) ** 2,
        )[: len(DEMO_REQUESTS)]
        today = timezone.localdate()
        for number, (other, (first_name, levels, half_days, accompanists)) in enumerate(
            zip(near, DEMO_REQUESTS, strict=False)
        ):
            teacher, _ = _demo_user(
                f"enseignant-{number + 1}@demo.astep.test", first_name, Role.TEACHER
            )
            school_class, created = SchoolClass.objects.get_or_create(
                teacher=teacher,
                ecole=other,
                school_year=current_school_year(),
                defaults={"levels": levels, "pupils": 24},
            )
            if created:
                AccompanimentRequest.objects.create(
                    school_class=school_class,
                    theme=Theme.LIVING,
                    period_start=today + timedelta(weeks=2),
                    period_end=today + timedelta(weeks=14),
                    half_days=half_days,
                    accompanists=accompanists,
                    status=RequestStatus.SUBMITTED,
                    submitted_at=timezone.now() - timedelta(weeks=number + 1),
                )
        commune = Commune.objects.filter(departement=ecole.departement, name=ecole.commune_name)
        for email, first_name, half_days, km, modules in DEMO_VOLUNTEERS:
            user, created = _demo_user(email, first_name, Role.VOLUNTEER)
            if not created:
                continue
            VolunteerProfile.objects.create(
                user=user,
                birth_date=date(1998, 3, 2),
                status=Status.ENGINEER,
                organisation=organisation,
                commune=commune.first(),
                level=Level.BAC_5,
                field=Field.ENGINEERING,
                verdict=Verdict.ELIGIBLE,
                review_status=ReviewStatus.VALIDATED,
                proof_kind=ProofKind.DIPLOMA,
                submitted_at=timezone.now(),
                half_days=half_days,
                free_months=[month.value for month in Month],
                max_distance_km=km,
                max_modules=modules,
                preferred_levels=["CM1", "CM2"],
            )
            charter_sign(
                user=user,
                version=CharterVersion.objects.current(),
                full_name=user.get_full_name(),
                ip_address=None,
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


def _demo_second_factor(user: User) -> None:
    """Give `user` the demo TOTP (DEMO_TOTP_SECRET) when their role requires MFA."""
    has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    if user.mfa_required and not has_totp:
        TOTP.activate(user, DEMO_TOTP_SECRET)


def _demo_user(email: str, first_name: str, role: str) -> tuple[User, bool]:
    """A demo account who can sign in with PASSWORD (verified address); (user, created)."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": "Démo", "role": role}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, created
