"""One way for a plugin to read its settings: a prefix, defaults in one place, exact types,
unknown names under the prefix reported with a guess, and every bad value reported at once.

A plugin describes its settings once, as a :class:`SettingsSpec`, and turns the checked values
into its own frozen dataclass::

    SPEC = SettingsSpec(("SEO_",), {"SEO_LENGTH": 160}, checks=(length_is_positive,))

    def seo_settings(settings):
        return SPEC.load(settings, lambda values: SeoSettings(length=values["SEO_LENGTH"]))

``load`` checks a configuration once: later calls with the same values (every generator and
every feed of a build, each rebuild of ``pelican --autoreload``) get the same object back.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, TypeVar

from .errors import ContentError, ContentErrors

T = TypeVar("T")

Check = Callable[[Mapping[str, Any]], Iterable[ContentError]]
"""A plugin's own check of values that have the right types; yields one problem per bad value."""

TYPE_NAMES: dict[type, str] = {
    bool: "True or False",
    int: "a whole number",
    str: "a text string",
    dict: "a dict",
    list: "a list",
    tuple: "a list",
    type(None): "None",
}

_CACHE_SIZE = 16


@dataclass(frozen=True)
class Kind:
    """The types a setting accepts when its default's type alone does not say (None or a list)."""

    types: tuple[type, ...]
    description: str
    example: str


@dataclass(frozen=True)
class SettingsSpec:
    """The settings of one plugin: every name under ``prefixes`` must be one of ``defaults``."""

    prefixes: tuple[str, ...]
    defaults: Mapping[str, Any]
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    # Other settings the plugin's dataclass is made from (e.g. SITENAME): part of the cache key.
    uses: tuple[str, ...] = ()
    _cache: dict[tuple[object, ...], object] = field(default_factory=dict, compare=False, repr=False)
    _lock: Lock = field(default_factory=Lock, compare=False, repr=False)

    def problems(self, settings: Mapping[str, Any]) -> list[ContentError]:
        """Every problem with the plugin's settings in ``settings``: unknown names, then wrong
        types (in the order of the defaults), then what the plugin's own checks find."""
        found = [
            self._unknown(name)
            for name in sorted(self._names_under_prefix(settings))
            if name not in self.defaults
        ]
        values = self.values(settings)
        well_typed = {}
        for name, value in values.items():
            kind = self._kind(name)
            if type(value) in kind.types:  # exact types: True is an int, but not a whole number here
                well_typed[name] = value
            else:
                found.append(
                    ContentError(
                        None,
                        name,
                        f"must be {kind.description}, not {type(value).__name__} {value!r}",
                        kind.example,
                    )
                )
        for check in self.checks:
            found.extend(check(well_typed))
        return found

    def values(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """The plugin's settings: the user's value where set, the default elsewhere (unchecked)."""
        return {name: settings.get(name, default) for name, default in self.defaults.items()}

    def validate(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """The checked values; raises ContentError (one problem) or ContentErrors (several)."""
        problems = self.problems(settings)
        if problems:
            raise problems[0] if len(problems) == 1 else ContentErrors(problems)
        return self.values(settings)

    def load(self, settings: Mapping[str, Any], make: Callable[[dict[str, Any]], T]) -> T:
        """``make(values)`` of the checked values, checked and made once per configuration."""
        key = self._key(settings)
        with self._lock:
            if key in self._cache:
                return self._cache[key]  # type: ignore[return-value]  # stored by this method, from make
        made = make(self.validate(settings))
        with self._lock:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = made
        return made

    def _names_under_prefix(self, settings: Mapping[str, Any]) -> list[str]:
        return [name for name in settings if isinstance(name, str) and name.startswith(self.prefixes)]

    def _key(self, settings: Mapping[str, Any]) -> tuple[object, ...]:
        # What the checked values depend on: a setting given its default's value is the same
        # configuration as one left out. repr, because lists and dicts are not hashable.
        names = sorted({*self._names_under_prefix(settings), *self.defaults, *self.uses})
        return tuple(
            (name, repr(settings.get(name, self.defaults[name])))
            if name in self.defaults
            else (name, name in settings, repr(settings.get(name)))
            for name in names
        )

    def _kind(self, name: str) -> Kind:
        if name in self.kinds:
            return self.kinds[name]
        default = self.defaults[name]
        return Kind((type(default),), TYPE_NAMES[type(default)], f"set it like the default, {default!r}")

    def _unknown(self, name: str) -> ContentError:
        guess = difflib.get_close_matches(name, list(self.defaults), n=1)
        fix = f"did you mean {guess[0]}?" if guess else f"use one of {', '.join(sorted(self.defaults))}"
        return ContentError(None, name, "unknown setting", fix)
