"""Every file a build will write, planned from what was read before anything is written.

At ``all_generators_finalized`` Pelican's generators hold everything they will write: the
articles, pages and drafts (their ``save_as``), the category, tag, author and period
archive pages, the direct templates (``{NAME}_SAVE_AS``), the feeds, ``TEMPLATE_PAGES``,
the static files and the theme's static files. :func:`pelican_outputs` lists them from the
settings and the generators; a feature plugin adds its own outputs (the newsletter's pages,
the search index's ``pagefind/`` folder) with :func:`declare_outputs`, like
:func:`pelican_contentkit.problems.declare_fields`.

:func:`output_problems` turns the plan into problems, each naming both sources: two outputs
on one path (one would overwrite the other), an output inside a folder another output owns
(``pagefind/``, which the search step replaces whole) or where another output is a file,
a name longer than a file system takes, and an address with characters a URL cannot carry
as they are (a space, ``?``, ``#``, ``%``...): such a slug is refused with a fix rather than
escaped, because an escaped address is a different address in the site, the sitemap, the
feeds and the email unless every one of them escapes it the same way.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pelican_contentkit.errors import ContentError

# The longest file or folder name most file systems take, in bytes.
NAME_MAX = 255
# Characters an address can carry as written: RFC 3986 unreserved ones and the path's "/"
# (letters and digits beyond ASCII when SLUGIFY_USE_UNICODE is on).
_URL_SAFE = re.compile(r"^[A-Za-z0-9._~/-]*$")
_URL_SAFE_UNICODE = re.compile(r"^[\w._~/-]*$")


@dataclass(frozen=True)
class PlannedOutput:
    """One file (or, with ``folder``, one whole folder) a build writes into the output.

    ``path`` is relative to the output folder; ``what`` says who writes it, for a message
    ("articles/x.md", "the search page (SEARCH_SAVE_AS)"); ``file``, ``field`` and ``line``
    are where a problem with it is reported (no file: a setting)."""

    path: str
    what: str
    file: str | None = None
    field: str | None = None
    line: int | None = None
    folder: bool = False
    fix: str = ""


OutputPlanner = Callable[[dict[str, Any], Sequence[Any]], Iterable[PlannedOutput]]
# The outputs each plugin (by module name) writes, given the settings and the generators.
_planners: dict[str, OutputPlanner] = {}


def declare_outputs(plugin: str, planner: OutputPlanner) -> None:
    """``plugin`` (its module name) writes what ``planner(settings, generators)`` lists."""
    _planners[plugin] = planner


def declared_outputs(
    loaded: Iterable[str], settings: dict[str, Any], generators: Sequence[Any]
) -> list[PlannedOutput]:
    found: list[PlannedOutput] = []
    for name in sorted(set(loaded) & set(_planners)):
        found += _planners[name](settings, generators)
    return found


def setting_output(settings: dict[str, Any], name: str, what: str, **values: Any) -> list[PlannedOutput]:
    """The output of setting ``name`` (a path, formatted with ``values``), none when it is empty."""
    pattern = settings.get(name)
    if not pattern or not isinstance(pattern, str):
        return []
    try:
        path = pattern.format(**values) if values else pattern
    except (KeyError, IndexError, ValueError, AttributeError):
        return []
    return [PlannedOutput(path, f"{what} ({name})", None, name)]


def pelican_outputs(settings: dict[str, Any], generators: Sequence[Any]) -> list[PlannedOutput]:
    """What Pelican's own generators will write (the content files' outputs are left to the
    caller, who knows their fields and lines)."""
    from pelican.generators import ArticlesGenerator, StaticGenerator, TemplatePagesGenerator

    planned: list[PlannedOutput] = []
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            planned += _article_generator_outputs(settings, generator)
        elif isinstance(generator, TemplatePagesGenerator):
            for source, save_as in (settings.get("TEMPLATE_PAGES") or {}).items():
                if save_as:
                    planned.append(PlannedOutput(save_as, f"the template page {source} (TEMPLATE_PAGES)"))
        elif isinstance(generator, StaticGenerator):
            planned += _theme_static_outputs(settings, generator)
            for static in getattr(generator, "staticfiles", []):
                save_as = getattr(static, "save_as", "")
                if save_as:
                    label = _label(static.source_path, settings)
                    planned.append(PlannedOutput(save_as, label, label))
    return planned


def _article_generator_outputs(settings: dict[str, Any], generator: Any) -> list[PlannedOutput]:
    planned: list[PlannedOutput] = []
    for template in settings.get("DIRECT_TEMPLATES", ()):
        name = f"{template.upper()}_SAVE_AS"
        save_as = settings.get(name, f"{template}.html")
        if save_as:
            what = f"the {template} page ({name})"
            planned.append(PlannedOutput(save_as, what, None, name))
            url = settings.get(f"{template.upper()}_URL", f"{template}.html")
            planned += _later_pages(settings, template, save_as, url, len(generator.articles), what, name)
    for kind, groups in (
        ("category", generator.categories),
        ("tag", list(generator.tags.items()) if isinstance(generator.tags, dict) else generator.tags),
        ("author", generator.authors),
    ):
        for item, articles in groups:
            save_as = getattr(item, "save_as", "")
            if save_as:
                name = f"{kind.upper()}_SAVE_AS"
                what = f"the page of {kind} {str(item)!r} ({name})"
                planned.append(PlannedOutput(save_as, what, None, name))
                planned += _later_pages(settings, kind, save_as, item.url, len(articles), what, name)
            for feed in ("ATOM", "RSS"):
                planned += setting_output(
                    settings,
                    f"{kind.upper()}_FEED_{feed}",
                    f"the feed of {kind} {str(item)!r}",
                    slug=item.slug,
                )
    for feed in ("FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS"):
        planned += setting_output(settings, feed, "a feed")
    languages = {
        str(getattr(item, "lang", ""))
        for item in [*generator.articles, *generator.translations]
        if getattr(item, "lang", "")
    }
    for lang in sorted(languages):
        for feed in ("ATOM", "RSS"):
            planned += setting_output(settings, f"TRANSLATION_FEED_{feed}", f"the {lang} feed", lang=lang)
    for period, what in (("YEAR", "%Y"), ("MONTH", "%B %Y"), ("DAY", "%-d %B %Y")):
        name = f"{period}_ARCHIVE_SAVE_AS"
        seen: set[str] = set()
        for article in generator.dates if isinstance(generator.dates, list) else generator.articles:
            for output in setting_output(settings, name, "the archive", date=article.date):
                if output.path not in seen:  # named once per archive (Pelican's strftime is slow)
                    seen.add(output.path)
                    planned.append(replace(output, what=f"the archive of {article.date:{what}} ({name})"))
    return planned


def _later_pages(
    settings: dict[str, Any], template: str, save_as: str, url: str, count: int, what: str, name: str
) -> list[PlannedOutput]:
    """Pages 2, 3... of a paginated template (PAGINATED_TEMPLATES), as Pelican's writer names them."""
    from pelican.paginator import Paginator

    paginated = settings.get("PAGINATED_TEMPLATES") or {}
    if template not in paginated or count <= 1:
        return []
    per_page = paginated[template] or settings.get("DEFAULT_PAGINATION")
    if not per_page:
        return []
    paginator: Any = Paginator(save_as, url, range(count), settings, per_page)  # type: ignore[no-untyped-call]
    return [
        PlannedOutput(paginator.page(number).save_as, f"page {number} of {what}", None, name)
        for number in range(2, paginator.num_pages + 1)
    ]


