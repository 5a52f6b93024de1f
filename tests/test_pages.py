"""The frame of every page: menu, breadcrumb, footer, legal pages, language, form errors."""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from astep.accounts.models import Role
from astep.school_year import current_school_year
from surveys.models import Campaign
from tests.factories import UserFactory, VolunteerProfileFactory, departement

pytestmark = pytest.mark.django_db

FOOTER_LINKS = {
    "accessibility": "Accessibilité : partiellement conforme",
    "legal_notice": "Mentions légales",
    "privacy": "Données personnelles",
    "sitemap": "Plan du site",
}


def page(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_has_the_mandatory_footer_links(client, signed_in):
    if signed_in:
        client.force_login(UserFactory(role=Role.TEACHER))
    html = page(client, reverse("home"))
    footer = html[html.index('<footer class="fr-footer"') :]
    for name, label in FOOTER_LINKS.items():
        assert f'href="{reverse(name)}">{label}</a>' in footer


def test_the_accessibility_statement_gives_the_state_the_audit_and_the_recourse(client):
    html = page(client, reverse("accessibility"))
    assert title_of(html) == "Accessibilité — ASTEP"
    text = " ".join(html.split())
    assert "Le portail ASTEP est <strong>partiellement conforme</strong>" in text
    assert "(RGAA), version 4.1" in text
    assert "<strong>auto-évaluation</strong> conduite en novembre 2026" in text
    assert "axe-core" in text
    assert "Contenus non accessibles" in text
    assert "vous pouvez nous signaler le défaut" in text
    assert "Défenseur des droits, Libre réponse 71120" in text


def test_the_legal_notice_names_the_publisher_the_host_and_the_director(client, settings):
    settings.LEGAL_HOSTING = "OVHcloud, 2 rue Kellermann, 59100 Roubaix"
    settings.LEGAL_PUBLICATION_DIRECTOR = "Le directeur général de l’enseignement scolaire"
    html = page(client, reverse("legal_notice"))
    assert title_of(html) == "Mentions légales — ASTEP"
    assert "DGESCO" in html and "110 rue de Grenelle" in html and "75007 Paris" in html
    assert "OVHcloud, 2 rue Kellermann, 59100 Roubaix" in html
    assert "Le directeur général de l’enseignement scolaire" in html


def test_the_privacy_page_says_which_cookies_are_used(client):
    html = page(client, reverse("privacy"))
    assert 'id="cookies"' in html
    assert "la session" in html and "CSRF" in html and "la langue choisie" in html


def test_the_sitemap_lists_the_menu_of_the_signed_in_person(client):
    client.force_login(
        UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035"))
    )
    html = page(client, reverse("sitemap"))
    main = html[html.index('<main id="content"') :]
    assert f'href="{reverse("matching:board")}">Appariement</a>' in main
    assert f'href="{reverse("classes:list")}"' not in main  # the teacher's, not theirs


def test_the_header_shows_the_ministry_block_and_the_skip_links_reach_real_targets(client):
    client.force_login(UserFactory(role=Role.TEACHER))
    html = page(client, reverse("home"))
    assert '<p class="fr-logo">Ministère<br>de l\'Éducation<br>nationale</p>' in html
    for target in re.findall(r'class="fr-skiplinks__list">(.*?)</ul>', html, re.S)[0].split(
        'href="#'
    )[1:]:
        assert f'id="{target.split(chr(34))[0]}"' in html


def test_the_menu_marks_the_current_page_and_the_breadcrumb_leads_back(client):
    client.force_login(UserFactory(role=Role.TEACHER))
    html = page(client, reverse("modules:agenda"))
    assert f'href="{reverse("modules:agenda")}" aria-current="page">Mon agenda</a>' in html
    assert f'href="{reverse("home")}" aria-current' not in html
    crumbs = html[html.index('class="fr-breadcrumb"') : html.index('<main id="content"')]
    assert f'href="{reverse("home")}">Accueil</a>' in crumbs
    assert 'aria-current="page">Mon agenda</a>' in crumbs


def test_an_inner_page_marks_its_menu_section_and_names_it_in_the_breadcrumb(client):
    client.force_login(UserFactory(role=Role.TEACHER))
    html = page(client, reverse("classes:create"))
    section = reverse("classes:list")
    assert f'href="{section}" aria-current="true">Mes classes et demandes</a>' in html
    crumbs = html[html.index('class="fr-breadcrumb"') : html.index('<main id="content"')]
    assert f'href="{section}">Mes classes et demandes</a>' in crumbs


def test_the_home_page_has_no_breadcrumb_and_page_titles_differ(client):
    client.force_login(UserFactory(role=Role.TEACHER))
    home = page(client, reverse("home"))
    assert 'class="fr-breadcrumb"' not in home
    titles = {
        title_of(page(client, reverse(name)))
        for name in ["home", "modules:agenda", "classes:list", "privacy"]
    }
    assert titles == {
        "Accueil — ASTEP",
        "Mon agenda — ASTEP",
        "Mes classes — ASTEP",
        "Données personnelles — ASTEP",
    }


def test_the_language_switcher_sets_the_language_cookie_and_the_lang_attribute(client):
    html = page(client, reverse("home"))
    assert '<html lang="fr"' in html
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en" lang="en"' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("privacy")})
    assert response.status_code == 302 and response.url == reverse("privacy")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = page(client, reverse("home"))
    assert '<html lang="en"' in html
    assert 'name="language" value="fr" lang="fr"' in html


def test_a_form_sent_with_errors_starts_with_a_summary_linking_to_each_field(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "pas-une-adresse", "first_name": "Camille", "last_name": "", "password1": "x"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(
        r'<div class="fr-alert fr-alert--error[^>]*data-error-summary[^>]*>(.*?)</div>', html, re.S
    )
    assert summary, "no error summary"
    count = re.search(r"Le formulaire contient (\d+) erreurs", summary.group(1))
    links = re.findall(r'<a href="#([^"]+)">', summary.group(1))
    assert count and int(count.group(1)) == len(links) >= 4
    assert {"id_email", "id_last_name", "id_role_0"} <= set(links)
    for target in links:  # every link reaches a field of the page
        assert f'id="{target}"' in html
    # the field tells the same error under itself, tied to it for screen readers
    assert 'aria-describedby="id_email-desc-error"' in html and 'id="id_email-desc-error"' in html
    assert 'value="Camille"' in html  # what was typed stays
    assert '<script src="/static/js/error_summary.js" defer></script>' in html


def test_no_page_loads_an_asset_from_another_site(client):
    client.force_login(UserFactory(role=Role.TEACHER))
    html = page(client, reverse("home"))
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html)


def test_the_survey_form_shows_one_error_summary_above_its_figures(client):
    Campaign.objects.create(
        school_year=current_school_year(),
        opens_on=date.today() - timedelta(days=1),
        closes_on=date.today() + timedelta(days=30),
    )
    d35 = departement("035")
    client.force_login(UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=d35))
    page(client, reverse("surveys:survey"))  # opens the survey
    response = client.post(reverse("surveys:survey"), {"training_actions": "-3"})
    html = response.content.decode()
    assert html.count("data-error-summary") == 1
    assert 'href="#id_training_actions"' in html


