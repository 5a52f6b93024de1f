"""A teacher's request: drafts kept as they type, sending, a second request flagged, the
school year's session bounds, and every change of status timestamped and e-mailed."""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse

from astep.accounts.models import Role
from astep.classes.models import AccompanimentRequest, RequestStatus
from astep.classes.services import RequestError, request_cancel, requests_close_year
from astep.classes.tasks import requests_close_year as requests_close_year_task
from astep.territory.models import EcoleEffectif
from matching.models import Proposal
from matching.services import proposal_create
from surveys.figures import figures_by_departement
from surveys.models import Campaign
from tests.factories import (
    EcoleFactory,
    ModuleFactory,
    RequestFactory,
    SchoolClassFactory,
    SessionFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
    request_form_data,
)

pytestmark = pytest.mark.django_db

START = date.today() + timedelta(days=20)
COMPLETE = request_form_data()


@pytest.fixture
def school_class():
    return SchoolClassFactory(ecole=EcoleFactory(departement=departement("035")))


@pytest.fixture
def teacher(client, school_class):
    client.force_login(school_class.teacher)
    return client


@pytest.fixture
def correspondent():
    return UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035"))


def test_a_draft_is_kept_as_the_teacher_types_and_found_again_from_the_home_page(
    teacher, school_class, correspondent, client_factory
):
    create = reverse("classes:request_create", args=[school_class.pk])
    saved = teacher.post(create, {"comment": "Des phasmes"}, headers={"X-Autosave": "1"})
    draft = AccompanimentRequest.objects.get()
    assert saved.json() == {"saved": True, "url": reverse("classes:request_edit", args=[draft.pk])}
    assert (draft.status, draft.comment, draft.theme) == ("draft", "Des phasmes", "")

    teacher.post(
        reverse("classes:request_edit", args=[draft.pk]),
        {"comment": "Des phasmes et des grillons", "theme": "living"},
        headers={"X-Autosave": "1"},
    )
    assert AccompanimentRequest.objects.get().comment == "Des phasmes et des grillons"
    home = teacher.get(reverse("home")).content.decode()
    assert reverse("classes:request_edit", args=[draft.pk]) in home
    assert "Reprendre le brouillon" in home

    other = client_factory()
    other.force_login(correspondent)
    assert other.get(reverse("classes:request_detail", args=[draft.pk])).status_code == 404
    assert "phasmes" not in other.get(reverse("classes:request_list")).content.decode()


