import os
import shutil

import pytest

from tests.browser.checks import watch_console
from tests.live import daphne

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(monkeypatch_module):
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django refuses database work
    # where a loop runs. The test code is synchronous, so the check is lifted while a browser is up.
    monkeypatch_module.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        browser.problems = []
        new_context = browser.new_context

        def watched_context(**options):
            """Every page of every context reports its console errors, uncaught exceptions and failed requests."""
            context = new_context(**options)
            watch_console(context, browser.problems)
            return context

        browser.new_context = watched_context
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A browser test fails on any console error (htmx logs a fragment with no target as one), uncaught
    exception or failed request, except those it expects with `@pytest.mark.console_allows("text")`. Checked
    as the test ends, not at teardown, when the server stopping first would be an error too."""
    browser = item.funcargs.get("browser")
    if browser is not None:
        browser.problems.clear()
    result = yield
    if browser is not None:
        allowed = [mark.args[0] for mark in item.iter_markers("console_allows")]
        problems = [p for p in browser.problems if not any(text in p for text in allowed)]
        if problems:
            pytest.fail("console errors or failed requests:\n" + "\n".join(problems))
    return result


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture
def server(transactional_db, settings):
    """A daphne process over the test database; users made in the test can log in with their password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    with daphne() as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
