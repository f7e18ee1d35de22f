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
        browser.console_errors = []
        new_context = browser.new_context

        def watched_context(**options):
            """Every page of every context reports its console errors and uncaught exceptions."""
            context = new_context(**options)
            context.on(
                "console",
                lambda m: m.type == "error" and browser.console_errors.append(f"{m.text} ({m.location['url']})"),
            )
            context.on("weberror", lambda e: browser.console_errors.append(str(e.error)))
            return context

        browser.new_context = watched_context
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A browser test fails on any console error (htmx logs a fragment with no target as one), except those it
    expects with `@pytest.mark.console_allows("text")`. Checked as the test ends, before its servers stop."""
    browser = item.funcargs.get("browser")
    if browser is not None:
        browser.console_errors.clear()
    result = yield
    if browser is not None:
        allowed = [mark.args[0] for mark in item.iter_markers("console_allows")]
        errors = [e for e in browser.console_errors if not any(text in e for text in allowed)]
        assert errors == [], f"console errors: {errors}"
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
def page(browser, request):
    """A desktop-sized page; the test fails if the page logs a console error or a request fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    request.node.page_problems = watch_console(page)
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Checked when the test ends and not at teardown, when the server stopping first would be an error too."""
    result = yield
    problems = getattr(item, "page_problems", None)
    if problems:
        pytest.fail("console errors or failed requests:\n" + "\n".join(problems))
    return result
