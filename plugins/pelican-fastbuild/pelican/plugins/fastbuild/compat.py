"""Every use fastbuild makes of Pelican's private internals, in one place, behind a version guard.

Pelican's private names (a leading underscore), the behaviour of its writer and the code
fastbuild copies change between releases without notice. Nothing else in fastbuild
touches them: it calls the functions and classes here. What they rely on:

- ``Content.get_content(self, siteurl)``: the one way Pelican hands out a body (summaries
  made from content included). :func:`watching_bodies` wraps it for the length of one
  page's rendering, and puts the original back however the rendering ends.
  Its memo (``pelican.utils.memoized``'s ``cache``) is emptied by :func:`forget_bodies` after
  each page fastbuild renders itself.
- ``Content.url`` and ``Content.save_as``, and those of ``URLWrapper`` (categories, tags,
  authors): properties that Pelican works out again at every read (the URL setting
  formatted from the fields; for content, its source path made relative too).
  :func:`memoize_urls` replaces them while pages are written and puts them back when the
  build's writing ends (``Static`` files are left out: ``attach_to`` moves one while the
  bodies that link to it render).
- ``Content._content`` (the body as read, before link rewriting; :func:`raw_body`) and
  ``Content._context`` (the shared context a content object holds;
  :data:`CONTENT_INTERNAL_FIELDS`, left out of fingerprints).
- ``Content.get_siteurl()`` reading the context's ``localsiteurl``, which Pelican's writer
  sets before each page (:data:`LOCAL_SITEURL`).
- ``Writer._open_w(filename, encoding, override=False)`` and the writer's
  ``_written_files`` and ``_overridden_files``: :class:`Writer` overrides the one and reads
  the others so a page can be left as it is with Pelican's bookkeeping done as for a write;
  the quick rebuild takes a feed out of them to write it again (:func:`may_write_again`).
- For the quick rebuild (:mod:`pelican.plugins.fastbuild.quick`): a generator's
  ``readers.read_file(base_path, path, content_class, fmt, context, preread_signal,
  preread_sender, context_signal, context_sender)``, as the generators read a file
  (:func:`read_again`), the memo of ``Content.get_summary`` beside that of
  ``get_content`` (:func:`put_body`: a content object's body replaced in place), and
  ``Content._get_intrasite_link_regex()`` (:func:`attaches`).

:func:`unsupported_reason` says whether this Pelican is one fastbuild was tested with
(:data:`TESTED_PELICAN_VERSIONS`) and still has every internal above in the expected
shape; when it is not, fastbuild stays off and the build is plain Pelican's. The copied
and overridden code is compared with Pelican's own source too (:data:`COPIED_SOURCES`).
``tests/test_fastbuild_compat.py`` checks each of these against the installed Pelican.

fastbuild does not touch pelican-sitemap's state.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import inspect
import io
import os
from collections.abc import Callable, Iterator
from typing import Any

import pelican
from pelican import writers as pelican_writers
from pelican.contents import Article, Content, Page, Static
from pelican.urlwrappers import Author, Category, Tag, URLWrapper

from pelican_contentkit.files import write_over

# The Pelican releases fastbuild was tested with, byte for byte against plain Pelican.
TESTED_PELICAN_VERSIONS = ("4.12.0",)

# Content attributes that are not the content's own data: the body and the shared context.
CONTENT_INTERNAL_FIELDS = frozenset({"_content", "_context"})
# The context entry Pelican's writer sets before each page, read by Content.get_siteurl().
LOCAL_SITEURL = "localsiteurl"

# The properties memoized while pages are written (memoize_urls), on these classes; their
# subclasses must not have their own.
MEMOIZED_PROPERTIES = ("url", "save_as")
MEMOIZED_CLASSES = {Content: (Article, Page), URLWrapper: (Category, Tag, Author)}

# Digests of the Pelican code that fastbuild copies or overrides, as in the tested releases.
COPIED_SOURCES = {
    "pelican.writers.Writer._open_w": "09faec15f711505d64c76cf5265ae2ebe5f6d485",
}

# The Pelican functions fastbuild calls, wraps, overrides or copies, and the parameters they take.
EXPECTED_PARAMETERS = {
    "pelican.contents.Content.get_content": ("self", "siteurl"),
    "pelican.contents.Content.get_siteurl": ("self",),
    "pelican.writers.Writer._open_w": ("self", "filename", "encoding", "override"),
    "pelican.contents.Content.get_summary": ("self", "_siteurl"),
    "pelican.contents.Content._get_intrasite_link_regex": ("self",),
    "pelican.readers.Readers.read_file": (
        "self",
        "base_path",
        "path",
        "content_class",
        "fmt",
        "context",
        "preread_signal",
        "preread_sender",
        "context_signal",
        "context_sender",
    ),
    "pelican.writers.Writer.write_file": (
        "self",
        "name",
        "template",
        "context",
        "relative_urls",
        "paginated",
        "template_name",
        "override_output",
        "url",
        "kwargs",
    ),
}


def pelican_version() -> str:
    """The version of the Pelican that runs this build, as Pelican reports it."""
    return str(getattr(pelican, "__version__", "unknown"))


def unsupported_reason() -> str | None:
    """Why fastbuild must stay off with this Pelican, or None when it may run."""
    version = pelican_version()
    if version not in TESTED_PELICAN_VERSIONS:
        return f"it was tested with Pelican {', '.join(TESTED_PELICAN_VERSIONS)}, not {version}"
    missing = missing_internals()
    if missing:
        return f"Pelican {version} lacks what it relies on: {'; '.join(missing)}"
    return None


def missing_internals() -> list[str]:
    """Each internal fastbuild relies on that is absent or not in the expected shape."""
    problems = []
    for name, parameters in EXPECTED_PARAMETERS.items():
        found = find(name)
        if found is None:
            problems.append(f"no {name}")
        elif _parameters(found) != parameters:
            problems.append(f"{name} does not take ({', '.join(parameters)})")
    problems += [
        f"pelican.contents.{cls.__name__} has its own get_content"
        for cls in (Article, Page)
        if "get_content" in cls.__dict__
    ]
    for base, subclasses in MEMOIZED_CLASSES.items():
        for name in MEMOIZED_PROPERTIES:
            if not isinstance(base.__dict__.get(name), property):
                problems.append(f"{base.__module__}.{base.__name__}.{name} is not a property")
            problems += [
                f"{cls.__module__}.{cls.__name__} has its own {name}"
                for cls in subclasses
                if name in cls.__dict__
            ]
    problems += _content_probe() + _writer_probe() + _changed_copies()
    return problems


def find(dotted_name: str) -> Any:
    """A class attribute of Pelican's, as the class holds it (a decorator's object, not what it
    gives an instance), or None."""
    module_name, class_name, name = dotted_name.rsplit(".", 2)
    try:
        return inspect.getattr_static(getattr(importlib.import_module(module_name), class_name), name)
    except (AttributeError, ImportError):
        return None


def _parameters(function: Any) -> tuple[str, ...] | None:
    function = getattr(function, "func", function)  # Pelican's @memoized keeps the function as .func
    try:
        return tuple(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return None


def _content_probe() -> list[str]:
    try:
        probe = Content("<p>probe</p>", metadata={"title": "probe"}, context={LOCAL_SITEURL: "probe-url"})
    except Exception as error:  # any failure means the shape changed
        return [f"pelican.contents.Content cannot be made as in 4.12 ({type(error).__name__}: {error})"]
    problems = []
    if vars(probe).get("_content") != "<p>probe</p>":
        problems.append("Content._content is not the body as read")
    if not isinstance(vars(probe).get("_context"), dict):
        problems.append("Content._context is not the shared context")
    elif probe.get_siteurl() != "probe-url":
        problems.append(f"Content.get_siteurl() does not read the context's {LOCAL_SITEURL}")
    return problems


def _writer_probe() -> list[str]:
    try:
        probe = pelican_writers.Writer(os.devnull, settings={})
    except Exception as error:
        return [f"pelican.writers.Writer cannot be made as in 4.12 ({type(error).__name__}: {error})"]
    return [
        f"Writer.{name} is not a set"
        for name in ("_written_files", "_overridden_files")
        if not isinstance(vars(probe).get(name), set)
    ]


def _changed_copies() -> list[str]:
    """The copied or overridden Pelican code that differs from the tested releases' (when its
    source can be read at all: an installation without sources is judged by its version)."""
    problems = []
    for name, expected in COPIED_SOURCES.items():
        digest = source_digest(name)
        if digest is not None and digest != expected:
            problems.append(f"{name} changed")
    return problems


def source_digest(dotted_name: str) -> str | None:
    """The digest of a Pelican function's source, or None when the source cannot be read."""
    try:
        source = inspect.getsource(find(dotted_name))
    except (OSError, TypeError):
        return None
    return hashlib.blake2b(source.encode("utf-8"), digest_size=20).hexdigest()


