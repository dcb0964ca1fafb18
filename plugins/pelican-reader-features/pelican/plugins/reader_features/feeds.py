"""Changes to a feed after Pelican has filled it and before it is written."""

from feedgenerator import Rss201rev2Feed


def mark_rss_guids_not_permalinks(context, feed) -> None:
    """``feed_generated``: an RSS item's ``<guid>`` is a permalink unless it says otherwise,
    and Pelican's guids are ``tag:`` URIs, so say ``isPermaLink="false"``."""
    if not isinstance(feed, Rss201rev2Feed):
        return
    for item in feed.items:
        if item.get("unique_id") is not None and item.get("unique_id_is_permalink") is None:
            item["unique_id_is_permalink"] = False
