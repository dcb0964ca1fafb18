"""The built sample site in headless Chromium: axe-core finds no accessibility violations,
nothing overflows a 375 px phone, dark mode applies, the keyboard reaches everything with a
visible focus, search works with the keyboard (and has a fallback without JavaScript), and the
signup form's fields have accessible names.

The sample site is the session's production build (``sample_site``: absolute URLs on
SAMPLE_SITE_URL, Pagefind index included). The browser never leaves this machine: every
request to SAMPLE_SITE_URL is answered from the build's output folder, and any other request
is refused and recorded, so a test can assert that a page asked no third party for anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.browser import axe_violations, chromium, horizontal_overflow

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# The pages the issue names, from the sample content in content/.
PAGES = {
    "home": "/",
    "article": "/the-double-opt-in-introduction/",
    "category": "/category/introductions/",
    "quoteactions": "/quoteactions/",
    "newsletter issue": "/newsletter/2026-11/",
}
# A word that only the body of one sample article contains, and that article's title.
SEARCH_WORD = "accountant"
SEARCH_TITLE = "Generosity Without a Ledger"


class LocalSite:
    """Answers the browser's requests for the built site from its folder; refuses the rest."""

    def __init__(self, output: Path, site_url: str):
        self.output = output
        self.site_url = site_url.rstrip("/")
        self.foreign: list[str] = []

    def handle(self, route) -> None:
        url = route.request.url
        if not url.startswith(f"{self.site_url}/"):
            self.foreign.append(url)
            route.abort()
            return
        path = urlsplit(url).path
        target = self.output / path.lstrip("/")
        if path.endswith("/"):
            target /= "index.html"
        if target.is_file():
            route.fulfill(path=str(target))
        else:
            route.fulfill(status=404, path=str(self.output / "404.html"))


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def site(sample_site) -> LocalSite:
    return LocalSite(sample_site.output, sample_site.site_url)


@pytest.fixture
def open_page(browser, site):
    """open_page(path, color_scheme=..., viewport=..., javascript=...) -> a loaded Playwright page."""
    contexts = []

    def opener(path: str, color_scheme: str = "light", viewport: dict = PHONE, javascript: bool = True):
        context = browser.new_context(
            viewport=viewport,
            color_scheme=color_scheme,
            java_script_enabled=javascript,
            reduced_motion="reduce",
        )
        contexts.append(context)
        context.route("**/*", site.handle)
        page = context.new_page()
        response = page.goto(f"{site.site_url}{path}")
        assert response is not None and response.ok, path
        return page

    yield opener
    for context in contexts:
        context.close()


@contextmanager
def _no_foreign_requests(site: LocalSite) -> Iterator[None]:
    before = len(site.foreign)
    yield
    assert site.foreign[before:] == [], "the page asked another site for something"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_axe_violations_and_fits_a_phone(open_page, site, name, color_scheme):
    with _no_foreign_requests(site):
        page = open_page(PAGES[name], color_scheme=color_scheme)
        assert horizontal_overflow(page) == []
        assert axe_violations(page) == []


