"""Feed corrections for Pelican's own article feeds.

Pelican's RSS items carry a ``tag:`` URI as ``<guid>`` but do not say
``isPermaLink="false"``, so RSS readers and the W3C feed validator take the tag URI
for a URL. This plugin marks those guids as not permalinks when each feed is
generated (the ``feed_generated`` signal), so it needs no writer of its own.
Nothing else about the feeds changes.
"""

from pelican import signals

from .fixes import mark_rss_guids_not_permalinks

__all__ = ["mark_rss_guids_not_permalinks", "register"]


def register():
    signals.feed_generated.connect(mark_rss_guids_not_permalinks)
