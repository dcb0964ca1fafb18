"""Default templates shipped inside a plugin, used when the theme has none of that name.

Pelican gives every generator its own Jinja environment whose loader is a ``ChoiceLoader``:
``THEME_TEMPLATES_OVERRIDES`` and the theme's ``templates/`` first, then Pelican's ``simple``
theme, then the ``!simple/`` and ``!theme/`` prefixes. A plugin's folder goes right after the
theme's loader, so a theme (or an override folder) that has a template of the same name wins,
and a theme without one (``notmyidea``, ``simple``) gets the plugin's.

Each plugin calls :func:`add_default_templates` with its own folder from a ``generator_init``
handler (every generator, the plugins' own included, has its own environment).
"""

from __future__ import annotations

import weakref
from pathlib import Path
from weakref import WeakKeyDictionary

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, TemplateNotFound, meta


def add_default_templates(environment: Environment, folder: Path) -> None:
    """Put ``folder`` after the theme's templates in ``environment``'s loader (once); its
    HTML templates are autoescaped (:func:`autoescape_folder`)."""
    autoescape_folder(environment, folder)
    loader = environment.loader
    searchpath = [str(folder)]
    if not isinstance(loader, ChoiceLoader):  # not the environment Pelican makes: leave it alone
        return
    if any(getattr(existing, "searchpath", None) == searchpath for existing in loader.loaders):
        return
    loader.loaders = [*loader.loaders[:1], FileSystemLoader(searchpath), *loader.loaders[1:]]


def template_references(environment: Environment, name: str, wanted: str) -> bool:
    """Whether template ``name``, or any template it extends, includes or imports (by a
    constant name, followed all the way down), refers to template ``wanted``."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        assert environment.loader is not None
        try:
            source, _, _ = environment.loader.get_source(environment, current)
        except TemplateNotFound:
            continue
        for referenced in meta.find_referenced_templates(environment.parse(source)):
            if referenced == wanted:
                return True
            if referenced is not None:
                todo.append(referenced)
    return False


# Folders whose HTML templates are autoescaped, per environment (see autoescape_folder).
_AUTOESCAPED: WeakKeyDictionary[Environment, _AutoescapedFolders] = WeakKeyDictionary()


class _AutoescapedFolders:
    """Jinja's ``autoescape`` for one environment: whether template ``name`` is served from
    one of ``folders``. Jinja asks at every render (each page's every template), so the
    answer is kept per name; adding a folder starts over."""

    def __init__(self, environment: Environment) -> None:
        self.environment = weakref.ref(environment)
        self.folders: list[Path] = []
        self.answers: dict[str, bool] = {}

    def add(self, folder: Path) -> None:
        resolved = folder.resolve()
        if resolved not in self.folders:
            self.folders.append(resolved)
            self.answers.clear()

    def __call__(self, name: str | None) -> bool:
        if name is None:
            return False
        answer = self.answers.get(name)
        if answer is None:
            answer = self.answers[name] = self._served_from_folders(name)
        return answer

    def _served_from_folders(self, name: str) -> bool:
        environment = self.environment()
        if environment is None or environment.loader is None or not name.endswith((".html", ".htm", ".xml")):
            return False
        try:
            _, filename, _ = environment.loader.get_source(environment, name)
        except TemplateNotFound:
            return False
        if filename is None:
            return False
        path = Path(filename).resolve()
        return any(path.is_relative_to(folder) for folder in self.folders)


def autoescape_folder(environment: Environment, folder: Path) -> None:
    """Autoescape every HTML or XML template that ``environment`` loads from ``folder``.

    Such templates are written for it: a value is text, escaped for where it goes (an element,
    an attribute, ``<title>``), unless the template marks it as HTML the build made (``|safe``,
    or a ``Markup`` value). Templates served from elsewhere (a theme of someone else's,
    Pelican's ``simple`` theme) keep Jinja's default, as they were written for it; text
    templates (``.txt``: the email's plain-text part, its subject) are never escaped.
    """
    folders = _AUTOESCAPED.get(environment)
    if folders is None:
        folders = _AUTOESCAPED[environment] = _AutoescapedFolders(environment)
        environment.autoescape = folders
    folders.add(folder)
