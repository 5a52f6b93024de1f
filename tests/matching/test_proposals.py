"""Proposals: a plan sent as proposals, the volunteer's and the teacher's answers (a module
once both accept, the pool again on a decline), binômes, expiry, and who may answer."""

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from astep.accounts.models import Role
from astep.modules.models import Module
from matching.models import Plan, Proposal
from matching.plans import plan_compute, plan_send
from matching.services import proposal_create, proposals_expire
from matching.tasks import proposals_expire as proposals_expire_task
from tests.conftest import wait_for
from tests.factories import UserFactory, departement
from tests.matching.conftest import request_at, volunteer_at

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY_MORNING = datetime(2030, 1, 7, 9, 0, tzinfo=PARIS)
ACCEPT = {"answer": "accept"}


@pytest.fixture
def signed_in(client_factory):
    """A browser of its own for each person."""

    def sign_in(user):
        browser = client_factory()
        browser.force_login(user)
        return browser

    return sign_in


def ada(km_north: float = 3, **fields):
    return volunteer_at(km_north, user__first_name="Ada", user__last_name="Martin", **fields)


def leo(km_north: float = 5, **fields):
    return volunteer_at(km_north, user__first_name="Léo", user__last_name="Petit", **fields)


def send_plan(correspondent) -> Plan:
    """Compute the département's plan and send it, as the correspondent would."""
    today = timezone.localdate()
    plan = plan_compute(departement=correspondent.departement, by=correspondent, today=today)
    plan_send(plan=plan, by=correspondent, today=today)
    return plan


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def page_of(response) -> str:
    """The page as read on screen: HTML entities decoded."""
    return html.unescape(response.content.decode())


def refreshed(row):
    row.refresh_from_db()
    return row


# Sending a plan


