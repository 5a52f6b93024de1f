import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from astep.accounts.models import Role
from astep.modules.models import Feedback, SessionStatus
from tests.factories import ModuleFactory, SessionFactory, UserFactory, departement

ANSWER = {
    "satisfaction": "4",
    "what_worked": "Les élèves ont construit un thermomètre.",
    "would_repeat": "True",
    "comments": "",
}


@pytest.fixture
def module(db):
    """A module whose first session is held and the next ones planned."""
    module = ModuleFactory()
    SessionFactory(module=module, date=date.today() - timedelta(days=7), status=SessionStatus.HELD)
    SessionFactory(module=module, date=date.today() + timedelta(days=7))
    return module


def answer(client, module, **data):
    return client.post(reverse("modules:feedback", args=[module.pk]), {**ANSWER, **data})


def test_the_teacher_and_the_volunteer_each_answer_once(client_factory, module):
    for user in (module.teacher, module.volunteer):
        client = client_factory()
        client.force_login(user)
        response = answer(client, module)

        assert response.status_code == 302
        assert response.url == reverse("modules:detail", args=[module.pk])
        [message] = get_messages(response.wsgi_request)
        assert str(message) == "Merci, vos réponses sont enregistrées."

    rows = {f.user: f for f in Feedback.objects.filter(module=module)}
    assert set(rows) == {module.teacher, module.volunteer}
    assert rows[module.teacher].role == Role.TEACHER
    assert rows[module.volunteer].role == Role.VOLUNTEER
    assert rows[module.volunteer].satisfaction == 4
    assert rows[module.volunteer].would_repeat is True
    assert rows[module.volunteer].what_worked == ANSWER["what_worked"]


def test_answering_again_updates_the_same_answer(client, module):
    client.force_login(module.teacher)
    answer(client, module)
    client.force_login(module.volunteer)
    answer(client, module)
    first = Feedback.objects.get(user=module.volunteer)

    page = client.get(reverse("modules:feedback", args=[module.pk])).content.decode()
    assert "Vous pouvez modifier vos réponses" in page
    assert re.search(r'value="4"[^>]*checked', page)
    assert ANSWER["what_worked"] in page
    response = answer(
        client, module, satisfaction="2", would_repeat="False", comments="Trop court."
    )

    assert response.status_code == 302
    assert Feedback.objects.filter(module=module).count() == 2
    again = Feedback.objects.get(user=module.volunteer)
    assert again.pk == first.pk
    assert (again.satisfaction, again.would_repeat, again.comments) == (2, False, "Trop court.")
    assert again.at >= first.at


def test_a_satisfaction_out_of_range_is_shown_and_the_text_kept(client, module):
    client.force_login(module.volunteer)

    response = answer(client, module, satisfaction="6", comments="Une remarque à garder.")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in page
    assert ANSWER["what_worked"] in page and "Une remarque à garder." in page
    assert not Feedback.objects.exists()


def test_would_repeat_must_be_answered(client, module):
    client.force_login(module.teacher)

    response = answer(client, module, would_repeat="")

    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "who", ["other_teacher", "other_volunteer", "correspondent_of_the_departement", "national"]
)
def test_nobody_but_the_teacher_and_the_volunteer_reach_the_questionnaire(client, module, who):
    users = {
        "other_teacher": lambda: UserFactory(role=Role.TEACHER),
        "other_volunteer": lambda: UserFactory(role=Role.VOLUNTEER),
        "correspondent_of_the_departement": lambda: UserFactory(
            role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035")
        ),
        "national": lambda: UserFactory(role=Role.NATIONAL),
    }
    client.force_login(users[who]())

    assert client.get(reverse("modules:feedback", args=[module.pk])).status_code == 404
    assert answer(client, module).status_code == 404
    assert not Feedback.objects.exists()


def test_an_anonymous_visitor_is_sent_to_login_for_the_questionnaire(client, module):
    response = client.get(reverse("modules:feedback", args=[module.pk]))

    assert response.status_code == 302 and "/comptes/" in response.url


def test_before_a_held_session_the_questionnaire_is_not_open(client, db):
    module = ModuleFactory()
    SessionFactory(module=module)
    client.force_login(module.teacher)

    page = client.get(reverse("modules:feedback", args=[module.pk])).content.decode()
    assert "Le questionnaire s'ouvre après la première séance réalisée" in page
    assert 'name="satisfaction"' not in page

    response = answer(client, module)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Le questionnaire s&#x27;ouvre après la première séance réalisée." in page
    assert ANSWER["what_worked"] in page
    assert not Feedback.objects.exists()
