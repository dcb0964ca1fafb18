"""Plain Pelican with Networker's settings, the benchmark's second reference row: what the
benchmark measured as "plain Pelican" before it took `pelican-quickstart`'s settings.

Pelican 4.12 with its default theme (notmyidea) and no plugins, so Pelican's Python-Markdown
reader with the site's extensions (extra, smarty, toc), and the pages, URLs, pagination and
feeds of Networker's production build (publishconf.py, which reads pelicanconf.py), taken
from there so the two cannot drift apart. Built as stock Pelican is:
`pelican content -o output -s bench/site_settings/pelicanconf.py`.

Left out of Networker's settings: the theme and the plugins, with the pages only
Networker's theme has (404, search, robots.txt); the corpus's Subscribe page names a
`subscribe` template, which here extends notmyidea's page.html (bench/plain_templates).
"""

import runpy
from pathlib import Path

_BENCH = Path(__file__).resolve().parents[1]
_SITE = runpy.run_path(str(_BENCH.parent / "publishconf.py"))
# Pelican reads every upper-case name of this module.
globals().update(
    {
        name: _SITE[name]
        for name in (
            "ARCHIVES_SAVE_AS",
            "ARTICLE_PATHS",
            "ARTICLE_SAVE_AS",
            "ARTICLE_URL",
            "AUTHOR",
            "AUTHOR_FEED_ATOM",
            "AUTHOR_FEED_RSS",
            "AUTHOR_SAVE_AS",
            "AUTHOR_URL",
            "AUTHORS_SAVE_AS",
            "CATEGORIES_SAVE_AS",
            "CATEGORY_FEED_ATOM",
            "CATEGORY_FEED_RSS",
            "CATEGORY_SAVE_AS",
            "CATEGORY_URL",
            "DEFAULT_DATE_FORMAT",
            "DEFAULT_LANG",
            "DEFAULT_PAGINATION",
            "DELETE_OUTPUT_DIRECTORY",
            "DRAFT_PAGE_SAVE_AS",
            "DRAFT_SAVE_AS",
            "FEED_ALL_ATOM",
            "FEED_ALL_RSS",
            "FEED_DOMAIN",
            "FEED_MAX_ITEMS",
            "IGNORE_FILES",  # the QuoteAction files are Markdown too: not articles
            "INDEX_SAVE_AS",
            "MARKDOWN",
            "MONTH_ARCHIVE_SAVE_AS",
            "MONTH_ARCHIVE_URL",
            "PAGE_PATHS",
            "PAGE_SAVE_AS",
            "PAGE_URL",
            "PAGINATION_PATTERNS",
            "RELATIVE_URLS",
            "RSS_FEED_SUMMARY_ONLY",
            "SITENAME",
            "SITEURL",
            "STATIC_PATHS",
            "SUMMARY_MAX_LENGTH",
            "TAG_SAVE_AS",
            "TAG_URL",
            "TAGS_SAVE_AS",
            "TIMEZONE",
            "TRANSLATION_FEED_ATOM",
            "TRANSLATION_FEED_RSS",
            "WITH_FUTURE_DATES",
            "YEAR_ARCHIVE_SAVE_AS",
            "YEAR_ARCHIVE_URL",
        )
    }
)

PATH = "content"
OUTPUT_PATH = "output"
# THEME is left at Pelican's default, notmyidea, which has no 404, search or robots template.
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives"]
THEME_TEMPLATES_OVERRIDES = [str(_BENCH / "plain_templates")]
PLUGINS: list[str] = []
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