def test_sending_a_plan_proposes_each_pair_to_the_volunteer_and_the_teacher(
    correspondent, signed_in, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    time_machine.move_to(MONDAY_MORNING, tick=False)
    request = request_at(0)
    volunteer = ada(3, user__email="ada@example.test")
    teacher = request.school_class.teacher
    browser = signed_in(correspondent)

    computed = browser.post(reverse("matching:plan_create"))
    plan = Plan.objects.get()
    assert computed.url == reverse("matching:plan", args=[plan.pk])
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(reverse("matching:plan_send", args=[plan.pk]), follow=True)

    assert (
        "1 proposition envoyée ; l'accompagnateur et l'enseignant ont 10 jours pour répondre."
        in page_of(sent)
    )
    proposal = Proposal.objects.get()
    assert (proposal.request, proposal.volunteer, proposal.status) == (
        request,
        volunteer,
        "pending",
    )
    assert (proposal.plan, proposal.proposed_by, proposal.distance_km) == (plan, correspondent, 3.0)
    assert proposal.expires_at == MONDAY_MORNING + timedelta(days=settings.MATCHING_PROPOSAL_DAYS)
    assert refreshed(request).status == "proposed"
    assert refreshed(plan).sent_at == MONDAY_MORNING
    assert recipients(mailoutbox) == sorted(["ada@example.test", teacher.email])
    to_ada = next(m for m in mailoutbox if m.to == ["ada@example.test"])
    to_teacher = next(m for m in mailoutbox if m.to == [teacher.email])
    assert to_ada.subject == "[ASTEP] Une classe vous est proposée"
    assert f"{request.school_class.ecole.name}, Rennes (à 3,0 km)" in to_ada.body
    assert "Répondez avant le 17 janvier 2030" in to_ada.body
    assert to_teacher.subject == "[ASTEP] Un accompagnateur est proposé pour votre classe"
    assert "Ada Martin, à 3,0 km de l'école." in to_teacher.body
    assert "avant le 17 janvier 2030" in to_teacher.body


def test_a_plan_sent_once_cannot_be_sent_again(correspondent, signed_in, mailoutbox):
    request_at(0)
    ada()
    plan = send_plan(correspondent)
    browser = signed_in(correspondent)

    again = browser.post(reverse("matching:plan_send", args=[plan.pk]), follow=True)

    assert "Ce plan a déjà été envoyé." in page_of(again)
    assert Proposal.objects.count() == 1


# Answers


def test_the_module_is_created_only_once_the_volunteer_and_the_teacher_have_both_accepted(
    correspondent, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    request = request_at(0)
    volunteer = ada()
    send_plan(correspondent)
    proposal = Proposal.objects.get()
    answer = reverse("matching:proposal_answer", args=[proposal.pk])

    first = signed_in(volunteer).post(answer, ACCEPT, follow=True)

    assert "Merci, votre accord est enregistré." in page_of(first)
    assert "Votre accord est enregistré ; en attente de l'autre réponse." in page_of(first)
    assert not Module.objects.exists()
    proposal = refreshed(proposal)
    assert proposal.status == "pending"
    assert proposal.volunteer_accepted_at is not None and proposal.teacher_accepted_at is None
    assert refreshed(request).status == "proposed"

    with django_capture_on_commit_callbacks(execute=True):
        second = signed_in(request.school_class.teacher).post(answer, ACCEPT)

    module = Module.objects.get()
    assert second.url == reverse("modules:detail", args=[module.pk])
    assert (module.request, module.volunteer, module.co_volunteer) == (request, volunteer, None)
    assert module.sessions.count() == request.sessions_count
    assert refreshed(proposal).status == "accepted"
    assert refreshed(request).status == "matched"
    teacher = request.school_class.teacher
    assert recipients(mailoutbox) == sorted([teacher.email, volunteer.email, correspondent.email])
    assert all(
        m.subject == f"[ASTEP] Accompagnement confirmé — {request.school_class.ecole.name}"
        for m in mailoutbox
    )


def test_declining_without_a_reason_shows_the_form_again_and_keeps_what_was_typed(
    correspondent, signed_in, mailoutbox
):
    request_at(0)
    volunteer = ada()
    send_plan(correspondent)
    proposal = Proposal.objects.get()
    browser = signed_in(volunteer)
    answer = reverse("matching:proposal_answer", args=[proposal.pk])

    blank = browser.post(answer, {"answer": "decline", "reason": "   "})

    assert blank.status_code == 200
    assert "<h1>Décliner la proposition</h1>" in page_of(blank)
    assert "Ce champ est obligatoire." in page_of(blank)
    too_long = "Je pars en mission six mois et je ne serai pas disponible. " * 20
    long = browser.post(answer, {"answer": "decline", "reason": too_long})
    assert "comporte au plus 1000 caractères" in page_of(long)
    assert too_long.strip() in page_of(long)
    assert refreshed(proposal).status == "pending"
    assert mailoutbox == []


def test_a_teacher_who_declines_sends_the_request_back_and_the_pair_is_never_proposed_again(
    correspondent, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    request = request_at(0)
    volunteer = ada()
    send_plan(correspondent)
    proposal = Proposal.objects.get()
    teacher = request.school_class.teacher

    with django_capture_on_commit_callbacks(execute=True):
        declined = signed_in(teacher).post(
            reverse("matching:proposal_answer", args=[proposal.pk]),
            {"answer": "decline", "reason": "Nous partons en classe de neige ces semaines-là."},
            follow=True,
        )

    assert "La proposition est déclinée. Le correspondant est prévenu." in page_of(declined)
    proposal = refreshed(proposal)
    assert (proposal.status, proposal.declined_by) == ("declined", teacher)
    assert proposal.decline_reason == "Nous partons en classe de neige ces semaines-là."
    assert refreshed(request).status == "submitted"
    assert recipients(mailoutbox) == sorted([correspondent.email, volunteer.email])
    to_correspondent = next(m for m in mailoutbox if m.to == [correspondent.email])
    assert to_correspondent.subject.startswith("[ASTEP] Proposition déclinée — ")
    assert f"est déclinée par {teacher.get_full_name()}." in to_correspondent.body
    assert "Motif : Nous partons en classe de neige ces semaines-là." in to_correspondent.body

    plan = plan_compute(
        departement=correspondent.departement, by=correspondent, today=timezone.localdate()
    )
    assert plan.pairs == []
    assert plan.unserved[0]["request"] == request.pk
    why = "1 accompagnateur a décliné ou a été écarté pour cette demande."
    assert why in plan.unserved[0]["why"]


def test_the_decline_link_of_the_list_asks_the_reason_on_its_own_page(correspondent, signed_in):
    request = request_at(0)
    volunteer = ada()
    send_plan(correspondent)
    proposal = Proposal.objects.get()
    browser = signed_in(volunteer)
    decline = reverse("matching:proposal_decline", args=[proposal.pk])

    assert f'href="{decline}"' in page_of(browser.get(reverse("matching:proposals")))
    page = page_of(browser.get(decline))

    assert "<h1>Décliner la proposition</h1>" in page
    assert request.school_class.ecole.name in page
    assert "Pourquoi déclinez-vous cette proposition ?" in page
    assert f'action="{reverse("matching:proposal_answer", args=[proposal.pk])}"' in page
    assert refreshed(proposal).status == "pending"  # opening the form declines nothing


def test_the_proposals_come_by_pages_of_ten_in_a_fixed_number_of_queries(
    correspondent, signed_in, django_assert_max_num_queries
):
    volunteer = ada(max_modules=30)
    for km in range(12):
        proposal_create(
            request=request_at(km),
            volunteer=volunteer,
            proposed_by=correspondent,
            today=timezone.localdate(),
        )
    browser = signed_in(volunteer)

    with django_assert_max_num_queries(12):
        first = page_of(browser.get(reverse("matching:proposals")))
    second = page_of(browser.get(reverse("matching:proposals") + "?page=2"))

    assert first.count('value="accept"') == 10
    assert second.count('value="accept"') == 2


def test_a_volunteer_who_has_accepted_cannot_accept_again(correspondent, signed_in):
    request_at(0)
    volunteer = ada()
    send_plan(correspondent)
    proposal = Proposal.objects.get()
    browser = signed_in(volunteer)
    answer = reverse("matching:proposal_answer", args=[proposal.pk])
    browser.post(answer, ACCEPT)
    accepted_at = refreshed(proposal).volunteer_accepted_at

    again = browser.post(answer, ACCEPT, follow=True)

    assert "Cette proposition n'attend pas de réponse de votre part." in page_of(again)
    proposal = refreshed(proposal)
    assert (proposal.status, proposal.volunteer_accepted_at) == ("pending", accepted_at)
    assert proposal.teacher_accepted_at is None
    assert not Module.objects.exists()


def test_only_the_proposal_s_own_volunteer_and_teacher_may_answer_it(correspondent, signed_in):
    request_at(0)
    volunteer = ada()
    send_plan(correspondent)
    proposal = Proposal.objects.get()
    other_request = request_at(40)  # another class, another teacher
    other_volunteer = leo(60)
    answer = reverse("matching:proposal_answer", args=[proposal.pk])

    for stranger in (other_request.school_class.teacher, other_volunteer):
        browser = signed_in(stranger)
        assert browser.post(answer, ACCEPT).status_code == 404
        assert browser.post(answer, {"answer": "decline", "reason": "Non"}).status_code == 404
        assert volunteer.get_full_name() not in page_of(browser.get(reverse("matching:proposals")))

    proposal = refreshed(proposal)
    assert proposal.status == "pending"
    assert (proposal.volunteer_accepted_at, proposal.teacher_accepted_at) == (None, None)


# Binômes


def binome_sent(correspondent):
    """A request needing two accompanists, Ada and Léo in range, the plan sent."""
    request = request_at(0, accompanists=2)
    pair = (ada(3), leo(5))
    plan = send_plan(correspondent)
    return request, pair, plan


def test_a_binome_is_proposed_to_two_volunteers_and_becomes_one_module_once_all_four_accept(
    correspondent, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    request, (first, second), plan = binome_sent(correspondent)

    assert sorted((p["request"], p["volunteer"]) for p in plan.pairs) == [
        (request.pk, first.pk),
        (request.pk, second.pk),
    ]
    proposals = {p.volunteer: p for p in Proposal.objects.filter(request=request)}
    assert set(proposals) == {first, second}
    assert {p.status for p in proposals.values()} == {"pending"}
    teacher = signed_in(request.school_class.teacher)
    answers = [
        (signed_in(first), proposals[first]),
        (teacher, proposals[first]),
        (signed_in(second), proposals[second]),
    ]
    for browser, proposal in answers:
        browser.post(reverse("matching:proposal_answer", args=[proposal.pk]), ACCEPT)
        assert not Module.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("matching:proposal_answer", args=[proposals[second].pk]), ACCEPT)

    module = Module.objects.get()
    assert module.request == request
    assert {module.volunteer, module.co_volunteer} == {first, second}
    assert refreshed(request).status == "matched"
    assert set(Proposal.objects.values_list("status", flat=True)) == {"accepted"}
    everyone = [request.school_class.teacher.email, first.email, second.email, correspondent.email]
    assert recipients(mailoutbox) == sorted(everyone)
    assert "Ada Martin et Léo Petit accompagneront la classe" in mailoutbox[0].body


def test_when_one_volunteer_of_a_binome_declines_the_other_s_proposal_is_withdrawn(
    correspondent, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    request, (first, second), _plan = binome_sent(correspondent)
    kept = Proposal.objects.get(volunteer=first)
    signed_in(first).post(reverse("matching:proposal_answer", args=[kept.pk]), ACCEPT)
    declined = Proposal.objects.get(volunteer=second)

    with django_capture_on_commit_callbacks(execute=True):
        signed_in(second).post(
            reverse("matching:proposal_answer", args=[declined.pk]),
            {"answer": "decline", "reason": "Je déménage à Brest."},
        )

    assert refreshed(declined).status == "declined"
    assert refreshed(kept).status == "withdrawn"
    assert refreshed(request).status == "submitted"
    assert not Module.objects.exists()
    teacher = request.school_class.teacher
    assert recipients(mailoutbox) == sorted([first.email, correspondent.email, teacher.email])
    to_first = next(m for m in mailoutbox if m.to == [first.email])
    assert "la proposition faite à Ada Martin est retirée." in to_first.body
    assert "Motif : Je déménage à Brest." in to_first.body


# Expiry


def test_an_unanswered_proposal_expires_once_and_a_later_one_waits_its_turn(
    correspondent, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    time_machine.move_to(MONDAY_MORNING, tick=False)
    overdue = request_at(0)
    volunteer = ada(3)
    send_plan(correspondent)
    time_machine.move_to(MONDAY_MORNING + timedelta(days=5), tick=False)
    later = request_at(30)
    proposal_create(
        request=later, volunteer=leo(32), proposed_by=correspondent, today=timezone.localdate()
    )
    due = MONDAY_MORNING + timedelta(days=settings.MATCHING_PROPOSAL_DAYS)

    with django_capture_on_commit_callbacks(execute=True):
        assert proposals_expire(now=due - timedelta(minutes=1)) == 0
        assert proposals_expire(now=due) == 1
        assert proposals_expire(now=due + timedelta(hours=1)) == 0

    expired = Proposal.objects.get(request=overdue)
    assert expired.status == "expired"
    assert Proposal.objects.get(request=later).status == "pending"
    assert refreshed(overdue).status == "submitted"
    assert refreshed(later).status == "proposed"
    teacher = overdue.school_class.teacher
    assert recipients(mailoutbox) == sorted([correspondent.email, volunteer.email, teacher.email])
    to_correspondent = next(m for m in mailoutbox if m.to == [correspondent.email])
    assert to_correspondent.subject == (
        f"[ASTEP] Proposition expirée sans réponse — {overdue.school_class.ecole.name}"
    )
    assert "Motif : Sans réponse dans le délai." in to_correspondent.body


def test_when_a_binome_s_proposals_expire_the_request_goes_back_once_and_everyone_is_told(
    correspondent, mailoutbox, django_capture_on_commit_callbacks
):
    request, (first, second), _plan = binome_sent(correspondent)
    due = Proposal.objects.get(volunteer=first).expires_at

    with django_capture_on_commit_callbacks(execute=True):
        assert proposals_expire(now=due) == 1  # the other one is withdrawn with it

    assert sorted(Proposal.objects.values_list("status", flat=True)) == ["expired", "withdrawn"]
    assert refreshed(request).status == "submitted"
    teacher = request.school_class.teacher
    everyone = [first.email, second.email, correspondent.email, teacher.email]
    assert recipients(mailoutbox) == sorted(everyone)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_expires_an_overdue_proposal_and_tells_the_correspondent(celery_worker_on_redis):
    request_at(0)
    correspondent = UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT,
        departement=departement("035"),
        email="correspondant@example.test",
    )
    ada(3)
    send_plan(correspondent)
    proposal = Proposal.objects.get()
    overdue = timezone.now() - timedelta(hours=1)
    Proposal.objects.filter(pk=proposal.pk).update(expires_at=overdue)  # unanswered in time

    assert settings.CELERY_BEAT_SCHEDULE["proposals-expire"]["task"] == proposals_expire_task.name
    proposals_expire_task.delay()

    assert wait_for(lambda: Proposal.objects.get(pk=proposal.pk).status == "expired")
    assert wait_for(lambda: any(m.to == ["correspondant@example.test"] for m in mail.outbox))
    message = next(m for m in mail.outbox if m.to == ["correspondant@example.test"])
    assert message.subject.startswith("[ASTEP] Proposition expirée sans réponse — ")
