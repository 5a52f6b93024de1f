"""Keyboard use: the skip link comes first and takes the reader to the content."""

import pytest

from astep.accounts.models import Role
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
