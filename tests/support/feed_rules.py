"""The W3C feed validator's error rules for RSS 2.0 and Atom 1.0, as a test helper.

The validator itself is a web service (and an unmaintained Python 2 program) that cannot
run here, so the tests check the rules it reports as errors: required elements, RFC 822
dates in RSS and RFC 3339 dates in Atom, guids that are URLs unless isPermaLink="false",
absolute links, ids that are IRIs, an author for every entry, and a self link that
matches where the feed is published.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
RFC822_DAY = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT|Z)$"
)


def feed_errors(xml: bytes, self_url: str) -> list[str]:
    """Errors the W3C feed validator would report for this RSS or Atom document."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag == "rss":
        return _rss_errors(root, self_url)
    if root.tag == f"{ATOM}feed":
        return _atom_errors(root, self_url)
    return [f"unknown feed root element {root.tag!r}"]


def _is_absolute(url: str | None) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _rss_errors(rss, self_url: str) -> list[str]:
    errors = []
    if rss.get("version") != "2.0":
        errors.append("rss: version must be 2.0")
    channel = rss.find("channel")
    if channel is None:
        return [*errors, "rss: missing channel"]
    for name in ("title", "link", "description"):
        if channel.find(name) is None:
            errors.append(f"channel: missing <{name}>")
    if not _is_absolute(channel.findtext("link")):
        errors.append(f"channel/link is not an absolute URL: {channel.findtext('link')!r}")
    errors += _self_link_errors(channel.findall(f"{ATOM}link"), self_url, "channel")
    for name in ("pubDate", "lastBuildDate"):
        if channel.find(name) is not None:
            errors += _rfc822_errors(channel.findtext(name), f"channel/{name}")
    for index, item in enumerate(channel.findall("item")):
        where = f"item {index + 1}"
        if item.find("title") is None and item.find("description") is None:
            errors.append(f"{where}: needs a title or a description")
        if item.find("link") is not None and not _is_absolute(item.findtext("link")):
            errors.append(f"{where}: link is not an absolute URL")
        guid = item.find("guid")
        if guid is not None:
            permalink = guid.get("isPermaLink", "true")
            if permalink not in ("true", "false"):
                errors.append(f"{where}: guid isPermaLink must be true or false")
            if permalink == "true" and not _is_absolute(guid.text):
                errors.append(f"{where}: guid must be a full URL, unless isPermaLink is false: {guid.text!r}")
        if item.find("pubDate") is not None:
            errors += _rfc822_errors(item.findtext("pubDate"), f"{where}/pubDate")
        author = item.findtext("author")
        if author is not None and "@" not in author:
            errors.append(f"{where}: <author> must be an email address (use dc:creator for names)")
    return errors


def _rfc822_errors(value: str | None, where: str) -> list[str]:
    value = (value or "").strip()
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return [f"{where}: not an RFC 822 date: {value!r}"]
    if not RFC822_DAY.match(value):
        return [f"{where}: not an RFC 822 date: {value!r}"]
    return []


def _self_link_errors(links, self_url: str, where: str) -> list[str]:
    selves = [link for link in links if link.get("rel") == "self"]
    if not selves:
        return [f"{where}: missing atom:link rel=self"]
    href = selves[0].get("href")
    if href != self_url:
        return [f"{where}: self link {href!r} does not match the feed's location {self_url!r}"]
    return []


def _atom_errors(feed, self_url: str) -> list[str]:
    errors = []
    errors += _atom_common_errors(feed, "feed")
    errors += _self_link_errors(feed.findall(f"{ATOM}link"), self_url, "feed")
    feed_has_author = feed.find(f"{ATOM}author") is not None
    for index, entry in enumerate(feed.findall(f"{ATOM}entry")):
        where = f"entry {index + 1}"
        errors += _atom_common_errors(entry, where)
        if not feed_has_author and entry.find(f"{ATOM}author") is None:
            errors.append(f"{where}: missing author (none on the feed either)")
        links = entry.findall(f"{ATOM}link")
        if entry.find(f"{ATOM}content") is None and not any(
            link.get("rel", "alternate") == "alternate" for link in links
        ):
            errors.append(f"{where}: needs content or a rel=alternate link")
        for link in links:
            if not _is_absolute(link.get("href")):
                errors.append(f"{where}: link href is not absolute: {link.get('href')!r}")
        for name in ("published",):
            value = entry.findtext(f"{ATOM}{name}")
            if value is not None and not RFC3339.match(value):
                errors.append(f"{where}/{name}: not an RFC 3339 date: {value!r}")
    return errors


def _atom_common_errors(element, where: str) -> list[str]:
    errors = []
    for name in ("id", "title", "updated"):
        if element.find(f"{ATOM}{name}") is None:
            errors.append(f"{where}: missing <{name}>")
    element_id = element.findtext(f"{ATOM}id") or ""
    if element_id and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", element_id):
        errors.append(f"{where}: id is not an IRI: {element_id!r}")
    updated = element.findtext(f"{ATOM}updated")
    if updated is not None and not RFC3339.match(updated):
        errors.append(f"{where}/updated: not an RFC 3339 date: {updated!r}")
    for author in element.findall(f"{ATOM}author"):
        if not (author.findtext(f"{ATOM}name") or "").strip():
            errors.append(f"{where}: author without a name")
    return errors