def test_sending_an_incomplete_request_shows_each_error_and_keeps_what_was_typed(
    teacher, school_class, mailoutbox
):
    response = teacher.post(
        reverse("classes:request_create", args=[school_class.pk]),
        {"comment": "Élevage de phasmes", "sessions_count": 9, "submit": "Envoyer"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Choisissez un thème.",
        "Indiquez le début de la période souhaitée.",
        "Cochez au moins une demi-journée.",
        f"En {school_class.school_year}, un module compte de 5 à 7 séances.",
    ):
        assert message in page
    assert "Élevage de phasmes" in page and 'value="9"' in page
    draft = AccompanimentRequest.objects.get()  # what was typed is kept in the draft
    assert (draft.status, draft.comment, draft.sessions_count) == ("draft", "Élevage de phasmes", 9)
    assert f'action="{reverse("classes:request_edit", args=[draft.pk])}"' in page
    assert mailoutbox == []


def test_a_draft_is_deleted_from_its_form(teacher, school_class):
    draft = RequestFactory(school_class=school_class, status="draft")
    page = teacher.get(reverse("classes:request_edit", args=[draft.pk])).content.decode()
    assert "Supprimer ce brouillon" in page
    teacher.post(reverse("classes:request_cancel", args=[draft.pk]))
    assert not AccompanimentRequest.objects.exists()


def test_the_school_year_s_campaign_sets_the_session_bounds(teacher, school_class):
    Campaign.objects.create(
        school_year=school_class.school_year,
        opens_on=date.today(),
        closes_on=date.today() + timedelta(days=30),
        sessions_min=2,
        sessions_max=10,
    )
    response = teacher.post(
        reverse("classes:request_create", args=[school_class.pk]),
        {**COMPLETE, "sessions_count": 9, "submit": "Envoyer"},
    )
    assert response.status_code == 302
    assert AccompanimentRequest.objects.get().sessions_count == 9


def test_sending_records_the_time_and_tells_the_teacher_and_the_correspondent(
    teacher, school_class, correspondent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(
            reverse("classes:request_create", args=[school_class.pk]),
            {**COMPLETE, "submit": "Envoyer"},
        )
    request = AccompanimentRequest.objects.get()
    assert request.status == RequestStatus.SUBMITTED and request.submitted_at
    event = request.events.get()
    assert (event.status, event.actor) == ("submitted", school_class.teacher)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [school_class.teacher.email, correspondent.email]
    )


def test_a_second_request_for_the_same_class_is_flagged_not_silently_duplicated(
    teacher, school_class, correspondent, client_factory
):
    first = RequestFactory(school_class=school_class)
    create = reverse("classes:request_create", args=[school_class.pk])
    page = teacher.get(create).content.decode()
    assert "Cette classe a déjà une demande en cours" in page

    refused = teacher.post(create, {**COMPLETE, "submit": "Envoyer"})
    assert "confirmez qu&#x27;il en faut une seconde" in refused.content.decode()
    second = AccompanimentRequest.objects.exclude(pk=first.pk).get()
    assert second.status == RequestStatus.DRAFT  # kept as a draft, not sent

    teacher.post(
        reverse("classes:request_edit", args=[second.pk]),
        {**COMPLETE, "second_request": "on", "submit": "Envoyer"},
    )
    second.refresh_from_db()
    assert second.status == RequestStatus.SUBMITTED
    other = client_factory()
    other.force_login(correspondent)
    detail = other.get(reverse("classes:request_detail", args=[second.pk])).content.decode()
    assert "Autre demande en cours pour cette classe" in detail


def test_a_cancelled_request_withdraws_its_proposal_and_tells_the_volunteer(
    school_class, correspondent, mailoutbox, django_capture_on_commit_callbacks
):
    request = RequestFactory(school_class=school_class)
    volunteer = VolunteerProfileFactory().user
    proposal_create(
        request=request, volunteer=volunteer, proposed_by=correspondent, today=date.today()
    )
    with pytest.raises(RequestError, match="motif"):
        request_cancel(request=request, actor=school_class.teacher, reason="  ")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_cancel(request=request, actor=school_class.teacher, reason="Classe fermée")
    request.refresh_from_db()
    assert (request.status, request.status_reason) == ("cancelled", "Classe fermée")
    assert Proposal.objects.get().status == "withdrawn"
    assert [e.status for e in request.events.all()] == ["proposed", "cancelled"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([volunteer.email, correspondent.email])
    assert "Motif : Classe fermée" in mailoutbox[0].body


def test_the_correspondent_closes_a_request_as_not_served_with_a_reason(
    client, school_class, correspondent, mailoutbox, django_capture_on_commit_callbacks
):
    request = RequestFactory(school_class=school_class)
    volunteer = VolunteerProfileFactory().user
    proposal_create(
        request=request, volunteer=volunteer, proposed_by=correspondent, today=date.today()
    )
    mailoutbox.clear()
    client.force_login(correspondent)
    address = reverse("classes:request_not_served", args=[request.pk])
    client.post(address, {"reason": ""})
    request.refresh_from_db()
    assert request.status == "proposed"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(address, {"reason": "Aucun bénévole à moins de 40 km"})
    request.refresh_from_db()
    assert (request.status, request.status_reason) == (
        "not_served",
        "Aucun bénévole à moins de 40 km",
    )
    assert [m.to[0] for m in mailoutbox] == [school_class.teacher.email]
    assert Proposal.objects.get().status == "withdrawn"  # nothing left to answer


def test_at_year_end_the_requests_still_waiting_are_closed_once(mailoutbox):
    old = RequestFactory(school_class__school_year="2025-2026")
    current = RequestFactory(school_class__school_year="2026-2027")
    matched = RequestFactory(school_class__school_year="2025-2026", status="matched")
    assert requests_close_year(today=date(2026, 9, 1)) == 1
    assert requests_close_year_task.delay().get() == 0  # the nightly task, run again
    old.refresh_from_db()
    assert old.status == "not_served" and "fin de l'année scolaire" in old.status_reason
    assert old.events.get().actor is None
    assert {r.status for r in (current, matched)} == {"submitted", "matched"}


def test_the_class_form_suggests_the_ecole_s_levels_from_the_official_effectifs(client):
    ecole = EcoleFactory(uai="0350103X")
    EcoleEffectif.objects.create(
        uai=ecole.uai,
        rentree=2022,
        departement=ecole.departement,
        classes=3,
        pupils=70,
        pupils_preelementaire=0,
        pupils_elementaire=70,
        pupils_ulis=0,
        pupils_cp=0,
        pupils_ce1=0,
        pupils_ce2=0,
        pupils_cm1=40,
        pupils_cm2=30,
    )
    client.force_login(UserFactory(role=Role.TEACHER))
    page = client.get(reverse("classes:create") + "?ecole=0350103X").content.decode()
    assert "d'après les effectifs officiels : CM1, CM2" in page.replace("&#x27;", "'")


def test_autosave_of_an_invalid_draft_answers_the_errors_without_saving(teacher, school_class):
    response = teacher.post(
        reverse("classes:request_create", args=[school_class.pk]),
        {"period_start": "pas une date"},
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 400
    assert "period_start" in json.loads(response.content)["errors"]
    assert not AccompanimentRequest.objects.exists()


def test_cancelling_a_running_module_cancels_its_sessions_to_come_with_their_history(
    school_class,
):
    module = ModuleFactory(request__school_class=school_class, request__status="in_progress")
    held = SessionFactory(module=module, date=date.today() - timedelta(days=7), status="held")
    to_come = SessionFactory(module=module, date=date.today() + timedelta(days=7))
    request_cancel(request=module.request, actor=school_class.teacher, reason="Déménagement")
    to_come.refresh_from_db()
    held.refresh_from_db()
    assert (to_come.status, held.status) == ("cancelled", "held")
    change = to_come.changes.get()  # calendars read it: the .ics sequence goes up
    assert (change.kind, change.reason) == ("cancelled", "Demande annulée : Déménagement")
    assert figures_by_departement(school_year=school_class.school_year) == {}
