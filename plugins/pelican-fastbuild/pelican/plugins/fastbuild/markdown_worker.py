"""Markdown conversion as Pelican's MarkdownReader does it, with reused Markdown instances.

Imported by :mod:`pelican.plugins.fastbuild.reading` in the build process, and run as a script in each
worker process (``python -P markdown_worker.py``), where it imports nothing but Markdown
and the extensions the site's MARKDOWN setting names: never Pelican, to keep workers small.

The protocol on the worker's stdin/stdout is a stream of pickles:

- in: ``("settings", sys_path, markdown_settings, formatted_fields)`` once, then
  ``("convert", path)`` per file;
- out: per ``convert``, in order, ``("ok", (html, meta, formatted))`` or ``("error", message)``.

The worker exits at end of input.
"""

from __future__ import annotations

import os
import pickle
import sys
from typing import Any

# (html, the meta extension's raw values, the FORMATTED_FIELDS values converted to HTML)
Converted = tuple[str, dict[str, list[str]], dict[str, str]]


class MarkdownConverter:
    """Convert files exactly as ``pelican.readers.MarkdownReader.read`` does, without building
    a new ``Markdown`` object per file.

    Pelican converts the body with a fresh instance, then deregisters the meta preprocessor
    and converts each formatted field with the same instance after ``reset()``. Here the body
    instance is reset before every file and the fields are converted by a second instance
    made without the meta preprocessor. ``reset()`` clears every extension's per-document
    state; the one counter it advances instead (the footnotes extension's ``unique_prefix``,
    used with ``UNIQUE_IDS``) is put back to a fresh instance's value, so ids match too.
    """

    def __init__(self, markdown_settings: dict[str, Any], formatted_fields: list[str]) -> None:
        from markdown import Markdown

        self._formatted_fields = formatted_fields
        self._body = Markdown(**markdown_settings)
        self._fields = Markdown(**markdown_settings)
        self._fields.preprocessors.deregister("meta")
        self._fresh_counters = _counters(self._body)

    def convert(self, text: str) -> Converted:
        body = self._body
        body.reset()
        _set_counters(body, self._fresh_counters)
        html = body.convert(text)
        meta = getattr(body, "Meta", None) or {}

        fields = self._fields
        _set_counters(fields, self._fresh_counters)
        formatted = {}
        for name, value in meta.items():
            if name.lower() in self._formatted_fields:
                fields.reset()
                formatted[name] = fields.convert("\n".join(value))
        return html, meta, formatted


def read_source(path: str) -> str:
    """The file's text, as ``pelican.utils.pelican_open`` reads it (a BOM is dropped)."""
    with open(path, encoding="utf-8-sig") as infile:
        return infile.read()


def _counters(md: Any) -> list[Any]:
    return [getattr(extension, "unique_prefix", None) for extension in md.registeredExtensions]


def _set_counters(md: Any, values: list[Any]) -> None:
    for extension, value in zip(md.registeredExtensions, values, strict=True):
        if value is not None:
            extension.unique_prefix = value


def serve(requests: Any, replies: Any) -> None:
    """Answer conversion requests until the input ends."""
    converter: MarkdownConverter | None = None
    setup_error = "no settings received"
    while True:
        try:
            request = pickle.load(requests)
        except EOFError:
            return
        if request[0] == "settings":
            _, sys_path, markdown_settings, formatted_fields = request
            sys.path[:] = sys_path
            try:
                converter = MarkdownConverter(markdown_settings, formatted_fields)
            except Exception as error:  # reported per file; the build process converts it itself
                setup_error = f"{type(error).__name__}: {error}"
            continue
        try:
            if converter is None:
                raise RuntimeError(setup_error)
            reply: tuple[str, Any] = ("ok", converter.convert(read_source(request[1])))
        except Exception as error:
            reply = ("error", f"{type(error).__name__}: {error}")
        pickle.dump(reply, replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()


def main() -> None:
    # The protocol owns the original stdin/stdout; anything else printed goes to stderr.
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(requests, replies)


if __name__ == "__main__":
    main()
