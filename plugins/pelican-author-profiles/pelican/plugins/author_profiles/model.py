"""An author's profile as plain, frozen data: what templates, the JSON-LD and the newsletter read.

Contract with the rest of Networker:

- ``article.author_profile``: the :class:`AuthorProfile` of the article's first author, or
  ``None``; ``article.author_profiles``: the profiles of all its authors that have one;
- the Pelican context gets ``AUTHOR_PROFILES``, a dict ``name -> AuthorProfile`` sorted by
  name, set while the articles are read (``article_generator_pretaxonomy``), so every plugin
  that reads articles once they are finalized finds it, whatever the order of ``PLUGINS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

# Labels for the links of well-known sites; any other link is labelled by its host name.
KNOWN_SITES = {
    "linkedin.com": "LinkedIn",
    "github.com": "GitHub",
    "gitlab.com": "GitLab",
    "x.com": "X",
    "twitter.com": "X",
    "bsky.app": "Bluesky",
    "youtube.com": "YouTube",
    "instagram.com": "Instagram",
    "threads.net": "Threads",
}


@dataclass(frozen=True)
class ProfileLink:
    url: str
    label: str  # "LinkedIn", "Mastodon", or the host name


@dataclass(frozen=True)
class AuthorProfile:
    """Who wrote an article: content/authors/<slug>.md."""

    name: str  # as articles write it in Author:
    slug: str  # the author's slug, as Pelican makes it from the name
    role: str | None  # plain text
    website: str | None  # an absolute http(s) URL
    links: tuple[ProfileLink, ...]
    photo: str | None  # the image's path inside the content folder, e.g. images/authors/dana.png
    photo_alt: str | None  # plain text
    bio_html: str  # the file's body, Markdown rendered to HTML
    bio_text: str  # the same as plain text
    summary_html: str  # the bio's first paragraph: the short profile under articles and in emails
    summary_text: str
    url: str  # the author page, relative to SITEURL
    source_path: str  # the file, relative to the site root

    @property
    def same_as(self) -> tuple[str, ...]:
        """Every address that is this person elsewhere (schema.org ``sameAs``)."""
        return tuple(
            dict.fromkeys([*([self.website] if self.website else []), *(link.url for link in self.links)])
        )


def link_label(url: str) -> str:
    """A short name for a profile link: the site's name where known, else its host."""
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    for domain, label in KNOWN_SITES.items():
        if host == domain or host.endswith("." + domain):
            return label
    if "mastodon" in host or "/@" in url:
        return "Mastodon"
    return host
