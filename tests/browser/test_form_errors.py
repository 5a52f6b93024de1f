"""A form sent with a bad value: the error is next to its field and nothing typed is lost."""

from datetime import date, timedelta

import pytest

from astep.accounts.models import Role
from tests.browser.actions import button, tick
from tests.factories import SchoolClassFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_request_ending_before_it_starts_is_refused_next_to_the_end_date(open_as):
    teacher = UserFactory(email="prof@example.test", role=Role.TEACHER)
    school_class = SchoolClassFactory(teacher=teacher)
    start = date.today() + timedelta(days=30)
    page = open_as("prof@example.test")
    page.goto(f"/classes/{school_class.pk}/demande/")

    page.select_option("#id_theme", "living")
    page.fill("#id_period_start", start.isoformat())
    page.fill("#id_period_end", (start - timedelta(days=7)).isoformat())
    page.fill("#id_sessions_count", "6")
    tick(page, "Jeudi après-midi")
    page.fill("#id_comment", "Élevage de phasmes")
    page.follow(button(page, "Envoyer la demande"))

    # The message is tied to the end date (read with it by screen readers), in its group.
    end = page.locator("#id_period_end")
    described = end.get_attribute("aria-describedby") or ""
    messages = [page.locator(f"#{id_}").inner_text() for id_ in described.split()]
    assert any("La fin de la période doit suivre son début." in m for m in messages), messages
    group = page.locator(".fr-input-group").filter(has=end)
    assert "La fin de la période doit suivre son début." in group.inner_text()
    # What was typed stays, the wrong date included, so it can be corrected.
    assert end.input_value() == (start - timedelta(days=7)).isoformat()
    assert page.locator("#id_period_start").input_value() == start.isoformat()
    assert page.locator("#id_theme").input_value() == "living"
    assert page.locator("#id_sessions_count").input_value() == "6"
    assert page.get_by_label("Jeudi après-midi", exact=True).is_checked()
    assert page.locator("#id_comment").input_value() == "Élevage de phasmes"
    assert not school_class.requests.exclude(status="draft").exists()  # nothing was sent
