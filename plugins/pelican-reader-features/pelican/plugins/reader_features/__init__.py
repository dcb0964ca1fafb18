"""What readers get beyond the article itself: Networker's Pelican plugin for the theme.

- every article gets ``reading_minutes``, ``share_links`` (LinkedIn, X, email, forward to a
  colleague), ``json_ld`` (a schema.org BlogPosting script), and, when published,
  ``previous_article`` / ``next_article`` (by date) and ``related_articles`` (by shared tags);
- every template gets the ``meta_description`` filter and ``SUBSCRIBE_FORM`` (None unless
  READER_SUBSCRIBE_FORM_ACTION is set);
- pelican-sitemap's index pages are dated by the newest article, not the build's clock, and
  its state is reset at the start of every build (a failed build left it stuck);
- RSS items' ``tag:`` guids say ``isPermaLink="false"`` (:mod:`.feeds`);
- the articles and pages are indexed for search with Pagefind, in the background from the
  moment they are written, joined at ``finalized`` (:mod:`.search`; ``READER_SEARCH_INDEX =
  False`` turns it off).

See "The reader's site" in README.md.
"""

from pelican import signals

from pelican_contentkit import stages
from pelican_contentkit.outputs import declare_outputs
from pelican_contentkit.rebuild import declare_body_edits

from . import handlers, search
from .feeds import mark_rss_guids_not_permalinks


def register():
    declare_body_edits(__name__, handlers.derived_from_body)
    declare_outputs(__name__, handlers.planned_outputs)
    signals.initialized.connect(handlers.reset_sitemap)
    signals.generator_init.connect(handlers.add_template_helpers)
    signals.article_generator_finalized.connect(handlers.attach_to_articles)
    signals.all_generators_finalized.connect(handlers.stamp_sitemap_index_pages)
    signals.feed_generated.connect(mark_rss_guids_not_permalinks)
    signals.all_generators_finalized.connect(search.forget_earlier_build)
    signals.page_writer_finalized.connect(search.content_pages_written)
    stages.when_content_pages_written(search.start_indexing)
    signals.finalized.connect(search.index_built_site)