def _theme_static_outputs(settings: dict[str, Any], generator: Any) -> list[PlannedOutput]:
    """The theme's static files, copied under THEME_STATIC_DIR as Pelican copies them."""
    planned: list[PlannedOutput] = []
    destination = settings.get("THEME_STATIC_DIR", "theme")
    theme = Path(getattr(generator, "theme", settings.get("THEME", "")))
    for path in settings.get("THEME_STATIC_PATHS", ()):
        source = theme / path
        if source.is_file():
            planned.append(_theme_file(posixpath.join(destination, source.name), path))
        elif source.is_dir():
            for folder, _, files in os.walk(source):
                for name in files:
                    file = Path(folder) / name
                    relative = file.relative_to(source).as_posix()
                    planned.append(
                        _theme_file(posixpath.join(destination, relative), posixpath.join(path, relative))
                    )
    return planned


def _theme_file(save_as: str, in_theme: str) -> PlannedOutput:
    return PlannedOutput(save_as, f"the theme's {in_theme}", None, "THEME_STATIC_PATHS")


def _label(path: str | os.PathLike[str], settings: dict[str, Any]) -> str:
    from pelican_contentkit.paths import site_label

    full = Path(path) if os.path.isabs(path) else Path(settings["PATH"]) / path
    return site_label(full, settings)


# ---------------------------------------------------------------- problems


def normalized(path: str) -> str:
    """An output path as a key: relative, "/"-separated, without "." or ".." parts."""
    cleaned = posixpath.normpath("/" + path.replace(os.sep, "/")).lstrip("/")
    return "" if cleaned == "." else cleaned


