"""factory_boy factories over the real référentiel (départements come from the migration)."""

import time as clock
from datetime import date, time, timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.utils import timezone

from astep.accounts.models import Role, User
from astep.classes.models import AccompanimentRequest, SchoolClass
from astep.modules.models import Feedback, Module, Session
from astep.partners.models import Organisation
from astep.school_year import current_school_year
from astep.territory.models import Commune, Departement, Ecole
from astep.volunteers.models import CharterSignature, CharterVersion, VolunteerProfile

# The second factor of the users who need one (base32, any 16+ characters of A-Z2-7).
TOTP_SECRET = "TESTTESTTESTTESTTESTTESTTESTTEST"
PASSWORD = "secret-pass-123"  # every factory user's


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The 6-digit code an authenticator app shows now for `secret` (RFC 6238, 30 s)."""
    return format_hotp_value(hotp_value(secret, int(clock.time()) // 30))


def departement(code: str) -> Departement:
    return Departement.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.test")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    role = Role.TEACHER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    @factory.post_generation
    def second_factor(user, create, extracted, **kwargs):
        """Roles that require MFA get a TOTP of secret TOTP_SECRET, as after their set-up;
        `second_factor=False` leaves them without one."""
        if create and extracted is not False and user.mfa_required:
            TOTP.activate(user, TOTP_SECRET)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code_insee = factory.Sequence(lambda n: f"35{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.LazyFunction(lambda: departement("035"))
    postcodes = "35000"
    latitude = 48.1113
    longitude = -1.6800


class EcoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ecole

    uai = factory.Sequence(lambda n: f"{9900000 + n:07d}A")
    name = factory.Sequence(lambda n: f"École élémentaire n° {n}")
    commune_name = "Rennes"
    departement = factory.LazyFunction(lambda: departement("035"))
    latitude = 48.1173
    longitude = -1.6778


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Université n° {n}")
    kind = "university"


class VolunteerProfileFactory(factory.django.DjangoModelFactory):
    """A volunteer who finished onboarding: level validated, free on Thursday afternoons
    and Tuesday mornings all year, living near Rennes, current charter signed
    (`signed=False` to leave it unsigned)."""

    class Meta:
        model = VolunteerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.VOLUNTEER)
    birth_date = date(2000, 1, 15)
    level = "bac+3"
    field = "physics"
    status = "student"
    organisation = None
    commune = factory.SubFactory(CommuneFactory)
    max_distance_km = 20
    half_days = ["4-pm", "2-am"]
    free_months = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6]
    verdict = "eligible"
    proof_kind = "diploma"
    review_status = "validated"
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def signed(profile, create, extracted, **kwargs):
        if extracted is not False:
            CharterSignature.objects.create(
                user=profile.user,
                version=CharterVersion.objects.current(),
                full_name=profile.user.get_full_name(),
                ip_address="127.0.0.1",
            )


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    teacher = factory.SubFactory(UserFactory, role=Role.TEACHER)
    ecole = factory.SubFactory(EcoleFactory)
    school_year = factory.LazyFunction(current_school_year)
    levels = ["CE2", "CM1"]
    pupils = 24


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccompanimentRequest

    school_class = factory.SubFactory(SchoolClassFactory)
    theme = "matter"
    period_start = factory.LazyFunction(lambda: date.today() + timedelta(days=14))
    period_end = factory.LazyFunction(lambda: date.today() + timedelta(days=120))
    sessions_count = 6
    half_days = ["4-pm"]
    status = "submitted"
    submitted_at = factory.LazyFunction(timezone.now)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    request = factory.SubFactory(RequestFactory, status="matched")
    volunteer = factory.SubFactory(UserFactory, role=Role.VOLUNTEER)
    co_volunteer = None  # a binôme: pass a second volunteer
    school_year = factory.LazyAttribute(lambda m: m.request.school_class.school_year)
    half_day = "4-pm"


class SessionFactory(factory.django.DjangoModelFactory):
    """An afternoon session (14:00–16:00) a week from today; pass `date` for another day."""

    class Meta:
        model = Session

    module = factory.SubFactory(ModuleFactory)
    volunteer = factory.LazyAttribute(lambda s: s.module.volunteer)
    date = factory.LazyFunction(lambda: date.today() + timedelta(days=7))
    start_time = time(14, 0)
    end_time = time(16, 0)


class FeedbackFactory(factory.django.DjangoModelFactory):
    """The teacher's end-of-module questionnaire; pass `user` and `role` for a volunteer's."""

    class Meta:
        model = Feedback

    module = factory.SubFactory(ModuleFactory)
    user = factory.LazyAttribute(lambda f: f.module.request.school_class.teacher)
    role = Role.TEACHER
    satisfaction = 4
    would_repeat = True


def request_form_data(**overrides) -> dict:
    """A complete request form (living things, in class, 6 sessions on Thursday afternoons,
    starting in 20 days), as posted; `overrides` change or add fields."""
    start = date.today() + timedelta(days=20)
    return {
        "theme": "living",
        "form": "in_class",
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=80)).isoformat(),
        "sessions_count": 6,
        "half_days": ["4-pm"],
        "accompanists": 1,
        "comment": "Élevage de phasmes",
        **overrides,
    }
