"""The departmental survey: prefilled figures, corrections with a comment, the answers the
portal cannot know, and the review draft → submitted → returned → submitted → validated."""

import pytest
from django.core import mail
from django.urls import reverse

from astep.accounts.models import Role
from surveys.models import DepartementalSurvey, SurveyCorrection, SurveyStatus
from tests.factories import (
    EcoleFactory,
    ModuleFactory,
    RequestFactory,
    SchoolClassFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)
from tests.surveys.test_report_coverage import effectif

pytestmark = pytest.mark.django_db

ANSWERS = {"training_actions": "2", "training_participants": "31", "conventions_signed": "1"}


def person(client_factory, role, **territory):
    """A signed-in client for a new user of `role` in `territory` (departement=…, academie=…)."""
    user = UserFactory(role=role, **territory)
    client = client_factory()
    client.force_login(user)
    return client, user


@pytest.fixture
def ille_et_vilaine(client_factory):
    """The departmental correspondent of Ille-et-Vilaine, with 2 classes accompanied there."""
    for levels in (["CM1"], ["CP"]):
        school_class = SchoolClassFactory(levels=levels, ecole=EcoleFactory())
        ModuleFactory(
            request=RequestFactory(school_class=school_class, status="matched"),
            volunteer=VolunteerProfileFactory().user,
        )
    return person(client_factory, Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035"))


@pytest.fixture
def rennes(client_factory):
    """The academic correspondent of the académie de Rennes (Ille-et-Vilaine's)."""
    return person(client_factory, Role.ACADEMIC_CORRESPONDENT, academie=departement("035").academie)


def file(client, **data):
    return client.post(reverse("surveys:survey"), data)


def test_the_survey_opens_with_the_portal_figures_and_their_source(campaign, ille_et_vilaine):
    client, _ = ille_et_vilaine

    page = client.get(reverse("surveys:survey")).content.decode()

    survey = DepartementalSurvey.objects.get(departement=departement("035"))
    assert survey.figures["classes"] == 2 and survey.figures["classes_cycle_3"] == 1
    assert "Classes de cycle 3" in page
    assert "Classes des modules de l&#x27;année scolaire" in page  # where it comes from
    assert 'data-autosave="true"' in page


def test_a_correction_keeps_both_values_and_its_justification(campaign, ille_et_vilaine):
    client, user = ille_et_vilaine

    file(client, **ANSWERS, fix_classes="3", why_classes="Une classe suivie hors du portail.")

    correction = SurveyCorrection.objects.get(key="classes")
    assert (correction.portal_value, correction.value, correction.by) == (2, 3, user)
    assert correction.survey.answers()["classes"] == 3
    assert correction.survey.figures["classes"] == 2  # the portal's count stays


def test_a_saved_correction_shows_again_as_typed(campaign, ille_et_vilaine):
    client, _ = ille_et_vilaine
    file(
        client, **ANSWERS, fix_classes="10", why_classes="Dix.", fix_hours="12.5", why_hours="Oui."
    )

    page = client.get(reverse("surveys:survey")).content.decode()

    assert (
        'name="fix_classes" id="id_fix_classes" class="fr-input" step="any" min="0" value="10"'
        in page
    )
    assert 'id="id_fix_hours" class="fr-input" step="any" min="0" value="12.5"' in page


def test_a_correction_back_to_the_portal_value_is_dropped(campaign, ille_et_vilaine):
    client, _ = ille_et_vilaine
    file(client, fix_classes="3", why_classes="Oubli.")

    file(client, fix_classes="2", why_classes="Finalement non.")

    assert not SurveyCorrection.objects.exists()


def test_submitting_an_unjustified_correction_is_refused_next_to_the_field_and_kept(
    campaign, ille_et_vilaine
):
    client, _ = ille_et_vilaine

    response = file(client, **ANSWERS, fix_pupils="70", why_pupils="", transmit="1")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_why_pupils-error"' in page and "Justifiez la correction" in page
    assert 'aria-invalid="true" aria-describedby="id_why_pupils-error"' in page  # read with it
    assert (
        'name="fix_pupils" id="id_fix_pupils" class="fr-input" step="any" min="0" value="70"'
        in page
    )
    survey = DepartementalSurvey.objects.get()
    assert survey.status == SurveyStatus.DRAFT
    assert survey.training_participants == 31  # and the draft kept it


def test_a_part_above_its_total_is_refused(campaign, ille_et_vilaine):
    client, _ = ille_et_vilaine

    response = file(
        client, **ANSWERS, fix_classes_rep_plus="5", why_classes_rep_plus="Erreur ?", transmit="1"
    )

    page = response.content.decode()
    assert "« Classes en REP+ » (5) dépasse « Classes accompagnées » (2)" in page
    assert DepartementalSurvey.objects.get().status == SurveyStatus.DRAFT


def test_a_negative_figure_is_refused_and_nothing_is_saved(campaign, ille_et_vilaine):
    client, _ = ille_et_vilaine

    response = file(client, **ANSWERS, fix_modules="-1", why_modules="?")

    assert "supérieure ou égale à 0" in response.content.decode()
    assert not SurveyCorrection.objects.exists()
    assert DepartementalSurvey.objects.get().training_actions is None


def test_the_answers_the_portal_cannot_know_are_required_to_submit(campaign, ille_et_vilaine):
    client, _ = ille_et_vilaine

    response = file(client, transmit="1")

    page = response.content.decode()
    assert "Indiquez le nombre d&#x27;actions de formation" in page
    assert "Indiquez le nombre de conventions signées" in page
    assert DepartementalSurvey.objects.get().status == SurveyStatus.DRAFT


def test_the_page_saves_the_draft_as_the_correspondent_types(campaign, ille_et_vilaine):
    client, _ = ille_et_vilaine
    client.get(reverse("surveys:survey"))

    response = client.post(
        reverse("surveys:survey"),
        {"difficulties": "Peu d'étudiants en zone rurale.", "draft": "1"},
        headers={"X-Autosave": "1"},
    )

    assert response.json() == {"saved": True}
    assert DepartementalSurvey.objects.get().difficulties == "Peu d'étudiants en zone rurale."


def test_the_autosave_keeps_the_figures_the_page_showed_until_it_is_opened_again(
    campaign, ille_et_vilaine
):
    client, _ = ille_et_vilaine
    client.get(reverse("surveys:survey"))
    ModuleFactory(
        request=RequestFactory(
            school_class=SchoolClassFactory(levels=["CE1"], ecole=EcoleFactory()), status="matched"
        ),
        volunteer=VolunteerProfileFactory().user,
    )

    client.post(reverse("surveys:survey"), {"difficulties": "…"}, headers={"X-Autosave": "1"})
    assert DepartementalSurvey.objects.get().figures["classes"] == 2  # what the page shows

    client.get(reverse("surveys:survey"))
    assert DepartementalSurvey.objects.get().figures["classes"] == 3


def test_submitted_returned_submitted_validated_then_locked(
    campaign, ille_et_vilaine, rennes, django_capture_on_commit_callbacks
):
    client, correspondent = ille_et_vilaine
    academic, reviewer = rennes
    with django_capture_on_commit_callbacks(execute=True):
        file(client, **ANSWERS, transmit="1")
    survey = DepartementalSurvey.objects.get()
    assert survey.status == SurveyStatus.SUBMITTED
    assert any(m.to == [reviewer.email] for m in mail.outbox)
    detail = reverse("surveys:survey_detail", args=[survey.pk])

    # A return needs a comment, which reaches the département.
    page = academic.post(detail, {"decision": "return", "comment": ""}).content.decode()
    assert "Dites au correspondant départemental ce qu&#x27;il faut revoir" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        academic.post(detail, {"decision": "return", "comment": "Les heures semblent faibles."})
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.RETURNED
    (returned,) = mail.outbox
    assert returned.to == [correspondent.email] and "Les heures semblent faibles." in returned.body
    assert "Les heures semblent faibles." in client.get(reverse("surveys:survey")).content.decode()

    file(client, **ANSWERS, fix_hours="14", why_hours="Séances d'1 h 30.", transmit="1")
    academic.post(detail, {"decision": "validate", "comment": ""})
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.VALIDATED

    # Validated: the département can no longer change it.
    file(client, **{**ANSWERS, "training_actions": "9"})
    survey.refresh_from_db()
    assert survey.training_actions == 2
    assert 'data-autosave="true"' not in client.get(reverse("surveys:survey")).content.decode()
    assert [e.action for e in survey.events.all()] == [
        "submitted",
        "returned",
        "submitted",
        "validated",
    ]


def test_reopening_a_validated_survey_is_logged_and_returns_it(
    campaign, ille_et_vilaine, rennes, client_factory
):
    client, _ = ille_et_vilaine
    academic, _ = rennes
    file(client, **ANSWERS, transmit="1")
    survey = DepartementalSurvey.objects.get()
    detail = reverse("surveys:survey_detail", args=[survey.pk])
    academic.post(detail, {"decision": "validate"})
    dgesco, staff = person(client_factory, Role.NATIONAL)

    dgesco.post(detail, {"comment": "Chiffre des REP à reprendre."})

    survey.refresh_from_db()
    assert survey.status == SurveyStatus.RETURNED
    event = survey.events.last()
    assert (event.action, event.actor, event.comment) == (
        "reopened",
        staff,
        "Chiffre des REP à reprendre.",
    )
    assert 'data-autosave="true"' in client.get(reverse("surveys:survey")).content.decode()


def test_another_academie_or_departement_gets_404_and_other_roles_403(
    campaign, ille_et_vilaine, client_factory
):
    client, _ = ille_et_vilaine
    file(client, **ANSWERS, transmit="1")
    survey = DepartementalSurvey.objects.get()
    detail = reverse("surveys:survey_detail", args=[survey.pk])
    paris, _ = person(
        client_factory, Role.ACADEMIC_CORRESPONDENT, academie=departement("075").academie
    )
    nantes, _ = person(
        client_factory, Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("044")
    )
    teacher, _ = person(client_factory, Role.TEACHER)

    assert paris.get(detail).status_code == 404
    assert paris.post(detail, {"decision": "validate"}).status_code == 404
    assert nantes.get(detail).status_code == 404
    assert client.get(detail).status_code == 200  # Ille-et-Vilaine reads its own history
    assert client.post(detail, {"decision": "validate"}).status_code == 200
    assert DepartementalSurvey.objects.get(pk=survey.pk).status == SurveyStatus.SUBMITTED
    assert teacher.get(detail).status_code == 403
    assert teacher.get(reverse("surveys:survey")).status_code == 403
    assert survey.departement.name not in paris.get(reverse("surveys:survey_list")).content.decode()
    # Nantes files its own survey, never Ille-et-Vilaine's.
    nantes.post(reverse("surveys:survey"), {**ANSWERS, "transmit": "1"})
    assert DepartementalSurvey.objects.get(pk=survey.pk).training_participants == 31


def test_only_the_academic_correspondent_validates(campaign, ille_et_vilaine, client_factory):
    client, _ = ille_et_vilaine
    file(client, **ANSWERS, transmit="1")
    survey = DepartementalSurvey.objects.get()
    dgesco, _ = person(client_factory, Role.NATIONAL)

    dgesco.post(reverse("surveys:survey_detail", args=[survey.pk]), {"decision": "validate"})

    assert DepartementalSurvey.objects.get().status == SurveyStatus.SUBMITTED


def test_the_survey_list_filters_and_costs_the_same_queries(
    campaign, client_factory, django_assert_max_num_queries
):
    dgesco, _ = person(client_factory, Role.NATIONAL)
    DepartementalSurvey.objects.create(campaign=campaign, departement=departement("035"))
    with django_assert_max_num_queries(12) as few:
        dgesco.get(reverse("surveys:survey_list"))
    for code in ["022", "029", "044", "056", "075", "013", "069"]:
        DepartementalSurvey.objects.create(
            campaign=campaign, departement=departement(code), status=SurveyStatus.SUBMITTED
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = dgesco.get(reverse("surveys:survey_list"), {"status": "submitted"}).content.decode()

    assert "Rhône" in page and "Ille-et-Vilaine" not in page
    assert "Paris" in dgesco.get(reverse("surveys:survey_list"), {"q": "075"}).content.decode()


def test_the_survey_shows_the_coverage_rate_against_the_effectifs(campaign, ille_et_vilaine):
    client, _ = ille_et_vilaine
    effectif("035", classes=40, elementary=900)

    page = client.get(reverse("surveys:survey")).content.decode()

    assert "Taux de couverture : <strong>5,0 %</strong>" in page
    assert "sur 40 classes" in page
