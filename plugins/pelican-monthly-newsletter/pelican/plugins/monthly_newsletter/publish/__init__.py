"""Publishing built newsletter issues to Mailchimp: `invoke publish-newsletter`.

Never imported by the Pelican build: the build does not touch the network.
"""