# ---------------------------------------------------------------- content objects


def forget_bodies() -> None:
    """Empty Pelican's memo of ``Content.get_content`` (``pelican.utils.memoized``: every body
    handed out, its links rewritten, by content and ``siteurl``), which holds each body a
    second time until the build ends. A page's body is shown by its own page alone (feeds
    excepted, written before); worked out again, it is the same text."""
    for cache in _memos("get_content"):
        cache.clear()


def forget_memos() -> None:
    """Empty Pelican's memos of ``Content.get_content`` and ``get_summary``, which hold every
    content object they were asked about, and so every earlier build's articles in a process
    that builds again and again (live reload: about 50 MB a build at 1,000 articles)."""
    for cache in _memos("get_content", "get_summary"):
        cache.clear()


def put_body(content: Content, new: Content) -> None:
    """``content`` gets ``new``'s body as read, in place; Pelican's memos of its body and
    summary (``pelican.utils.memoized``, by content and ``siteurl``) forget it."""
    content._content = new._content
    for cache in _memos("get_content", "get_summary"):
        for arguments in [arguments for arguments in cache if arguments and arguments[0] is content]:
            del cache[arguments]


def _memos(*names: str) -> list[dict[Any, Any]]:
    """Pelican's memos (``pelican.utils.memoized``'s ``cache``) of these ``Content`` methods,
    through any wrapper :func:`watching_bodies` put in place."""
    found = [getattr(Content.__dict__.get(name), "cache", None) for name in names]
    return [cache for cache in found if isinstance(cache, dict)]


