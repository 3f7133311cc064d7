"""Single sign-on for real: Streamlit's st.login against an OIDC provider on loopback
(oidc-provider-mock), in chromium. The provider's e-mail must be an account's username; the
account, not the provider, decides the role and scope."""

from __future__ import annotations

import secrets
import shutil

import pytest

from db.accounts import create_account
from db.connection import connect
from tests.browser.conftest import free_port, screenshot, serve, settle

provider_mock = pytest.importorskip("oidc_provider_mock", reason="pip install oidc-provider-mock (requirements-dev)")

EMAIL = "liu.lixu@example.com"        # 刘立旭 S024, leader of 刚需组


@pytest.fixture(scope="module")
def sso_server(demo_db_path, tmp_path_factory):
    """The dashboard with [auth] secrets pointing at a provider on loopback; yields its URL."""
    folder = tmp_path_factory.mktemp("sso")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db_path, db)
    with connect(db) as con:
        create_account(con, EMAIL, "刘立旭", secrets.token_urlsafe(16), "leader", staff_id="S024")
    port = free_port()
    with provider_mock.run_server_in_thread() as provider:
        (folder / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            'client_id = "anchang-dashboard"\nclient_secret = "not-checked-by-the-mock"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n',
            encoding="utf-8")
        with serve(db, port=port, options=("--secrets.files", str(folder / "secrets.toml"))) as url:
            yield url


def test_single_sign_on_opens_the_leaders_dashboard(browser, sso_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{sso_server}/?preset=last_month")
        settle(page)
        page.get_by_role("button", name="使用单点登录").click()
        page.locator('input[name="sub"]').wait_for(timeout=60_000)       # the provider's page
        page.locator('input[name="sub"]').fill(EMAIL)
        page.get_by_role("button", name="Authorize").click()
        page.get_by_role("heading", name="总览").wait_for(timeout=60_000)
        settle(page)
        assert page.get_by_text("刘立旭 · 组长").count() == 1
        screenshot(page, "sso-leader-overview")
    finally:
        context.close()
