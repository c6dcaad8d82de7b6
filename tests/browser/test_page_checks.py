"""The page checks themselves catch what they are there to catch."""

import pytest

from tests.browser.page_checks import PageChecker, RunReport

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_an_unlabelled_field_and_a_too_wide_block_are_reported(new_page, live):
    page = new_page()
    page.goto("/auth/login")
    checker = PageChecker(live.url, RunReport())
    # The DOM API, not markup, so the page keeps working under the coming Content-Security-Policy.
    page.evaluate("""() => {
        const field = document.createElement('input');
        document.querySelector('form').append(field);
        const wide = document.createElement('div');
        wide.className = 'too-wide';
        wide.textContent = 'x';
        wide.style.width = '600px';
        document.querySelector('main').append(wide);
    }""")
    checker.check(page)

    assert any("axe critical label" in problem for problem in checker.problems), checker.problems
    assert any("px wide in a 390 px viewport" in problem and "div.too-wide" in problem for problem in checker.problems)
    checker.problems.clear()
    checker.check(page)  # the same document is checked once
    assert checker.problems == []
    page.reload()  # leave it before the fixture's own check sees the broken page
