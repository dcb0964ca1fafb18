"""Templates compiled once per process in cached builds.

Pelican makes a new Jinja environment for every generator of every build, and Jinja compiles
each template the first time an environment loads it: a live-reload rebuild compiled the
theme's templates again every time (a third of a second at N = 1000). In a build with the
content cache on (``CACHE_CONTENT``, as ``invoke livereload`` builds), fastbuild gives each
generator's environment :data:`TEMPLATE_CODE`, a Jinja bytecode cache held in memory: a
template whose source is the same (Jinja compares a checksum of the source) is loaded from the
code compiled before, for an environment with the same syntax options; an edited template
compiles again. The code is what Jinja would compile, so the pages are the same.
"""

from __future__ import annotations

from typing import Any

from jinja2.bccache import Bucket, BytecodeCache

# The options the compiled code of a template depends on (jinja2.lexer.get_lexer's, and the
# compiler's).
_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates by name, file, environment options and source checksum, in memory."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> Bucket:
        key = f"{self.get_cache_key(name, filename)}|{environment_options(environment)}"
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # reset by Jinja when the source's checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


def environment_options(environment: Any) -> str:
    """What the compiled code of a template depends on besides its source."""
    parts = [repr(getattr(environment, name, None)) for name in _OPTIONS]
    parts.append(",".join(sorted(environment.extensions)))
    for name in ("autoescape", "finalize"):
        value = getattr(environment, name, None)
        parts.append(
            f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
            if callable(value)
            else repr(value)
        )
    parts.append(environment.code_generator_class.__qualname__)
    return "|".join(parts)


TEMPLATE_CODE = MemoryBytecodeCache()


def compile_once(generator: Any) -> None:
    """Give ``generator``'s Jinja environment :data:`TEMPLATE_CODE` (unless it has a
    bytecode cache of its own)."""
    environment = getattr(generator, "env", None)
    if environment is not None and environment.bytecode_cache is None:
        environment.bytecode_cache = TEMPLATE_CODE
