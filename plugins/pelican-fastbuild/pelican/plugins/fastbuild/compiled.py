"""Each template compiled once per build, not once per generator.

Pelican gives every generator its own Jinja environment, and each environment compiles
every template it loads: ``base.html`` and its partials were compiled for the articles,
again for the direct templates, again for the newsletter's pages (46 compilations of 38
templates at N = 1000; compiling them all costs about 0.3 s CPU), and a live-reload
rebuild compiled every one of them again. Jinja's bytecode cache
(``Environment.bytecode_cache``, public API) lets environments hand compiled code to one
another: :func:`share_compiled_templates` gives every generator's environment the same
:class:`SharedCompiledTemplates`, in memory. It outlives a build on purpose, for the next
build in the same process, and holds only what the last build used.

Jinja's compiled code depends on more than the template's source: on the environment's
syntax options and extensions, on whether the template is autoescaped, and on the filters
and tests it names (how each is called, and the value of a filter applied to constants,
which Jinja works out while compiling). The cache's key holds all of these
(:func:`environment_signature`), with the template's name, file and source: two
environments share a compiled template only when compiling it in either would give the
same code. An environment with an extension or filter it cannot compare (one it made for
itself) still compiles for itself alone.
"""

from __future__ import annotations

import functools
import inspect
import sys
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.nodes import EvalContext


class _NotComparable(Exception):
    """A filter, test or extension whose signature cannot be compared with another's."""


class SharedCompiledTemplates(BytecodeCache):
    """Jinja code objects kept in memory, shared by every environment whose compilation
    would give the same code: those of one build, and of the next build in the same
    process (``invoke livereload``), which compiles only the templates that changed. What
    the last build did not use is forgotten at the start of the next (:meth:`next_build`)."""

    def __init__(self) -> None:
        self._code: dict[Any, tuple[str, Any]] = {}  # key -> (source checksum, code object)
        self._last_build: dict[Any, tuple[str, Any]] = {}
        self.compiled = 0  # templates compiled in this build, for the tests and the log
        self.shared = 0  # compilations saved in this build

    def next_build(self) -> None:
        self._last_build, self._code = self._code, {}
        self.compiled = self.shared = 0

    def get_bucket(self, environment, name: str, filename: str | None, source: str) -> Bucket:
        # The key is the signature itself (compared by value, its functions by identity).
        key = (name, filename, environment_signature(environment, name))
        bucket = Bucket(environment, key, self.get_source_checksum(source))  # type: ignore[arg-type]
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        kept = self._code.get(bucket.key) or self._last_build.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            self._code[bucket.key] = kept
            bucket.code = kept[1]
            self.shared += 1

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = (bucket.checksum, bucket.code)
        self.compiled += 1

    def clear(self) -> None:
        self._code.clear()
        self._last_build.clear()


def environment_signature(environment, name: str) -> tuple[Any, ...]:
    """What, besides the source, Jinja's compiled code for template ``name`` depends on in
    ``environment``. Something that cannot be compared makes the signature the
    environment's own (its id): nothing is shared with it."""
    try:
        return _signature(environment, name)
    except _NotComparable:
        return ("environment", id(environment))


def _signature(environment, name: str) -> tuple[Any, ...]:
    return (
        jinja2.__version__,
        sys.version,
        type(environment),
        environment.code_generator_class,
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        EvalContext(environment, name).autoescape,
        _callable_signature(environment.finalize),
        tuple(
            sorted((key, _object_signature(extension)) for key, extension in environment.extensions.items())
        ),
        tuple(sorted((key, _callable_signature(value)) for key, value in environment.filters.items())),
        tuple(sorted((key, _callable_signature(value)) for key, value in environment.tests.items())),
    )


def _callable_signature(value: Any) -> Any:
    """The same for two filters (tests, finalize functions) that Jinja compiles alike and
    that give the same value: the function itself, or a partial's function and arguments,
    or a callable object's class and attributes."""
    if value is None:
        return None
    pass_arg = getattr(value, "jinja_pass_arg", None)  # how Jinja's compiler calls it (pass_context...)
    if isinstance(value, functools.partial):
        return (
            "partial",
            pass_arg,
            _callable_signature(value.func),
            _plain(value.args),
            _plain(value.keywords),
        )
    if inspect.isroutine(value):
        return ("function", pass_arg, value)  # one object, compared by identity
    return ("object", pass_arg, _object_signature(value))


def _object_signature(value: Any) -> Any:
    attributes = getattr(value, "__dict__", None)
    if attributes is None:
        raise _NotComparable
    own = {key: item for key, item in attributes.items() if key != "environment"}
    return (type(value), _plain(own))


def _plain(value: Any) -> Any:
    """A plain value as a comparable tuple; anything else is not comparable (raised)."""
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return value
    if isinstance(value, (tuple, list)):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(key), _plain(item)) for key, item in value.items()))
    raise _NotComparable


TEMPLATES = SharedCompiledTemplates()  # this process's
_build_settings: dict[str, Any] | None = None  # the settings of the build TEMPLATES serves


def share_compiled_templates(generator) -> None:
    """Give ``generator``'s environment the compiled templates of this build's other
    generators and of the build before (a site's own ``bytecode_cache``, set in
    ``JINJA_ENVIRONMENT``, is kept)."""
    global _build_settings
    if generator.env.bytecode_cache is not None:
        return
    if _build_settings is not generator.settings:
        _build_settings = generator.settings
        TEMPLATES.next_build()
    generator.env.bytecode_cache = TEMPLATES
