"""The nightly retention task, run by a real Celery worker on the local Redis."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from astep.accounts.models import Role, User
from astep.accounts.tasks import accounts_retention_run
from tests.conftest import wait_for
from tests.factories import UserFactory, VolunteerProfileFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_worker_warns_the_inactive_and_anonymises_those_warned_a_month_ago(
    celery_worker_on_redis,
):
    now = timezone.now()
    inactive = UserFactory(
        role=Role.TEACHER, email="absent@example.test", last_login=now - timedelta(days=731)
    )
    warned = VolunteerProfileFactory(
        user__email="warned@example.test",
        user__last_login=now - timedelta(days=800),
        user__inactivity_warned_at=now - timedelta(days=31),
    ).user
    active = UserFactory(role=Role.VOLUNTEER, last_login=now - timedelta(days=3))

    accounts_retention_run.delay()

    assert wait_for(lambda: User.objects.get(pk=warned.pk).anonymised_at is not None)
    assert wait_for(lambda: [m.to for m in mail.outbox] == [["absent@example.test"]])
    assert User.objects.get(pk=inactive.pk).inactivity_warned_at is not None
    assert User.objects.get(pk=warned.pk).email == f"anonyme-{warned.pk}@anonyme.invalid"
    assert User.objects.get(pk=active.pk).inactivity_warned_at is None
