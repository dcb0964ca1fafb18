"""fastbuild's compiled templates: compiled once per build for every generator, kept for the
next build in the same process, never shared where compiling would give other code."""

from __future__ import annotations

import functools
import shutil

from jinja2 import DictLoader, Environment, pass_context

from pelican.plugins.fastbuild import compiled
from tests.support.site import ROOT, write_files
from tests.support.trees import assert_same_tree
from tests.test_fastbuild_compat import TINY_SITE, run_build


def test_templates_are_compiled_once_per_build_and_again_only_when_changed(tmp_path):
    write_files(tmp_path / "content", TINY_SITE)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    options = {"THEME": str(theme), "FASTBUILD_WORKERS": 1}

    run_build(tmp_path, "plain", fastbuild=False, **options)
    run_build(tmp_path, "first", fastbuild=True, **options)
    first = (compiled.TEMPLATES.compiled, compiled.TEMPLATES.shared)
    run_build(tmp_path, "second", fastbuild=True, **options)
    second = (compiled.TEMPLATES.compiled, compiled.TEMPLATES.shared)

    # base.html and its partials serve several generators: compiled once for all of them.
    assert first[0] > 0 and first[1] > 0
    # The next build in this process (`invoke livereload`) compiles nothing.
    assert second == (0, first[0] + first[1])
    assert_same_tree(tmp_path / "plain", tmp_path / "first")
    assert_same_tree(tmp_path / "plain", tmp_path / "second")

    # A template changed between builds is compiled again, and the pages show the change.
    base = theme / "templates" / "base.html"
    base.write_text(
        base.read_text(encoding="utf-8").replace("Skip to content", "Skip ahead"), encoding="utf-8"
    )
    run_build(tmp_path, "edited", fastbuild=True, **options)
    assert compiled.TEMPLATES.compiled == 1
    page = (tmp_path / "edited" / "index.html").read_text(encoding="utf-8")
    assert "Skip ahead" in page and "Skip to content" not in page


def environment(filters=None, autoescape=False, **options) -> Environment:
    env = Environment(
        loader=DictLoader({"page.html": "{{ 'a<b'|shout }} {{ name }}"}), autoescape=autoescape, **options
    )
    env.filters["shout"] = str.upper
    env.filters.update(filters or {})
    return env


def render_with(cache: compiled.SharedCompiledTemplates, env: Environment) -> str:
    env.bytecode_cache = cache
    return env.get_template("page.html").render(name="<n>")


def test_environments_share_a_compiled_template_only_when_it_would_compile_alike():
    cache = compiled.SharedCompiledTemplates()
    assert render_with(cache, environment()) == "A<B <n>"
    # The same options and filters (a partial with equal arguments compares equal): shared.
    assert render_with(cache, environment()) == "A<B <n>"
    assert (cache.compiled, cache.shared) == (1, 1)

    def exclaim(text, mark="!"):
        return text + mark

    # Jinja works the filter out on constants while compiling: another filter, other code.
    assert render_with(cache, environment({"shout": functools.partial(exclaim, mark="?")})) == "a<b? <n>"
    assert render_with(cache, environment({"shout": functools.partial(exclaim, mark="!")})) == "a<b! <n>"
    assert render_with(cache, environment({"shout": functools.partial(exclaim, mark="!")})) == "a<b! <n>"
    # A filter that takes the context is called another way.
    assert (
        render_with(cache, environment({"shout": pass_context(lambda context, text: text * 2)}))
        == "a<ba<b <n>"
    )
    # Autoescaped, other syntax options: compiled for themselves.
    assert render_with(cache, environment(autoescape=True)) == "A&lt;B &lt;n&gt;"
    assert render_with(cache, environment(trim_blocks=True)) == "A<B <n>"
    assert (cache.compiled, cache.shared) == (6, 2)


def test_a_filter_that_cannot_be_compared_keeps_its_environment_to_itself():
    class Counter:
        def __init__(self):
            self.seen = set()  # not a plain value: cannot be compared

        def __call__(self, text):
            return text.lower()

    cache = compiled.SharedCompiledTemplates()
    assert render_with(cache, environment({"shout": Counter()})) == "a<b <n>"
    assert render_with(cache, environment({"shout": Counter()})) == "a<b <n>"
    assert (cache.compiled, cache.shared) == (2, 0)
