"""QuoteAction and connector prompts: Networker's Pelican plugin.

- every article gets ``article.quoteaction`` (its month's QuoteAction) and
  ``article.connector_prompt`` (chosen by :mod:`pelican.plugins.quoteaction.selection`);
- ``output/quoteactions/index.html`` lists every QuoteAction (template ``quoteactions``);
- on a theme whose article template does not show them, both are added at the end of the
  article's content (QUOTEACTION_INSERT_IN_CONTENT);
- default templates (``templates/``) for themes that have none of those names;
- the article feeds carry both only when QUOTEACTION_IN_FEEDS / CONNECTOR_PROMPTS_IN_FEEDS say so.

See README ("QuoteActions and connector prompts") for the content model.
"""

from pelican import signals

from pelican_contentkit import outputs, problems
from pelican_contentkit.rebuild import declare_body_edits

from . import handlers
from .model import ConnectorPrompt, QuoteAction
from .parsing import load_connector_prompts, load_quoteactions

__all__ = [
    "ConnectorPrompt",
    "QuoteAction",
    "load_connector_prompts",
    "load_quoteactions",
    "register",
]


# The article and page metadata this plugin reads (not typos, for the content check).
ARTICLE_FIELDS = ("connector_prompt", "quoteaction")


def register():
    problems.connect(__name__)
    declare_body_edits(__name__, handlers.derived_from_body)
    problems.declare_fields(__name__, ARTICLE_FIELDS)
    outputs.declare_outputs(__name__, handlers.planned_outputs)
    signals.initialized.connect(handlers.keep_folder_out_of_articles)
    signals.generator_init.connect(handlers.add_default_templates)
    signals.article_generator_finalized.connect(handlers.attach_to_articles)
    signals.static_generator_finalized.connect(handlers.resolve_action_links)
    signals.get_generators.connect(handlers.archive_generator)
    signals.feed_generated.connect(handlers.add_to_feed_items)
