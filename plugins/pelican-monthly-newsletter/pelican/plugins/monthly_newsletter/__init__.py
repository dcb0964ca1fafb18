"""The monthly newsletter: web issue pages, a feed of issues, and campaign files for the publisher.

The build renders everything; ``invoke publish-newsletter`` (``pelican.plugins.monthly_newsletter.publish``) sends
what was built. Nothing here touches the network.
"""

from pelican import signals

from pelican_contentkit import problems

from .generator import get_generators


def register():
    problems.connect(__name__)
    signals.get_generators.connect(get_generators)
