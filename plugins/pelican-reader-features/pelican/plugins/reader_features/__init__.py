"""What readers get beyond the article itself: Networker's Pelican plugin for the theme.

- every article gets ``reading_minutes``, ``share_links`` (LinkedIn, X, email, forward to a
  colleague), ``json_ld`` (a schema.org BlogPosting script), and, when published,
  ``previous_article`` / ``next_article`` (by date) and ``related_articles`` (by shared tags);
- every template gets the ``meta_description`` filter and ``SUBSCRIBE_FORM`` (None unless
  READER_SUBSCRIBE_FORM_ACTION is set);
- pelican-sitemap's index pages are dated by the newest article, not the build's clock, and
  its state is reset at the start of every build (a failed build left it stuck);
- RSS items' ``tag:`` guids say ``isPermaLink="false"`` (:mod:`.feeds`);
- the built site is indexed for search with Pagefind at ``finalized`` (:mod:`.search`;
  ``READER_SEARCH_INDEX = False`` turns it off).

See "The reader's site" in README.md.
"""

from pelican import signals

from pelican_contentkit.outputs import declare_outputs

from . import handlers
from .feeds import mark_rss_guids_not_permalinks
from .search import index_built_site


def register():
    declare_outputs(__name__, handlers.planned_outputs)
    signals.initialized.connect(handlers.reset_sitemap)
    signals.generator_init.connect(handlers.add_template_helpers)
    signals.article_generator_finalized.connect(handlers.attach_to_articles)
    signals.all_generators_finalized.connect(handlers.stamp_sitemap_index_pages)
    signals.feed_generated.connect(mark_rss_guids_not_permalinks)
    signals.finalized.connect(index_built_site)
