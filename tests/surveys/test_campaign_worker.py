"""The campaign reminders sent by a real Celery worker on the local Redis."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from astep.accounts.models import Role
from astep.accounts.tasks import send_email
from surveys.models import Campaign, CampaignReminder
from surveys.tasks import campaign_reminders_send
from tests.conftest import wait_for
from tests.factories import UserFactory, departement

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_worker_sends_the_reminder_due_today_once(celery_worker_on_redis, settings):
    settings.SURVEY_REMINDER_DAYS = [7]
    today = timezone.localdate()
    Campaign.objects.create(
        school_year="2026-2027",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=6),
    )
    UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT,
        departement=departement("035"),
        email="ien-035@example.test",
    )

    campaign_reminders_send.delay()
    campaign_reminders_send.delay()  # a second beat the same day
    # The solo worker runs tasks in order: once this e-mail is out, both runs are done.
    send_email.delay(["marker@example.test"], "fin", "")

    assert wait_for(lambda: any(m.to == ["marker@example.test"] for m in mail.outbox))
    assert CampaignReminder.objects.get().days_before == 7
    assert [m.to for m in mail.outbox].count(["ien-035@example.test"]) == 1
