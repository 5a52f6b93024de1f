"""Accessibility beyond axe: the keyboard path, and the axe check itself."""

import pytest

from astep.accounts.models import Role
from tests.browser.axe import assert_accessible
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(open_as):
    UserFactory(email="prof@example.test", role=Role.TEACHER)
    page = open_as("prof@example.test")
    page.goto("/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.outerHTML")
    assert 'href="#content"' in focused, focused
    page.keyboard.press("Enter")

    assert page.url.endswith("#content")
    # The reader is now in the main content: the next Tab stop is there, not in the header.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.outerHTML")
    assert page.evaluate("document.activeElement.closest('main#content') !== null"), focused


def test_the_axe_check_fails_on_a_serious_violation_and_names_it(open_as):
    page = open_as()
    page.set_content('<html lang="fr"><title>t</title><main><img src="x.png"></main></html>')

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page.page)

    assert "[critical] image-alt" in str(failure.value)
    assert "img" in str(failure.value)
