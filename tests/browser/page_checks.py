"""Checks every page a browser test visits: axe-core (shipped by axe-playwright-python), the phone
width, and chart text (at least 12 px, inside its chart).

A page is checked just before the test acts on it in a way that may leave it (a click, a key
press, a `goto`) and, for the last page, when the test closes its context. So each page is seen in
the state the test left it in, form errors included, and none is skipped. (Holding the next
navigation request until the check is done does not work: Chromium runs no script in a page
whose navigation is paused.)
"""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = ("serious", "critical")
AXE = Axe()
# Only the rules WCAG 2.x A/AA and best practice ask for, as reviewers read them.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}
WIDTH_SCRIPT = "() => [document.documentElement.scrollWidth, window.innerWidth]"
MIN_CHART_TEXT_PX = 12
# Each chart text as drawn: its rendered font size, and whether it stays inside its chart's frame.
CHART_TEXT_SCRIPT = """() => [...document.querySelectorAll('svg.chart text')].map(text => {
    const svg = text.closest('svg'), frame = svg.getBoundingClientRect(), box = text.getBoundingClientRect();
    const scale = frame.width / svg.viewBox.baseVal.width;
    return {text: text.textContent, px: parseFloat(getComputedStyle(text).fontSize) * scale,
            inside: box.left >= frame.left - 0.5 && box.right <= frame.right + 0.5 && box.top >= frame.top - 0.5 && box.bottom <= frame.bottom + 0.5};
})"""


# A card with nothing in it is a blank box on the page: a template drew the frame of a section it had nothing for.
EMPTY_CARDS_SCRIPT = """() => [...document.querySelectorAll('.card')]
    .filter(card => !card.textContent.trim() && !card.querySelector('img, svg, canvas, input, select, textarea, button'))
    .map(card => card.tagName.toLowerCase() + (card.id ? '#' + card.id : '') + ' after '
         + (card.previousElementSibling?.textContent.replace(/\\s+/g, ' ').trim().slice(0, 40) || 'nothing'))"""


@dataclass
class RunReport:
    """What the whole run saw: the pages checked and the violations below the blocking level."""

    pages: set[str] = field(default_factory=set)
    minor: Counter = field(default_factory=Counter)  # (impact, rule id, path) -> nodes

    def lines(self) -> list[str]:
        lines = [f"pages checked by axe-core and for 390 px width: {len(self.pages)}"]
        lines += [f"  {path}" for path in sorted(self.pages)]
        lines.append(f"non-blocking violations left: {sum(self.minor.values())} nodes")
        lines += [f"  {impact} {rule} on {path}: {count}" for (impact, rule, path), count in sorted(self.minor.items())]
        return lines


def route_pattern(path: str) -> str:
    """/sessions/12/edit -> /sessions/<id>/edit and signed links' tokens -> <token>, so the report lists
    pages, not rows."""

    def pattern(part: str) -> str:
        if part.isdigit():
            return "<id>"
        return "<token>" if len(part) >= 20 and "." in part else part

    return "/".join(pattern(part) for part in path.split("/")) or "/"


class PageChecker:
    """Attached to one browser context; collects the problems of every page the context shows."""

    def __init__(self, base_url: str, report: RunReport):
        self.base_url = base_url
        self.report = report
        self.problems: list[str] = []

    def check(self, page) -> None:
        """Check the document the page shows, once per document.

        A click may have started a navigation that swaps the document mid-check; the check then
        starts again on the document the page lands on.
        """
        from playwright.sync_api import Error as PlaywrightError

        for attempt in range(3):
            if page.is_closed():
                return
            page.wait_for_load_state("load")
            try:
                problems = self.check_document(page)
            except PlaywrightError:
                if attempt == 2:
                    raise
                continue
            self.problems += problems
            return

    def check_document(self, page) -> list[str]:
        problems: list[str] = []
        url = page.url
        if not url.startswith(self.base_url):
            return problems
        # The mark lives in the document, so the next document (even at the same URL) is checked again.
        if page.evaluate("() => document.contentType !== 'text/html' || window.__pageChecked === true"):
            return problems
        page.evaluate("() => { window.__pageChecked = true; }")
        path = route_pattern(urlsplit(url).path)
        self.report.pages.add(path)
        scroll_width, viewport = page.evaluate(WIDTH_SCRIPT)
        if scroll_width > viewport:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                     .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                     .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
            )
            problems.append(f"{url}: {scroll_width} px wide in a {viewport} px viewport (too wide: {', '.join(wide)})")
        for card in page.evaluate(EMPTY_CARDS_SCRIPT):
            problems.append(f"{url}: an empty card ({card}) shows as a blank box")
        for text in page.evaluate(CHART_TEXT_SCRIPT):
            if text["px"] < MIN_CHART_TEXT_PX:
                problems.append(
                    f"{url}: chart text {text['text']!r} is {text['px']:.1f} px (under {MIN_CHART_TEXT_PX})"
                )
            if not text["inside"]:
                problems.append(f"{url}: chart text {text['text']!r} is cut off by its chart's frame")
        for violation in AXE.run(page, options=AXE_OPTIONS).response["violations"]:
            targets = [", ".join(node["target"]) for node in violation["nodes"]]
            if violation["impact"] in BLOCKING_IMPACTS:
                problems.append(
                    f"{url}: axe {violation['impact']} {violation['id']} ({violation['help']}) at {'; '.join(targets[:5])}"
                )
            else:
                self.report.minor[(violation["impact"], violation["id"], path)] += len(targets)
        return problems


# Actions that may leave the page; the page is checked before each of them.
LEAVING_ACTIONS = {"Page": ("goto", "reload", "go_back"), "Locator": ("click", "check", "press", "dblclick")}


def check_before_leaving(monkeypatch, checkers: dict) -> None:
    """Make the actions above check the page first (`checkers` maps each open page to its checker)."""
    from playwright.sync_api import Locator, Page

    for cls in (Page, Locator):
        for name in LEAVING_ACTIONS[cls.__name__]:
            action = getattr(cls, name)

            def checked_first(self, *args, _action=action, **kwargs):
                page = self if isinstance(self, Page) else self.page
                if page in checkers:
                    checkers[page].check(page)
                return _action(self, *args, **kwargs)

            monkeypatch.setattr(cls, name, checked_first)