def read_again(generator: Any, content: Content, signals: tuple[Any, Any]) -> Content:
    """The file of ``content`` read again by its generator's readers, as the generator read it
    (``signals``: the generator's preread and context signals, sent by the generator)."""
    preread, context_signal = signals
    new: Content = generator.readers.read_file(
        base_path=generator.path,
        path=os.path.relpath(content.source_path or "", generator.path),
        content_class=type(content),
        context=generator.context,
        preread_signal=preread,
        preread_sender=generator,
        context_signal=context_signal,
        context_sender=generator,
    )
    return new


def attaches(content: Content) -> bool:
    """Whether ``content``'s body has an ``{attach}`` link: rendering it moves the linked
    static file's output beside the content (``Static.attach_to``)."""
    return any(
        match.group("what") == "attach"
        for match in content._get_intrasite_link_regex().finditer(content._content or "")
    )


def may_write_again(writer: pelican_writers.Writer, path: str) -> None:
    """Pelican's writer forgets it wrote ``path``, which may then be written again."""
    writer._written_files.discard(path)
    writer._overridden_files.discard(path)


def raw_body(content: Content) -> str | None:
    """A content object's body as read, before Pelican rewrites its links (None: a static file)."""
    return content._content


@contextlib.contextmanager
def watching_bodies(watch: Callable[[Content], None]) -> Iterator[None]:
    """For the length of the block, ``watch(content)`` is called each time a body is handed out.

    ``Content.get_content`` is wrapped while the block runs and put back when it ends, raised
    or not; nothing outside the block (another page, another build, a build without
    fastbuild) sees the wrapper."""
    original = Content.__dict__["get_content"]

    def get_content(self: Content, siteurl: str) -> str:
        watch(self)
        return original(self, siteurl)

    get_content.__doc__ = original.__doc__
    get_content.cache = getattr(original, "cache", None)  # type: ignore[attr-defined]  # forget_bodies
    Content.get_content = get_content  # type: ignore[assignment]
    try:
        yield
    finally:
        Content.get_content = original  # type: ignore[method-assign]


