"""Feed corrections for Pelican's own article feeds.

Pelican's RSS items carry a ``tag:`` URI as ``<guid>`` but do not say
``isPermaLink="false"``, so RSS readers and the W3C feed validator take the tag URI
for a URL. This plugin hands Pelican a writer whose RSS feeds mark the guid as
not a permalink. Nothing else about the feeds changes.
"""

from pelican import signals

from .writer import FeedFixingWriter

__all__ = ["FeedFixingWriter", "register"]


def provide_writer(pelican_object):
    return FeedFixingWriter


def register():
    signals.get_writer.connect(provide_writer)