def output_problems(planned: Iterable[PlannedOutput], unicode_slugs: bool = False) -> list[ContentError]:
    """Clashes, names too long for a file system, and addresses a URL cannot carry as written.
    Outputs are taken in order and a clash is reported on the later one, naming the earlier:
    list the settings' and plugins' outputs first and the content files last, so the problem
    is on the file an author can change."""
    problems: list[ContentError] = []
    files: dict[str, PlannedOutput] = {}
    folders: dict[str, PlannedOutput] = {}
    # Every folder holding a planned file (or folder), with the first output in it.
    holding: dict[str, PlannedOutput] = {}
    safe = _URL_SAFE_UNICODE if unicode_slugs else _URL_SAFE
    for output in planned:
        path = normalized(output.path)
        if not path:
            problems.append(_problem(output, "gives an empty address (its slug is empty)", _slug_fix(output)))
            continue
        longest = max((len(part.encode("utf-8")) for part in path.split("/")), default=0)
        if longest > NAME_MAX:
            problems.append(
                _problem(
                    output,
                    f"gives an address with a name of {longest} characters; "
                    f"file systems take at most {NAME_MAX}",
                    "shorten the title, or add a short 'Slug: ...' line"
                    if output.file
                    else f"shorten {output.field}",
                )
            )
            continue
        if output.file and not safe.match(path):
            bad = sorted({char for char in path if not safe.match(char)})
            shown = ", ".join("a space" if char == " " else repr(char) for char in bad)
            problems.append(
                _problem(
                    output,
                    f"gives the address {path!r}, with {shown}, which a link cannot carry as written",
                    _slug_fix(output),
                )
            )
            continue
        parents = [path.rsplit("/", depth)[0] for depth in range(1, path.count("/") + 1)]
        clash = _clash(path, output.folder, parents, files, folders, holding)
        if clash is not None:
            other, how = clash
            problems.append(_clash_problem(output, other, path, how))
            continue
        (folders if output.folder else files)[path] = output
        for parent in parents:
            holding.setdefault(parent, output)
    return problems


def _clash(
    path: str,
    folder: bool,
    parents: list[str],
    files: dict[str, PlannedOutput],
    folders: dict[str, PlannedOutput],
    holding: dict[str, PlannedOutput],
) -> tuple[PlannedOutput, str] | None:
    if not folder and path in files:
        return files[path], "same"
    for parent in [path, *parents]:
        if parent in folders:
            return folders[parent], "inside"
    for parent in parents:
        if parent in files:
            return files[parent], "under-file"
    if path in holding:
        return holding[path], "over" if folder else "file-over"
    return None


def _clash_problem(output: PlannedOutput, other: PlannedOutput, path: str, how: str) -> ContentError:
    if how == "same" and output.file and other.file and output.field in ("Slug", "Title"):
        what = f"gives the slug {_slug_in(path)!r}, which {other.what} already uses"
    elif how == "same":
        what = f"writes {path}, which {other.what} writes too"
    elif how == "inside":
        what = f"writes {path}, inside {normalized(other.path)}/, which {other.what} writes whole"
    elif how == "under-file":
        what = f"writes {path}, under {normalized(other.path)}, which {other.what} writes as a file"
    elif how == "over":
        what = f"writes the folder {path}/ whole, where {other.what} writes {normalized(other.path)}"
    else:
        what = f"writes {path} as a file, where {other.what} writes {normalized(other.path)}"
    return _problem(output, f"{what}: one would overwrite the other", _clash_fix(output))


def _slug_in(path: str) -> str:
    parts = [part for part in path.split("/") if part not in ("index.html",)]
    return parts[-1].removesuffix(".html") if parts else path


def _problem(output: PlannedOutput, what: str, fix: str) -> ContentError:
    return ContentError(output.file, output.field, what, fix, output.line)


def _slug_fix(output: PlannedOutput) -> str:
    if output.fix:
        return output.fix
    if output.file:
        return (
            "add a 'Slug: ...' line of lowercase letters, digits and hyphens, e.g. 'Slug: my-first-article'"
        )
    return f"set {output.field} to a path of letters, digits, '-', '_', '.' and '/'"


def _clash_fix(output: PlannedOutput) -> str:
    if output.file and output.field == "Save_as":
        return "remove the Save_as: line, or give it a path no other page uses"
    if output.file and output.field in ("Slug", "Title"):
        return "give it its own 'Slug: ...' line (or a different title)"
    if output.file:
        return "rename or move the file"
    return f"give {output.field} a path no other output uses"
