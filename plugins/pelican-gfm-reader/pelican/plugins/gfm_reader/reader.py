"""The reader: Pelican's metadata header, a GitHub-flavoured Markdown body.

Pelican's ``MarkdownReader`` lets Python-Markdown's ``meta`` extension take the header off
and then processes each field. :class:`GfmReader` does the same with the kit's header reader
(:func:`pelican_contentkit.header.read_header`, the scan the content check uses for field
lines), Pelican's own ``process_metadata`` (dates, tags, authors, slugs as Pelican makes
them) and its rule for fields written twice; the formatted fields (``FORMATTED_FIELDS``,
``Summary`` by default) and the body are converted by :func:`pelican_contentkit.gfm.to_html`.
One thing differs on purpose: a continuation line (indented four spaces) continues its
field's value, where Python-Markdown made it a second value (a list title, a "duplicate" tag
line).

Pelican registers every direct subclass of ``BaseReader`` for its ``file_extensions`` as soon
as it is imported; this one has none, and ``readers_init`` gives it the Markdown extensions
for the builds that load the plugin, unless ``GFM_READER_ENABLED`` is False or ``READERS``
names a reader for the extension.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, METADATA_PROCESSORS, BaseReader
from pelican.utils import SafeDatetime, pelican_open

from pelican_contentkit.gfm import MARKDOWN_FILE_EXTENSIONS, to_html
from pelican_contentkit.header import read_header
from pelican_contentkit.problems import keep_text
from pelican_contentkit.settings import SettingsSpec

# Pelican's Markdown reader's warnings, under its logger: a field written twice is a
# problem of the content, as it is with Pelican's reader.
pelican_logger = logging.getLogger("pelican.readers")

FILE_EXTENSIONS = MARKDOWN_FILE_EXTENSIONS  # Pelican's MarkdownReader's
PLUGIN_NAMES = frozenset({"gfm_reader", __package__})
DEFAULTS: dict[str, Any] = {
    # False: Markdown files are read by Pelican's Python-Markdown reader (its MARKDOWN setting).
    "GFM_READER_ENABLED": True,
}
SPEC = SettingsSpec(("GFM_READER_",), DEFAULTS)

# Dates as nearly every header writes them, read without dateutil (Pelican's get_date, a third
# of the reading's time): the same SafeDatetime it gives. Any other form goes to Pelican.
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?")
_PELICANS_DATE_PROCESSORS = {name: METADATA_PROCESSORS.get(name) for name in ("date", "modified")}


@dataclass(frozen=True)
class GfmReaderSettings:
    enabled: bool


def reader_settings(settings: Mapping[str, Any]) -> GfmReaderSettings:
    return SPEC.load(settings, lambda values: GfmReaderSettings(enabled=values["GFM_READER_ENABLED"]))


class GfmReader(BaseReader):
    """Markdown files: Pelican's header, GitHub-flavoured Markdown below it."""

    enabled = True
    # None for Pelican's scan of BaseReader's subclasses: use_gfm_reader gives it the Markdown
    # extensions, per build. A class attribute Pelican reads, never changed.
    file_extensions: list[str] = []  # noqa: RUF012

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        with pelican_open(source_path) as text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        keep_text(self.settings, source_path, text)  # the content check's header scan reads it
        header = read_header(text)
        return to_html(header.body), self._metadata(header.definitions, source_path)

    def process_metadata(self, name: str, value: Any) -> Any:
        if (
            name in _PELICANS_DATE_PROCESSORS
            and isinstance(value, str)
            and METADATA_PROCESSORS.get(name) is _PELICANS_DATE_PROCESSORS[name]  # not replaced
        ):
            when = iso_date(value.replace("_", " ") if name == "date" else value)
            if when is not None:
                return when
        return super().process_metadata(name, value)

    def _metadata(self, definitions: dict[str, list[str]], source_path: str) -> dict[str, Any]:
        """Each field as ``MarkdownReader._parse_metadata`` makes it."""
        formatted_fields = self.settings["FORMATTED_FIELDS"]
        metadata: dict[str, Any] = {}
        for name, values in definitions.items():
            if name in formatted_fields:
                metadata[name] = self.process_metadata(name, to_html("\n".join(values)))
                continue
            values = [" ".join(value.split("\n")) for value in values]
            if not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(values) > 1:
                    pelican_logger.warning(
                        "Duplicate definition of `%s` for %s. Using first one.", name, source_path
                    )
                metadata[name] = self.process_metadata(name, values[0])
            elif len(values) > 1:
                metadata[name] = self.process_metadata(name, values)
            else:
                metadata[name] = self.process_metadata(name, values[0])
        return metadata


def iso_date(value: str) -> SafeDatetime | None:
    """``YYYY-MM-DD``, with `` HH:MM`` or ``THH:MM`` and ``:SS`` after it, as Pelican's
    ``get_date`` reads it (a date alone is midnight, no time zone); None for anything else,
    or for a day that does not exist (Pelican says what is wrong with it)."""
    match = _ISO_DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups(default="0"))
    try:
        return SafeDatetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def use_gfm_reader(readers) -> None:
    """``readers_init``: the Markdown extensions are read by :class:`GfmReader`."""
    settings = readers.settings
    if not listed(settings.get("PLUGINS")) or not reader_settings(settings).enabled:
        return
    chosen = settings.get("READERS") or {}
    for extension in FILE_EXTENSIONS:
        if extension not in chosen:
            readers.reader_classes[extension] = GfmReader


def listed(plugins: Any) -> bool:
    """Whether a ``PLUGINS`` setting loads this plugin (signals stay connected once a plugin
    registered, so a later build in the same process without it reaches this handler too;
    no ``PLUGINS`` loads every installed namespace plugin)."""
    if plugins is None:
        return True
    names = {plugin if isinstance(plugin, str) else getattr(plugin, "__name__", "") for plugin in plugins}
    return not names.isdisjoint(PLUGIN_NAMES)