def memoize_urls() -> Callable[[], None]:
    """From now on, the ``url`` and ``save_as`` of each article, page, category, tag and
    author are worked out once and kept; the function returned puts Pelican's properties
    back and forgets what was kept.

    Pelican works a URL out again at every read, from the object's fields and settings, and
    the pages of a site read each article's many times (its own page, every list, feed and
    related-articles box it is in). Call it only once no field changes any more, when the
    build's pages are written (fastbuild's writer assumes as much, and the tests compare
    whole output trees with Pelican's), and call what it returns when they are written.
    ``Static`` files are worked out each time: ``Static.attach_to`` changes one's URL while
    a body that links to it renders."""
    originals = {
        (base, name): base.__dict__[name] for base in MEMOIZED_CLASSES for name in MEMOIZED_PROPERTIES
    }
    kept: dict[tuple[str, int], tuple[object, str]] = {}  # the object is kept: its id stays its own

    def memoized(name: str, original: property) -> property:
        work_out = original.fget
        assert work_out is not None  # missing_internals checked it is a property

        def get(self: Any) -> str:
            if isinstance(self, Static):
                return str(work_out(self))
            key = (name, id(self))
            found = kept.get(key)
            if found is None:
                found = kept[key] = (self, work_out(self))
            return found[1]

        return property(get, doc=original.__doc__)

    for (base, name), original in originals.items():
        setattr(base, name, memoized(name, original))

    def undo() -> None:
        for (base, name), original in originals.items():
            setattr(base, name, original)
        kept.clear()

    return undo


# ---------------------------------------------------------------- the writer


class Writer(pelican_writers.Writer):
    """Pelican's writer, which can be told to leave a file as it is: Pelican's bookkeeping
    (and whatever a second write to the same file would do) runs as for a write, and the
    file is not opened."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self._left_as_they_are: set[str] = set()

    def leave_as_it_is(self, path: str) -> None:
        """The next write to ``path`` (its complete path) does not touch the file."""
        self._left_as_they_are.add(path)

    def writes_plainly(self, path: str, override: bool) -> bool:
        """Whether Pelican would simply write this file (no override, not written before)."""
        return not override and path not in self._written_files and path not in self._overridden_files

    def _open_w(self, filename, encoding, override=False):
        if filename in self._left_as_they_are:
            self._left_as_they_are.discard(filename)
            self._written_files.add(filename)
            return io.StringIO()  # Pelican writes the empty text into it and closes it; no file opened
        if filename == os.devnull or not self.writes_plainly(filename, override):
            return super()._open_w(filename, encoding, override)
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _WrittenOver(filename, encoding)


class _WrittenOver(io.StringIO):
    """What Pelican writes a file's text into: written over the file's old bytes when closed
    (``pelican_contentkit.files.write_over``), rather than into a file emptied first."""

    def __init__(self, path: str, encoding: str) -> None:
        super().__init__()
        self._path = path
        self._encoding = encoding

    def close(self) -> None:
        if not self.closed:
            text = self.getvalue()
            super().close()
            write_over(self._path, text.encode(self._encoding))
