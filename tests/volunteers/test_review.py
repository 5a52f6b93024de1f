"""The departmental correspondent's review of levels, and the organisation's attestation."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from astep.accounts.models import Role
from astep.volunteers.models import VolunteerProfile
from astep.volunteers.proofs import proof_attach, proof_clean
from matching.candidates import candidates_for
from tests.factories import (
    CommuneFactory,
    OrganisationFactory,
    RequestFactory,
    UserFactory,
    VolunteerProfileFactory,
    departement,
)
from tests.files import pdf_bytes, upload


def pending(**fields) -> VolunteerProfile:
    """A volunteer of 035 whose level waits for the correspondent, with a PDF proof."""
    profile = VolunteerProfileFactory(review_status="pending", **fields)
    proof_attach(profile, proof_clean(upload("licence.pdf", pdf_bytes())))
    profile.save()
    return profile


@pytest.fixture
def correspondent(client, db):
    user = UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT,
        departement=departement("035"),
        first_name="Sophie",
        last_name="Le Gall",
    )
    client.force_login(user)
    return user


def decide(client, profile, **data):
    return client.post(reverse("volunteers:review", args=[profile.pk]), data, follow=True)


def test_validating_deletes_the_proof_and_keeps_who_when_and_from_what(
    client, correspondent, django_capture_on_commit_callbacks
):
    profile = pending()
    stored = profile.proof_file.name
    storage = profile.proof_file.storage
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, profile, decision="validate")
    profile.refresh_from_db()
    assert profile.review_status == "validated" and not profile.proof_file
    assert not storage.exists(stored)
    assert (profile.reviewed_by, profile.proof_kind) == (correspondent, "diploma")
    assert profile.events.first().kind == "validated"
    assert mail.outbox[-1].to == [profile.user.email]
    assert "est validé" in mail.outbox[-1].body
    assert VolunteerProfile.objects.proposable().filter(pk=profile.pk).exists()
    client.force_login(profile.user)
    page = client.get(reverse("volunteers:onboarding")).content.decode()
    assert "Validé par Sophie Le Gall le" in page and "d&#x27;un diplôme" not in page


def test_a_refusal_needs_a_reason_which_the_volunteer_receives(
    client, correspondent, django_capture_on_commit_callbacks
):
    profile = pending()
    page = decide(client, profile, decision="refuse", message="").content.decode()
    assert "Expliquez votre décision" in page
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, profile, decision="refuse", message="Le diplôme fourni est un bac+1.")
    profile.refresh_from_db()
    assert profile.review_status == "refused"
    assert "Le diplôme fourni est un bac+1." in mail.outbox[-1].body
    assert not VolunteerProfile.objects.proposable().filter(pk=profile.pk).exists()
    history = [(e.kind, e.message) for e in profile.events.all()]
    assert history == [("refused", "Le diplôme fourni est un bac+1.")]


def test_a_correction_sends_the_volunteer_back_to_the_level_step_with_the_message(
    client, correspondent, django_capture_on_commit_callbacks
):
    profile = pending()
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, profile, decision="correction", message="Le scan est illisible.")
    client.force_login(profile.user)
    response = client.get(reverse("volunteers:onboarding"))
    assert response.url == reverse("volunteers:step", args=["niveau"])
    assert "Le scan est illisible." in client.get(response.url).content.decode()
    client.post(
        response.url,
        {
            "level": "bac+3",
            "field": "physics",
            "proof_kind": "diploma",
            "proof": upload("scan-net.pdf", pdf_bytes()),
        },
    )
    profile.refresh_from_db()
    assert profile.review_status == "pending" and profile.review_message == ""


def test_a_decision_on_a_level_already_decided_is_refused(client, correspondent):
    profile = VolunteerProfileFactory()  # already validated
    page = decide(client, profile, decision="refuse", message="Non").content.decode()
    assert "Décision" not in page or "n&#x27;est pas en attente" in page
    profile.refresh_from_db()
    assert profile.review_status == "validated"


def test_the_queue_lists_pending_volunteers_first_and_counts_each_status(client, correspondent):
    old = pending()
    VolunteerProfile.objects.filter(pk=old.pk).update(
        submitted_at=old.submitted_at - timedelta(days=3)
    )
    new = pending()
    VolunteerProfileFactory()  # validated
    pending(commune=CommuneFactory(departement=departement("044")))  # another département
    page = client.get(reverse("volunteers:queue")).content.decode()
    assert "À valider : 2" in page and "Validé : 1" in page
    assert page.index(str(old.user)) < page.index(str(new.user))
    assert "2 accompagnateurs" in page


def test_the_queue_filters_by_status_organisation_and_text(client, correspondent):
    university = OrganisationFactory(name="INSA Rennes")
    lina = pending(organisation=university)
    lina.user.last_name = "Kerbrat"
    lina.user.save()
    other = pending()
    queue = reverse("volunteers:queue")
    page = client.get(queue, {"q": "kerb"}).content.decode()
    assert str(lina.user) in page and str(other.user) not in page
    page = client.get(queue, {"organisation": university.pk}).content.decode()
    assert str(lina.user) in page and str(other.user) not in page
    page = client.get(queue, {"review_status": "validated"}).content.decode()
    assert str(lina.user) not in page


def test_nobody_but_the_volunteer_sees_the_birth_date(client, correspondent):
    profile = pending(birth_date=date(1999, 7, 14))
    for address in (reverse("volunteers:review", args=[profile.pk]), reverse("volunteers:queue")):
        page = client.get(address).content.decode()
        assert "1999" not in page and "14/07" not in page and "juillet" not in page
    assert "Majeur" in page


def test_a_correspondent_of_another_departement_gets_404_on_the_volunteer(client, db):
    profile = pending()
    client.force_login(
        UserFactory(role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("044"))
    )
    assert client.get(reverse("volunteers:review", args=[profile.pk])).status_code == 404
    response = client.post(
        reverse("volunteers:review", args=[profile.pk]), {"decision": "validate"}
    )
    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.review_status == "pending"


@pytest.mark.parametrize("count", [1, 50])
def test_the_queue_keeps_its_query_budget(
    client, correspondent, django_assert_max_num_queries, count
):
    organisation = OrganisationFactory()
    for _ in range(count):
        VolunteerProfileFactory(review_status="pending", organisation=organisation)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("volunteers:queue"))
    assert response.status_code == 200


def test_the_scientific_correspondent_attests_only_their_organisation(
    client, db, django_capture_on_commit_callbacks
):
    university, other = OrganisationFactory(), OrganisationFactory()
    profile = VolunteerProfileFactory(
        organisation=university, review_status="awaiting_attestation", proof_kind="attestation"
    )
    UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT, departement=departement("035"), email="ien@x.test"
    )
    client.force_login(UserFactory(role=Role.SCIENTIFIC_CORRESPONDENT, organisation=other))
    assert client.post(reverse("volunteers:attest", args=[profile.pk])).status_code == 404
    scientist = UserFactory(role=Role.SCIENTIFIC_CORRESPONDENT, organisation=university)
    client.force_login(scientist)
    assert str(profile.user) in client.get(reverse("volunteers:organisation")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("volunteers:attest", args=[profile.pk]))
    profile.refresh_from_db()
    assert (profile.review_status, profile.attested_by) == ("pending", scientist)
    assert mail.outbox[-1].to == ["ien@x.test"]


def test_a_volunteer_who_turns_18_after_the_module_start_is_not_a_candidate(db):
    request = RequestFactory()
    start = request.period_start
    minor = VolunteerProfileFactory(birth_date=start.replace(year=start.year - 18) + timedelta(1))
    adult = VolunteerProfileFactory(birth_date=start.replace(year=start.year - 18))
    names = {c.profile.pk for c in candidates_for(request, today=date.today())}
    assert adult.pk in names and minor.pk not in names
    later = RequestFactory(
        period_start=start + timedelta(days=2), period_end=start + timedelta(days=90)
    )
    assert minor.pk in {c.profile.pk for c in candidates_for(later, today=date.today())}


@pytest.mark.parametrize("count", [1, 50])
def test_the_organisation_page_keeps_its_query_budget(
    client, db, django_assert_max_num_queries, count
):
    university = OrganisationFactory()
    for _ in range(count):
        VolunteerProfileFactory(organisation=university, review_status="awaiting_attestation")
    client.force_login(UserFactory(role=Role.SCIENTIFIC_CORRESPONDENT, organisation=university))
    with django_assert_max_num_queries(7):
        response = client.get(reverse("volunteers:organisation"))
    assert response.content.decode().count("J'atteste son niveau") == min(count, 25)
