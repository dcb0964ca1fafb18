"""Body-only rebuilds: the live-reload rebuild after an edit that changed articles' or pages'
bodies and nothing else.

A whole rebuild reads every file again (from Pelican's content cache), runs every plugin's
handlers over every article and works out every page's inputs, to find the few pages an
edited body shows on. A *quick rebuild* instead starts from the previous build of the same
site in the same process: it reads the edited files, puts their new bodies into that
build's articles, and writes again only what read those bodies. fastbuild makes it
(:mod:`pelican.plugins.fastbuild.quick`); ``build_site`` asks for it before a development
build (:func:`quick_rebuild`) and says how each build ended (:func:`build_ended`).

It is only as safe as the plugins of the build: a plugin that derives something from a
body, or keeps a copy of one, must say how to work it out again, or the rebuild would leave
it stale. So a quick rebuild is made only when every plugin the build loaded has declared,
with :func:`declare_body_edits`, what it derives from a body (``refresh``: the fields it would
set on that article or page now, compared with those it set; ``None`` when it cannot say,
and the whole rebuild runs). A plugin that has declared nothing means a whole rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

# What a plugin derives from one article's or page's body: the fields it would set now.
Refresh = Callable[[Any, dict[str, Any]], dict[str, Any] | None]


def _derives_nothing(content: Any, settings: dict[str, Any]) -> dict[str, Any]:
    return {}


_declared: dict[str, Refresh] = {}


class QuickRebuilder(Protocol):
    def rebuild(self, settings: dict[str, Any]) -> bool:
        """Rebuild the site of ``settings`` from the previous build; False when it cannot
        (nothing is written then)."""

    def ended(self, settings: dict[str, Any], succeeded: bool) -> None:
        """The build of ``settings`` (whole or quick) ended; only a successful one may be the
        start of a quick rebuild."""


_rebuilders: list[QuickRebuilder] = []


def declare_body_edits(plugin: str, refresh: Refresh = _derives_nothing) -> None:
    """``plugin`` (its module name) can take a quick rebuild: ``refresh(content, settings)``
    returns the fields it derives from that content's body, as it would set them now (``{}``
    for none), or None when a whole rebuild must run."""
    _declared[plugin] = refresh


def declared(plugin: str) -> Refresh | None:
    """What ``plugin`` declared with :func:`declare_body_edits`, if anything."""
    return _declared.get(plugin)


def offer_quick_rebuild(rebuilder: QuickRebuilder) -> None:
    """``rebuilder`` makes quick rebuilds (fastbuild, from its ``register()``)."""
    if rebuilder not in _rebuilders:
        _rebuilders.append(rebuilder)


def quick_rebuild(settings: dict[str, Any]) -> bool:
    """Whether a quick rebuild of ``settings``'s site was made (else build it whole)."""
    return any(rebuilder.rebuild(settings) for rebuilder in _rebuilders)


def build_ended(settings: dict[str, Any], succeeded: bool) -> None:
    for rebuilder in _rebuilders:
        rebuilder.ended(settings, succeeded)