def test_dark_mode_applies_when_the_reader_prefers_it(open_page):
    def colours(page) -> tuple[str, str]:
        return page.evaluate("(s => [s.backgroundColor, s.color])(getComputedStyle(document.body))")

    def luminance(rgb: str) -> float:
        red, green, blue = (int(part) for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
        return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255

    light_bg, light_fg = colours(open_page(PAGES["article"], color_scheme="light"))
    dark_bg, dark_fg = colours(open_page(PAGES["article"], color_scheme="dark"))
    assert luminance(light_bg) > 0.9 and luminance(light_fg) < 0.2
    assert luminance(dark_bg) < 0.15 and luminance(dark_fg) > 0.85


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
        const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
        return {tag: el.tagName.toLowerCase(), cls: el.className, href: el.getAttribute('href'),
                text: (el.innerText || el.value || '').trim(),
                outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                visible: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
                         && box.right <= innerWidth && box.bottom <= innerHeight};
    }"""
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_skip_link_comes_first_is_seen_and_moves_focus_to_the_main_content(open_page, color_scheme):
    page = open_page(PAGES["article"], color_scheme=color_scheme)
    page.keyboard.press("Tab")
    focused = _focused(page)
    assert (focused["cls"], focused["text"], focused["visible"]) == ("skip-link", "Skip to content", True)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the main content, not the header
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_keyboard_stop_shows_a_focus_outline(open_page, color_scheme):
    page = open_page(PAGES["article"], color_scheme=color_scheme, viewport=DESKTOP)
    stops = []
    for _ in range(200):  # Tab through the whole page, until focus leaves the document
        page.keyboard.press("Tab")
        stop = _focused(page)
        if stop["tag"] == "body":
            break
        stops.append(stop)
    assert len(stops) > 20 and stops[-1]["text"] == "RSS feed"  # it went all the way to the footer
    unseen = [stop for stop in stops if stop["outline"] == "none" or stop["outlineWidth"] < 2]
    assert unseen == []


def test_navigation_reaches_every_part_of_the_site(open_page):
    page = open_page(PAGES["home"])
    nav = page.get_by_role("navigation", name="Site")
    for name in [
        "Articles",
        "QuoteActions",
        "Newsletter",
        "About",
        "Search",
        "Subscribe",
        "Archives",
        "Categories",
        "Tags",
        "Authors",
    ]:
        assert nav.get_by_role("link", name=name, exact=True).is_visible(), name
    assert nav.get_by_role("link", name="Articles", exact=True).get_attribute("aria-current") == "page"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_search_finds_an_article_by_a_word_in_its_body_with_the_keyboard_only(open_page, site, color_scheme):
    with _no_foreign_requests(site):
        page = open_page("/search/", color_scheme=color_scheme)
        box = page.get_by_role("textbox", name="Search the articles")
        box.wait_for()
        for _ in range(30):  # Tab from the top of the page to the search box
            page.keyboard.press("Tab")
            if box.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail("the keyboard never reached the search box")
        page.keyboard.type(SEARCH_WORD)
        result = page.get_by_role("link", name=SEARCH_TITLE)
        result.wait_for(timeout=10_000)
        assert axe_violations(page) == []  # the results, too
        for _ in range(10):  # on from the search box to the first result
            page.keyboard.press("Tab")
            if result.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail("the keyboard never reached the search result")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{site.site_url}/generosity-without-a-ledger/")
        assert page.get_by_role("heading", level=1).inner_text() == SEARCH_TITLE


def test_search_page_without_javascript_offers_a_web_search_and_the_archives(open_page, site):
    with _no_foreign_requests(site):
        page = open_page("/search/", javascript=False)
        box = page.get_by_role("searchbox", name="Search this site with DuckDuckGo")
        assert box.is_visible()
        form = page.locator("form.search-fallback")
        assert form.get_attribute("action") == "https://duckduckgo.com/"
        assert form.locator("input[name=sites]").get_attribute("value") == urlsplit(site.site_url).netloc
        assert page.get_by_role("main").get_by_role("link", name="archives").is_visible()


@pytest.mark.parametrize("path", [PAGES["article"], "/subscribe/"])
def test_signup_form_fields_are_named_by_their_labels(open_page, path):
    page = open_page(path)
    email = page.get_by_role("textbox", name="Email address")
    assert email.get_attribute("type") == "email" and email.get_attribute("name") == "EMAIL"
    assert page.get_by_role("textbox", name="First name (optional)").get_attribute("name") == "FNAME"
    assert page.get_by_role("button", name="Subscribe").is_visible()
    trap = page.locator("input[name^=b_]")
    assert not trap.is_visible() or trap.bounding_box()["x"] < 0  # off-screen, never announced


def test_unknown_address_shows_the_404_page(browser, site):
    context = browser.new_context(viewport=PHONE)
    try:
        context.route("**/*", site.handle)
        page = context.new_page()
        response = page.goto(f"{site.site_url}/no-such-article/")
        assert response.status == 404
        assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
        assert page.get_by_role("main").get_by_role("link", name="archives").is_visible()
    finally:
        context.close()
