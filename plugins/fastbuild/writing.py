"""A writer that skips rendering unchanged pages (to be written)."""


def provide_writer(pelican_object):
    return None
