"""A pasted link to a page works on a server that has not drawn any page yet (started as
`make run` starts it, through ui.serve)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.browser.conftest import screenshot, serve, settle, sign_in

pytestmark = pytest.mark.browser


@contextmanager
def first_visit(browser, demo_db_path, path: str):
    """A browser page that is the first visitor of a freshly started dashboard, opened at `path`."""
    with serve(demo_db_path) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/{path}")
        settle(page)
        try:
            yield page
        finally:
            context.close()


def test_a_deep_link_opened_first_goes_through_the_frame(browser, demo_db_path):
    with first_visit(browser, demo_db_path, "dictionary?lang=en") as page:
        page.wait_for_selector("text=Sign in", timeout=60_000)       # nothing before sign-in, in English
        sign_in(page, "admin")
        page.wait_for_selector("text=Metric dictionary", timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "/dictionary" in page.url and "lang=en" in page.url


def test_a_deep_link_to_a_page_named_unlike_its_file_opens_no_page_not_found_dialog(browser, demo_db_path):
    # /import is pages/import_data.py: Streamlit's old multipage mode, on until the first
    # st.navigation of the process, would look for "import_data" and say "Page not found".
    with first_visit(browser, demo_db_path, "import") as page:
        page.wait_for_selector(".st-key-signin_username", timeout=60_000)
        page.wait_for_timeout(1_000)                                   # the dialog came with the first run
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator('[role="dialog"]').count() == 0
        screenshot(page, "deep_link_signin")
        sign_in(page, "admin")
        page.get_by_role("heading", name="数据导入").wait_for(timeout=60_000)
        assert "/import" in page.url
