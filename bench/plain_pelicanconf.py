"""Stock Pelican 4.12 for the benchmark: its default theme (notmyidea), no plugins, and the
pages, URLs, pagination and feeds of Networker's production build (pelicanconf.py +
publishconf.py), taken from pelicanconf.py so the two cannot drift apart. PATH and
OUTPUT_PATH are given by the benchmark."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pelicanconf import (  # noqa: E402,F401 - Pelican reads every upper-case name here
    ARCHIVES_SAVE_AS,
    ARTICLE_PATHS,
    ARTICLE_SAVE_AS,
    ARTICLE_URL,
    AUTHOR,
    AUTHOR_FEED_ATOM,
    AUTHOR_FEED_RSS,
    AUTHOR_SAVE_AS,
    AUTHOR_URL,
    AUTHORS_SAVE_AS,
    CATEGORIES_SAVE_AS,
    CATEGORY_FEED_ATOM,
    CATEGORY_FEED_RSS,
    CATEGORY_SAVE_AS,
    CATEGORY_URL,
    DEFAULT_DATE_FORMAT,
    DEFAULT_LANG,
    DEFAULT_PAGINATION,
    FEED_ALL_ATOM,
    FEED_ALL_RSS,
    FEED_MAX_ITEMS,
    IGNORE_FILES,  # the QuoteAction files are Markdown too: Pelican must not read them as articles
    INDEX_SAVE_AS,
    MARKDOWN,
    MONTH_ARCHIVE_SAVE_AS,
    MONTH_ARCHIVE_URL,
    PAGE_PATHS,
    PAGE_SAVE_AS,
    PAGE_URL,
    PAGINATION_PATTERNS,
    RSS_FEED_SUMMARY_ONLY,
    SITENAME,
    STATIC_PATHS,
    SUMMARY_MAX_LENGTH,
    TAG_SAVE_AS,
    TAG_URL,
    TAGS_SAVE_AS,
    TIMEZONE,
    TRANSLATION_FEED_ATOM,
    TRANSLATION_FEED_RSS,
    WITH_FUTURE_DATES,
    YEAR_ARCHIVE_SAVE_AS,
    YEAR_ARCHIVE_URL,
)

SITEURL = "https://networker.example.com"
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL

PATH = "content"
OUTPUT_PATH = "output"
# THEME is left at Pelican's default, notmyidea. The corpus's Subscribe page asks for a
# `subscribe` template, which only Networker's theme has: here it is the page template.
THEME_TEMPLATES_OVERRIDES = [str(Path(__file__).resolve().parent / "plain_templates")]

# As in publishconf.py; the stock theme has no search, robots or 404 templates.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives"]

PLUGINS: list[str] = []
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = True
