"""Wrong passwords lock an account; the person sees why on the login page, and an administrator unlocks it
in Django admin, in a real browser."""

from uuid import uuid4

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, AdminFactory, StudentFactory

pytestmark = pytest.mark.browser


def try_login(page, server, email, password):
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_locked_account_is_told_why_and_an_administrator_unlocks_it(browser, page, server):
    # An email of its own: with Redis, the servers' counts outlive a test run.
    email = f"sam-{uuid4().hex[:8]}@school.org"
    StudentFactory(email=email, first_name="Sam")
    administrator = AdminFactory(email=f"boss-{uuid4().hex[:8]}@school.org")
    for _ in range(5):
        try_login(page, server, email, "not-my-password")
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    try_login(page, server, email, PASSWORD)
    expect(page.get_by_text("Too many failed logins for this account")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    admin = browser.new_context().new_page()
    try_login(admin, server, administrator.email, PASSWORD)
    admin.goto(f"{server}/admin/accounts/loginlock/")
    admin.get_by_role("row", name=email).get_by_role("checkbox").check()
    admin.get_by_label("Action:").select_option(label="Unlock the selected accounts and addresses")
    admin.get_by_role("button", name="Go").click()
    expect(admin.get_by_text("1 lock lifted.")).to_be_visible()

    try_login(page, server, email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello Sam")).to_be_visible()
