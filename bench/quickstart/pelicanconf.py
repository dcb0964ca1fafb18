"""Stock Pelican for the benchmark: the pelicanconf.py that `pelican-quickstart` (Pelican 4.12)
writes, answered with its defaults (no URL prefix, 10 articles a page), built the way its
Makefile's `make html` builds it: `pelican content -o output -s pelicanconf.py`.

Three lines differ from the stock file, each because the benchmark's corpus or machine needs it:
- PLUGINS = []: Pelican would otherwise load every namespace plugin installed in the
  environment, and Networker's are installed in .venv;
- IGNORE_FILES: the corpus's QuoteAction and newsletter files are Networker's data, which stock
  Pelican would try (and fail) to read as articles;
- THEME_TEMPLATES_OVERRIDES: the corpus's Subscribe page names a `subscribe` template, which
  the stock theme does not have (bench/plain_templates/subscribe.html extends its page.html).
"""

from pathlib import Path

AUTHOR = "Networker"
SITENAME = "Networker"
SITEURL = ""

PATH = "content"

TIMEZONE = "UTC"

DEFAULT_LANG = "en"

# Feed generation is usually not desired when developing
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Blogroll
LINKS = (
    ("Pelican", "https://getpelican.com/"),
    ("Python.org", "https://www.python.org/"),
    ("Jinja2", "https://palletsprojects.com/p/jinja/"),
    ("You can modify those links in your config file", "#"),
)

# Social widget
SOCIAL = (
    ("You can add links in your config file", "#"),
    ("Another social link", "#"),
)

DEFAULT_PAGINATION = 10

# Uncomment following line if you want document-relative URLs when developing
# RELATIVE_URLS = True

# The benchmark's three deviations (see the docstring).
PLUGINS: list[str] = []
IGNORE_FILES = [".*", "__pycache__", "quoteactions", "newsletters"]
THEME_TEMPLATES_OVERRIDES = [str(Path(__file__).resolve().parents[1] / "plain_templates")]
