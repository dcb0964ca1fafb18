"""The feed-rule checker must catch what the W3C feed validator reports, or it proves nothing."""

from tests.support.feed_rules import feed_errors

SELF = "https://example.com/feed.xml"

GOOD_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>T</title><link>https://example.com/</link><description>D</description>
<atom:link href="https://example.com/feed.xml" rel="self"/>
<lastBuildDate>Tue, 20 Oct 2026 07:15:00 +0000</lastBuildDate>
<item><title>A</title><link>https://example.com/a/</link>
<guid isPermaLink="false">tag:example.com,2026-10-20:/a/</guid>
<pubDate>Tue, 20 Oct 2026 07:15:00 +0000</pubDate></item>
</channel></rss>"""

GOOD_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>https://example.com/</id>
<updated>2026-10-20T07:15:00+00:00</updated><link href="https://example.com/feed.xml" rel="self"/>
<entry><title>A</title><id>tag:example.com,2026-10-20:/a/</id><updated>2026-10-20T07:15:00Z</updated>
<author><name>Ada</name></author><link href="https://example.com/a/" rel="alternate"/></entry>
</feed>"""


def test_valid_feeds_have_no_errors():
    assert feed_errors(GOOD_RSS, SELF) == []
    assert feed_errors(GOOD_ATOM, SELF) == []


def test_tag_uri_guid_without_is_permalink_false_is_an_error():
    errors = feed_errors(GOOD_RSS.replace(b' isPermaLink="false"', b""), SELF)
    assert errors == [
        "item 1: guid must be a full URL, unless isPermaLink is false: 'tag:example.com,2026-10-20:/a/'"
    ]


def test_bad_dates_relative_links_and_wrong_self_link_are_errors():
    rss = GOOD_RSS.replace(b"Tue, 20 Oct 2026 07:15:00 +0000</pubDate>", b"2026-10-20</pubDate>")
    rss = rss.replace(b"<link>https://example.com/a/</link>", b"<link>/a/</link>")
    assert feed_errors(rss, "https://example.com/other.xml") == [
        "channel: self link 'https://example.com/feed.xml' does not match the feed's location "
        "'https://example.com/other.xml'",
        "item 1: link is not an absolute URL",
        "item 1/pubDate: not an RFC 822 date: '2026-10-20'",
    ]


def test_atom_entry_without_author_or_id_is_an_error():
    atom = GOOD_ATOM.replace(b"<author><name>Ada</name></author>", b"").replace(
        b"<id>tag:example.com,2026-10-20:/a/</id>", b""
    )
    assert feed_errors(atom, SELF) == [
        "entry 1: missing <id>",
        "entry 1: missing author (none on the feed either)",
    ]
