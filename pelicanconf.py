"""Development settings: `invoke build`, `invoke livereload`, `make serve`.

The production build (`make build`) reads these and overrides them in publishconf.py.
"""

import os

AUTHOR = "Networker"
SITENAME = "Networker"
SITESUBTITLE = "Practical advice for building a network of real relationships"
SITEURL = "http://localhost:8000"
RELATIVE_URLS = True

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
DEFAULT_PAGINATION = 6
SUMMARY_MAX_LENGTH = 50

ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
# Data files read by the project's plugins, never by Pelican's readers.
IGNORE_FILES = [".*", "__pycache__", "quoteactions", "newsletters"]

# Clean URLs: /articles/slug/ rather than /slug.html.
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
TAGS_SAVE_AS = "tags/index.html"
AUTHORS_SAVE_AS = "authors/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}/index.html"
INDEX_SAVE_AS = "index.html"
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "404", "search", "robots"]
# The search page (Pagefind's index is built after the production build, see tasks.py).
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
# robots.txt from the theme's robots.html, so its Sitemap line follows SITEURL.
ROBOTS_SAVE_AS = "robots.txt"
TEMPLATE_PAGES: dict[str, str] = {}

# Feeds: Atom and RSS for all articles and per category, full content.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/category/{slug}.rss.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 20

# Markdown files are GitHub-flavoured Markdown, read by the gfm_reader plugin (cmark-gfm).
# MARKDOWN configures Pelican's Python-Markdown reader, which reads them instead with
# GFM_READER_ENABLED = False (see "Writing in Markdown" in README.md).
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.smarty": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# Fields every article must have (`invoke check` and the build stop when one is missing);
# pages need a Title (Pelican's own default for both).
CONTENT_REQUIRED_FIELDS = ["title", "date", "category", "summary"]

# Networker's plugins are installed distributions (plugins/*, `make build` installs them);
# Pelican finds namespace plugins by name.
PLUGINS = [
    "gfm_reader",
    "quoteaction",
    "author_profiles",
    "monthly_newsletter",
    "reader_features",
    "sitemap",
    "fastbuild",
]

# The newsletter signup form posts to Mailchimp's embedded-form action URL (Audience >
# Signup forms > Embedded forms). Empty: no form; the Subscribe page points to the feeds.
READER_SUBSCRIBE_FORM_ACTION = os.environ.get("NETWORKER_SUBSCRIBE_ACTION", "")
# Pelican's Jinja options, plus auto_reload off: every build makes its environments afresh, so
# a template is never stale within one, and Jinja need not check each template's file time
# again at every {% include %} and {% extends %} of every page.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "auto_reload": False}
# The theme's templates are autoescaped: whatever an author wrote as text (a title, a
# category, a summary's plain text) is escaped for the element or attribute it lands in.
READER_AUTOESCAPE_THEME = True

# output/sitemap.xml (pelican-sitemap): every page Pelican writes, less these.
SITEMAP = {"format": "xml", "exclude": [r"^404\.html$", r"^robots\.txt$", r"^search/$"]}

# Future-dated articles are drafts until their date: built for preview, never listed,
# fed or mailed.
WITH_FUTURE_DATES = False

NEWSLETTER_NAME = "Networker"
NEWSLETTER_FROM_NAME = "Networker"
NEWSLETTER_REPLY_TO = "hello@networker.example.com"
NEWSLETTER_POSTAL_ADDRESS = "Networker, 1 Example Street, Springfield"
# Development builds write no campaign files (their links point to localhost) and do
# write the email preview at /newsletter-preview/ (`invoke livereload`).
NEWSLETTER_CAMPAIGNS_PATH = ""
NEWSLETTER_PREVIEW = True

CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
# Set here so that Pelican takes it from beside this file, not from the current folder.
CACHE_PATH = "cache"
# `invoke livereload` turns both caches on; an uncompressed cache saves and loads faster.
GZIP_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
