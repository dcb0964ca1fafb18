"""Author profiles: Networker's Pelican plugin for the people behind the articles.

- ``content/authors/<slug>.md`` (``Name``, ``Role``, ``Website``, ``Links``, ``Photo`` with
  ``Photo_alt``; the body is the bio) is read as a data folder, like the QuoteActions, and
  every mistake is a problem of the build (:mod:`.parsing`);
- every article gets ``author_profile`` / ``author_profiles``, every template
  ``AUTHOR_PROFILES`` (:mod:`.model`); the theme shows them with the plugin's partials
  (``partials/author_profile.html`` on the author page, ``partials/about_the_author.html``
  under each article), which a theme can override;
- an author feed (``AUTHOR_FEED_ATOM`` / ``AUTHOR_FEED_RSS``) says who the author is.

See README ("Author profiles").
"""

from pelican import signals

from pelican_contentkit import problems
from pelican_contentkit.rebuild import declare_body_edits

from . import handlers
from .model import AuthorProfile, ProfileLink
from .parsing import read_profiles

__all__ = ["AuthorProfile", "ProfileLink", "read_profiles", "register"]


def register():
    problems.connect(__name__)
    declare_body_edits(__name__)  # profiles come from their own files and the fields
    signals.initialized.connect(handlers.keep_folder_out_of_articles)
    signals.generator_init.connect(handlers.add_default_templates)
    signals.article_generator_pretaxonomy.connect(handlers.attach_to_articles)
    signals.feed_generated.connect(handlers.add_to_author_feeds)
