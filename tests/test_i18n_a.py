"""The portal in English (accounts, classes, modules, volunteers): French stays the default,
the language cookie or the browser's Accept-Language switches pages, forms and errors."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from astep.accounts.models import Role
from astep.classes.services import request_problems
from tests.factories import (
    RequestFactory,
    SchoolClassFactory,
    SessionFactory,
    UserFactory,
    departement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """Give the next tests back the default language.

    LocaleMiddleware activates the request's language on the test's own thread and never
    resets it: without this, tests run after an English request would get English messages.
    """
    yield
    translation.deactivate()


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_privacy_page_is_french_by_default(client):
    page = client.get(reverse("privacy")).content.decode()

    assert "Données personnelles et confidentialité" in page
    assert "Personal data and privacy" not in page


def test_the_language_cookie_shows_the_privacy_page_in_english(client):
    page = in_english(client).get(reverse("privacy")).content.decode()

    assert "<h1>Personal data and privacy</h1>" in page
    assert "Why we process this data" in page
    # The figures still fill the translated sentence.
    assert "After 2 years without signing in" in page
    assert "Données personnelles et confidentialité" not in page


def test_the_browser_language_shows_a_teachers_classes_in_english(client):
    school_class = SchoolClassFactory(pupils=24)
    client.force_login(school_class.teacher)

    page = client.get(reverse("classes:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<h1>My classes and requests</h1>" in page
    assert "Add a class" in page
    assert "24 pupils" in page
    assert "<h1>Mes classes et demandes</h1>" not in page


def test_a_correspondents_request_list_counts_in_english_with_plurals(client):
    correspondent = UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035")
    )
    ecole_class = SchoolClassFactory(ecole__departement=departement("035"))
    RequestFactory(school_class=ecole_class, sessions_count=1)
    RequestFactory(school_class=SchoolClassFactory(ecole__departement=departement("035")))
    in_english(client).force_login(correspondent)

    page = client.get(reverse("classes:request_list")).content.decode()

    assert "2 requests" in page
    assert "1 session<" in page
    assert "6 sessions" in page
    assert "Support requests" in page


def test_a_wrong_password_is_refused_in_english_and_in_french(client_factory):
    user = UserFactory(role=Role.TEACHER)
    french, english = client_factory(), in_english(client_factory())
    for browser in (french, english):
        browser.force_login(user)
    form = {"password": "not-my-password", "understood": "on"}

    english_page = english.post(reverse("accounts:account_delete"), form).content.decode()
    french_page = french.post(reverse("accounts:account_delete"), form).content.decode()

    assert "This password is not the right one." in english_page
    assert "Ce mot de passe n&#x27;est pas le bon." in french_page
    user.refresh_from_db()
    assert user.is_active


def test_an_incomplete_draft_says_what_is_missing_in_the_active_language():
    draft = RequestFactory.build(
        school_class=SchoolClassFactory(), theme="", status="draft", half_days=[]
    )

    with translation.override("en"):
        english = request_problems(draft)
    with translation.override("fr"):
        french = request_problems(draft)

    assert english["theme"] == "Choose a theme."
    assert english["half_days"] == "Tick at least one half-day."
    assert french["theme"] == "Choisissez un thème."


def test_a_module_page_speaks_english_down_to_its_status_labels(client):
    session = SessionFactory(date=date.today() - timedelta(days=1), status="held")
    SessionFactory(module=session.module)
    in_english(client).force_login(session.module.teacher)

    page = client.get(reverse("modules:detail", args=[session.module.pk])).content.decode()

    assert "Sessions: 1 held out of 2" in page
    assert ">Held</span>" in page
    assert ">Planned</span>" in page
    assert "Add to my calendar (.ics)" in page
    assert "Réalisée" not in page
