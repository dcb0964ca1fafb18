"""The monthly newsletter: web issue pages, a feed of issues, and campaign files for the publisher.

The build renders everything, with the theme's templates where it has them and the plugin's
own (``templates/newsletter/``) where it does not; ``invoke publish-newsletter``
(``pelican.plugins.monthly_newsletter.publish``) sends what was built. Nothing here touches the
network.
"""

from pelican import signals

from pelican_contentkit import outputs, problems
from pelican_contentkit.rebuild import declare_body_edits

from .generator import (
    add_default_templates,
    finish_featured_articles,
    get_generators,
    keep_folder_out_of_articles,
    planned_outputs,
    resolve_note_links,
)


def register():
    problems.connect(__name__)
    # The issues show the articles' fields; a featured article's body is read at
    # all_generators_finalized, which makes an edit of it a whole rebuild.
    declare_body_edits(__name__)
    outputs.declare_outputs(__name__, planned_outputs)
    signals.initialized.connect(keep_folder_out_of_articles)
    signals.generator_init.connect(add_default_templates)
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(resolve_note_links)
    signals.all_generators_finalized.connect(finish_featured_articles)
