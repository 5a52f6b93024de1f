"""The audit log: who changed a role or decided on a survey, with the old and new values."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from astep.accounts.models import Role
from surveys.models import DepartementalSurvey, SurveyEvent, SurveyStatus
from tests.factories import UserFactory, departement
from tests.surveys.test_survey_workflow import ANSWERS, file, person  # noqa: F401
from tests.volunteers.test_review import decide, pending

pytestmark = pytest.mark.django_db


def entries_of(obj):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
    ).order_by("timestamp")


def test_an_admin_changing_a_role_is_logged_with_the_actor_and_both_values(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    teacher = UserFactory(role=Role.TEACHER)
    client.force_login(admin)
    ille_et_vilaine = departement("035")

    response = client.post(
        reverse("admin:accounts_user_change", args=[teacher.pk]),
        {
            "email": teacher.email,
            "first_name": teacher.first_name,
            "last_name": teacher.last_name,
            "role": Role.DEPARTMENTAL_CORRESPONDENT,
            "departement": ille_et_vilaine.pk,
            "is_active": "on",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = entries_of(teacher).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == admin
    assert entry.changes_dict["role"] == [Role.TEACHER, Role.DEPARTMENTAL_CORRESPONDENT]
    assert entry.changes_dict["departement"] == ["None", str(ille_et_vilaine.pk)]


def test_the_log_holds_no_password_or_login_time(client):
    user = UserFactory(role=Role.TEACHER)
    user.set_password("another-pass-456")
    user.first_name = "Camille"
    user.save()

    assert not entries_of(user).filter(action=LogEntry.Action.UPDATE).exists()


def test_a_survey_validation_is_logged_with_the_academic_correspondent(
    campaign,  # noqa: F811
    client_factory,
):
    departmental, departmental_user = person(
        client_factory, Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035")
    )
    academic, reviewer = person(
        client_factory, Role.ACADEMIC_CORRESPONDENT, academie=departement("035").academie
    )
    file(departmental, **ANSWERS, transmit="1")
    survey = DepartementalSurvey.objects.get()

    academic.post(
        reverse("surveys:survey_detail", args=[survey.pk]), {"decision": "validate", "comment": ""}
    )

    opened, submitted, validated = entries_of(survey)
    assert submitted.actor == departmental_user
    assert submitted.changes_dict["status"] == [SurveyStatus.DRAFT, SurveyStatus.SUBMITTED]
    assert validated.actor == reviewer
    assert validated.changes_dict["status"] == [SurveyStatus.SUBMITTED, SurveyStatus.VALIDATED]
    event = SurveyEvent.objects.get(action="validated")
    assert entries_of(event).get(action=LogEntry.Action.CREATE).actor == reviewer


def test_admins_read_the_log_in_the_django_admin_and_others_cannot(client):
    teacher = UserFactory(role=Role.TEACHER)
    teacher.role = Role.VOLUNTEER
    teacher.save()
    changelist = reverse("admin:auditlog_logentry_changelist")

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(changelist)
    client.force_login(UserFactory(role=Role.NATIONAL))
    refused = client.get(changelist)

    assert page.status_code == 200
    assert str(teacher) in page.content.decode()
    assert refused.status_code == 302
    # The admin's login page is allauth's secure_admin_login: signed in but not staff.
    assert client.get(refused.url).status_code == 403


def test_the_log_keeps_the_real_address_not_a_forged_forwarded_for(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "nouvel@example.test",
            "password1": "",
            "password2": "",
            "role": "teacher",
            "usable_password": "false",
        },
        headers={"x-forwarded-for": "6.6.6.6"},
    )

    entry = LogEntry.objects.get(action=LogEntry.Action.CREATE, actor=admin)
    assert entry.remote_addr == "127.0.0.1"


def test_a_level_validation_is_logged_with_the_correspondent_who_decided(client):
    correspondent = UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035")
    )
    client.force_login(correspondent)
    profile = pending()

    decide(client, profile, decision="validate")

    decision = entries_of(profile).filter(action=LogEntry.Action.UPDATE).get()
    assert decision.actor == correspondent
    assert decision.changes_dict["review_status"] == ["pending", "validated"]
    assert decision.changes_dict["reviewed_by"] == ["None", str(correspondent.pk)]
