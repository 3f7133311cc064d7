"""A pasted link to a page works on a server that has not drawn any page yet."""

from __future__ import annotations

import pytest

from tests.browser.conftest import serve, settle, sign_in

pytestmark = pytest.mark.browser


def test_a_deep_link_opened_first_goes_through_the_frame(browser, demo_db_path):
    # With a pages/ folder Streamlit starts in its old multipage mode and would run the page
    # file alone (KeyError: _page_context); ui.context reruns it through app.py instead.
    with serve(demo_db_path) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/dictionary?lang=en")
        settle(page)
        page.wait_for_selector("text=Sign in", timeout=60_000)       # nothing before sign-in, in English
        sign_in(page, "admin")
        page.wait_for_selector("text=Metric dictionary", timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "/dictionary" in page.url and "lang=en" in page.url
        context.close()
