"""Sign-in in a real browser: the form, a refusal, a deep link kept through the sign-in, the menu
of a role, and the administrator's accounts page (screenshots for a person to look at)."""

from __future__ import annotations

from tests.accounts import TEST_PASSWORD
from tests.browser.conftest import screenshot, settle, sign_in


def open_signed_out(page, url: str) -> None:
    """goto without the fixture's automatic sign-in."""
    page.evaluate(f"window.location.href = {url!r}")     # not page.goto: that one signs in
    page.wait_for_selector(".st-key-signin_username", timeout=60_000)
    settle(page)


def test_the_sign_in_form_refuses_a_wrong_password_then_opens_the_linked_page(page, streamlit_server):
    open_signed_out(page, f"{streamlit_server}/funnel?preset=last_month")
    assert page.get_by_role("heading", name="登录").count() == 1
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0        # no menu before sign-in
    screenshot(page, "signin")
    sign_in_attempt(page, "leader_b", "not the password")
    page.get_by_text("用户名或密码错误。").wait_for(timeout=30_000)
    screenshot(page, "signin-refused")
    sign_in(page, "leader_b", TEST_PASSWORD)
    assert page.get_by_role("heading", name="转化漏斗").count() == 1     # the deep link survived
    assert "/funnel" in page.url


def test_a_leader_sees_their_menu_and_group_only(page, streamlit_server):
    open_signed_out(page, f"{streamlit_server}/?preset=last_month")
    sign_in(page, "leader_b", TEST_PASSWORD)
    menu = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    assert "小组管理" not in "".join(menu) and "数据导入" not in "".join(menu) and "总览" in "".join(menu)
    assert page.get_by_text("刘立旭").or_(page.get_by_text("leader_b")).count() >= 1
    screenshot(page, "signin-leader-overview")


def test_the_admin_sees_accounts_and_the_audit_log(page, streamlit_server):
    page.goto(f"{streamlit_server}/accounts")
    page.get_by_role("heading", name="账户与审计").wait_for(timeout=60_000)
    settle(page)
    screenshot(page, "accounts")


def sign_in_attempt(page, username: str, password: str) -> None:
    page.locator(".st-key-signin_username input").fill(username)
    page.locator(".st-key-signin_password input").fill(password)
    page.locator('[data-testid="stFormSubmitButton"] button').click()


def test_a_reload_or_a_second_tab_keeps_the_sign_in_until_signing_out(page, streamlit_server):
    open_signed_out(page, f"{streamlit_server}/funnel?preset=last_month")
    sign_in(page, "leader_b", TEST_PASSWORD)
    page.reload()
    settle(page)
    assert page.locator(".st-key-signin_username").count() == 0            # no password asked again
    assert page.get_by_role("heading", name="转化漏斗").count() == 1 and "/funnel" in page.url
    screenshot(page, "signin-after-reload")
    second = page.context.new_page()                                         # same browser, new tab
    second.goto(f"{streamlit_server}/people")
    settle(second)
    assert second.locator(".st-key-signin_username").count() == 0
    assert second.get_by_role("heading", name="顾问", exact=True).count() == 1
    page.locator(".st-key-sign_out button").click()
    page.get_by_text("已退出登录").wait_for(timeout=30_000)
    page.reload()
    settle(page)
    assert page.locator(".st-key-signin_username").count() == 1              # signed out is signed out
    second.reload()
    settle(second)
    assert second.locator(".st-key-signin_username").count() == 1            # in every tab of the browser
    second.close()
