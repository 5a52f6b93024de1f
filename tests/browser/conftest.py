"""Chromium (Debian's, never a downloaded one) driven by Playwright against the live server.

Each person of a journey gets their own browser context (their own cookies), signed in
through the real login form; every page they reach is checked by axe-core
(`tests.browser.axe.assert_accessible`).
"""

import os
import shutil
from collections.abc import Callable, Iterator

import pytest

from tests.browser.axe import AXE_JS, AxePage
from tests.factories import PASSWORD, TOTP_SECRET, totp_code

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 30_000  # Chromium on a loaded 2-core machine: generous, but never a sleep


def _missing() -> str | None:
    """Say what the browser tests lack on this machine, or None when they can run."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium absent ({CHROMIUM}): apt-get install chromium, or set CHROMIUM"
    if not AXE_JS.exists():
        return f"axe-core absent ({AXE_JS}): run `make install` (npm install)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright absent: pip install -r requirements.txt"
    return None


@pytest.fixture(scope="package")
def browser(django_db_setup) -> Iterator:
    """One headless Chromium for the browser tests; skip (or fail in CI) when it cannot run.

    `BROWSER_TESTS_REQUIRED=1` (set by .ci/run) turns the skip into a failure, so CI never
    passes without having driven the browser.
    """
    missing = _missing()
    if missing:
        if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
            pytest.fail(f"browser tests required but cannot run: {missing}", pytrace=False)
        pytest.skip(missing)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    snapshot = getattr(connections["default"], "_test_serialized_contents", None)
    # Playwright's sync API keeps an asyncio loop running in this thread while it lives, so
    # Django would refuse the ORM calls of the tests themselves (factories, assertions),
    # and gives them a connection object of their own (connections are context-local):
    # hand it the snapshot that `serialized_rollback` restores after each flush. The
    # package scope ends both when the browser tests end.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        if snapshot is not None:
            connections["default"]._test_serialized_contents = snapshot
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()
        connections.close_all()


@pytest.fixture
def open_as(browser, live_server) -> Iterator[Callable[..., AxePage]]:
    """Open a browser context for a user (by e-mail; none: signed out) signed in through the
    login form with `password` (the factories' by default).

    Returns an `AxePage`: a page whose every navigation and form submission is checked
    by axe-core. The contexts are closed when the test ends.
    """
    contexts = []

    def open_as(
        email: str | None = None, password: str = PASSWORD, totp_secret: str = TOTP_SECRET
    ) -> AxePage:
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = AxePage(context.new_page())
        if email:
            page.goto("/comptes/login/")
            page.fill('input[name="login"]', email)
            page.fill('input[name="password"]', password)
            login_form = page.locator("form").filter(has=page.locator('input[name="login"]'))
            page.follow(login_form.locator('button[type="submit"]'))
            if page.locator('input[name="code"]').count():  # the second factor (MFA roles)
                page.fill('input[name="code"]', totp_code(totp_secret))
                page.follow(page.locator('main button[type="submit"]').first)
            assert not page.url.endswith("/comptes/login/"), f"{email} could not sign in"
        return page

    yield open_as
    for context in contexts:
        context.close()
