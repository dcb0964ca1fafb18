"""The one error type authors see: which file, which field, what is wrong, how to fix it."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class ContentError(Exception):
    """A problem in the author's content that stops the build.

    Commands print ``str(error)`` and exit non-zero, without a traceback.
    """

    exitcode = 1

    def __init__(
        self, path: str | Path | None, field: str | None, problem: str, fix: str = "", line: int | None = None
    ):
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = self.path or "settings"
        if self.path and self.line:
            where += f":{self.line}"
        field = f" [{self.field}]" if self.field else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}{field}: {self.problem}.{fix}"

    # Pickled with the context when Pelican caches content.
    def __reduce__(self) -> tuple[type[ContentError], tuple[Any, ...]]:
        return (ContentError, (self.path, self.field, self.problem, self.fix, self.line))

    def as_dict(self) -> dict[str, str | int | None]:
        return {
            "file": self.path,
            "line": self.line,
            "field": self.field,
            "problem": self.problem,
            "fix": self.fix,
        }


class ContentErrors(ContentError):
    """Several content errors found together, reported at once."""

    def __init__(self, errors: list[ContentError]):
        self.errors = list(errors)
        Exception.__init__(self, self.message)

    def __reduce__(self) -> tuple[type[ContentErrors], tuple[list[ContentError]]]:
        return (ContentErrors, (self.errors,))

    @property
    def message(self) -> str:
        count = len(self.errors)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the content:"]
        lines += [f"  - {error.message}" for error in self.errors]
        return "\n".join(lines)
