"""Markdown conversion in worker processes (to be written)."""


def use_parallel_markdown_reader(readers) -> None:
    """``readers_init``: not yet."""


def stop_workers(pelican_object) -> None:
    """``finalized``: not yet."""
