"""A Pelican writer whose RSS items declare their tag-URI guids as not permalinks."""

from feedgenerator import Rss201rev2Feed
from pelican.writers import Writer


class GuidNotPermalinkRssFeed(Rss201rev2Feed):
    """RSS 2.0 feed whose items' ``<guid>`` defaults to ``isPermaLink="false"``.

    Pelican passes a ``tag:`` URI as the item's unique id; RSS treats a guid as a
    permalink unless told otherwise.
    """

    def add_item(self, *args, **kwargs):
        kwargs.setdefault("unique_id_is_permalink", False)
        return super().add_item(*args, **kwargs)


class FeedFixingWriter(Writer):
    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        if isinstance(feed, Rss201rev2Feed):
            feed.__class__ = GuidNotPermalinkRssFeed
        return feed