MENU_USERS = {
    Role.TEACHER: {},
    Role.VOLUNTEER: {},
    Role.DEPARTMENTAL_CORRESPONDENT: {"departement": "035"},
    Role.ACADEMIC_CORRESPONDENT: {"academie": "035"},
    Role.NATIONAL: {},
}


@pytest.mark.parametrize("role", list(MENU_USERS))
def test_every_menu_page_has_its_own_title_and_marks_itself_current(client, role):
    territory = {}
    if "departement" in MENU_USERS[role]:
        territory["departement"] = departement("035")
    if "academie" in MENU_USERS[role]:
        territory["academie"] = departement("035").academie
    user = VolunteerProfileFactory().user if role == Role.VOLUNTEER else None
    client.force_login(user or UserFactory(role=role, **territory))
    menu = re.findall(r'class="fr-nav__link" href="([^"]+)"', page(client, reverse("home")))
    assert len(menu) >= 4
    titles = []
    for address in menu:
        html = page(client, address)
        titles.append(title_of(html))
        assert f'href="{address}" aria-current="page"' in html
        assert html.count('aria-current="page"') == 1 + ('class="fr-breadcrumb"' in html)
    assert all(title.endswith(" — ASTEP") for title in titles)
    assert len(set(titles)) == len(titles), titles
