"""The shared settings validator and month helpers (pelican_contentkit.settings, .months)."""

from datetime import UTC, date, datetime

import pytest

from pelican.plugins.fastbuild import settings as fastbuild
from pelican.plugins.fastbuild.settings import fastbuild_settings
from pelican.plugins.monthly_newsletter import settings as newsletter
from pelican.plugins.monthly_newsletter.settings import newsletter_settings
from pelican.plugins.quoteaction import settings as quoteaction
from pelican.plugins.quoteaction.settings import plugin_settings as quoteaction_settings
from pelican.plugins.reader_features import settings as reader
from pelican_contentkit.errors import ContentError, ContentErrors
from pelican_contentkit.months import is_month, month_label, month_of, month_problem, month_start
from pelican_contentkit.settings import Kind, SettingsSpec
from tests.support.site import build
from tests.test_quoteaction_site import PROMPTS, QUOTEACTION_OCT, article


def _positive(values):
    if values.get("DEMO_COUNT", 1) < 1:
        yield ContentError(None, "DEMO_COUNT", "must be 1 or more", "use a positive number")


SPEC = SettingsSpec(
    ("DEMO_", "OTHER_"),
    {"DEMO_COUNT": 3, "DEMO_ON": True, "DEMO_NAMES": None},
    kinds={"DEMO_NAMES": Kind((type(None), list), "None or a list of names", "e.g. ['a']")},
    checks=(_positive,),
)


def test_defaults_fill_in_what_is_not_set():
    assert SPEC.validate({"DEMO_COUNT": 5, "SITENAME": "x"}) == {
        "DEMO_COUNT": 5,
        "DEMO_ON": True,
        "DEMO_NAMES": None,
    }


def test_every_problem_is_reported_at_once_unknown_names_first_with_a_guess():
    with pytest.raises(ContentErrors) as raised:
        SPEC.validate({"DEMO_CONT": 2, "OTHER_X": 1, "DEMO_ON": 1, "DEMO_NAMES": "a", "DEMO_COUNT": 0})
    assert [str(error) for error in raised.value.errors] == [
        "settings [DEMO_CONT]: unknown setting. Fix: did you mean DEMO_COUNT?",
        "settings [OTHER_X]: unknown setting. Fix: use one of DEMO_COUNT, DEMO_NAMES, DEMO_ON",
        "settings [DEMO_ON]: must be True or False, not int 1. Fix: set it like the default, True",
        "settings [DEMO_NAMES]: must be None or a list of names, not str 'a'. Fix: e.g. ['a']",
        "settings [DEMO_COUNT]: must be 1 or more. Fix: use a positive number",
    ]


def test_bool_is_not_a_whole_number_and_a_plugin_check_sees_only_well_typed_values():
    with pytest.raises(ContentError) as raised:
        SPEC.validate({"DEMO_COUNT": True})
    assert not isinstance(raised.value, ContentErrors)
    assert (
        str(raised.value)
        == "settings [DEMO_COUNT]: must be a whole number, not bool True. Fix: set it like the default, 3"
    )


def test_a_configuration_is_checked_once_and_a_changed_one_again():
    calls = []

    def make(values):
        calls.append(values)
        return object()

    spec = SettingsSpec(("ONCE_",), {"ONCE_LIST": [1]})
    first = spec.load({"ONCE_LIST": [1, 2], "PATH": "a"}, make)
    assert spec.load({"ONCE_LIST": [1, 2], "PATH": "b"}, make) is first
    assert spec.load({"ONCE_LIST": [1, 2, 3]}, make) is not first
    assert len(calls) == 2
    with pytest.raises(ContentError):  # a bad configuration is never remembered as good
        spec.load({"ONCE_LIST": "x"}, make)
    with pytest.raises(ContentError):
        spec.load({"ONCE_LIST": "x"}, make)


def test_a_build_checks_each_plugins_settings_once(tmp_path, monkeypatch):
    specs = {
        "quoteaction": quoteaction.SPEC,
        "newsletter": newsletter.SPEC,
        "reader": reader.SPEC,
        "fastbuild": fastbuild.SPEC,
    }
    for spec in specs.values():
        spec._cache.clear()  # earlier tests in this process may have checked the same values
    checked = []
    validate = SettingsSpec.validate

    def counting_validate(spec, settings):
        checked.append(next(name for name, known in specs.items() if known is spec))
        return validate(spec, settings)

    monkeypatch.setattr(SettingsSpec, "validate", counting_validate)
    files = {
        **{f"articles/{n}.md": article(f"oct-{n}", f"2026-10-0{n} 08:00") for n in range(1, 6)},
        "quoteactions/2026-10.md": QUOTEACTION_OCT,
        "connector-prompts.yaml": PROMPTS,
    }
    build(tmp_path, files, production=True, QUOTEACTION_IN_FEEDS=True)
    assert sorted(checked) == ["fastbuild", "newsletter", "quoteaction", "reader"]


def test_the_newsletter_takes_the_quoteaction_folder_from_the_quoteaction_plugin():
    assert newsletter_settings({}).quoteaction_path == "quoteactions"
    assert newsletter_settings({"QUOTEACTION_PATH": "qa"}).quoteaction_path == "qa"
    assert quoteaction_settings({"QUOTEACTION_PATH": "qa"}).path == "qa"
    assert newsletter_settings({"SITENAME": "A"}).name == "A"
    assert newsletter_settings({"SITENAME": "B"}).name == "B"


def test_a_site_build_reads_the_quoteaction_folder_where_the_quoteaction_plugin_reads_it(tmp_path):
    files = {"articles/a.md": article("oct-one", "2026-10-02 08:00"), "connector-prompts.yaml": PROMPTS}
    ignored = [".*", "__pycache__", "monthly", "newsletters"]
    with pytest.raises(ContentError) as raised:
        # The QuoteAction plugin's own report off, so the message is the newsletter's.
        build(
            tmp_path, files, QUOTEACTION_PATH="monthly", QUOTEACTION_WARN_MISSING=False, IGNORE_FILES=ignored
        )
    assert "content/monthly/2026-10.md: the 2026-10 newsletter needs a QuoteAction" in str(raised.value)

    files["monthly/2026-10.md"] = QUOTEACTION_OCT
    output = build(tmp_path, files, QUOTEACTION_PATH="monthly", IGNORE_FILES=ignored)
    assert "Jane Q. Example" in (output / "newsletter" / "2026-10" / "index.html").read_text(encoding="utf-8")


def test_newsletter_months_must_be_real_months():
    assert newsletter_settings({"NEWSLETTER_MONTHS": ["2026-11"]}).months == ("2026-11",)
    with pytest.raises(ContentError) as raised:
        newsletter_settings({"NEWSLETTER_MONTHS": ["2026-13"]})
    assert str(raised.value) == (
        "settings [NEWSLETTER_MONTHS]: '2026-13' is not a real month (months run from 01 to 12)."
        " Fix: write each month as YYYY-MM, e.g. '2026-11'"
    )


def test_fastbuild_workers_must_not_be_negative():
    assert fastbuild_settings({"FASTBUILD_WORKERS": 2}).workers == 2
    with pytest.raises(
        ContentError, match=r"\[FASTBUILD_WORKERS\]: must be a whole number of processes, not -1"
    ):
        fastbuild_settings({"FASTBUILD_WORKERS": -1})


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2026-11", None),
        ("2026-1", "'2026-1' is not in the form YYYY-MM"),
        ("2026-11\n", "'2026-11\\n' is not in the form YYYY-MM"),
        ("２０２６-11", "'２０２６-11' is not in the form YYYY-MM"),
        ("2026-00", "'2026-00' is not a real month (months run from 01 to 12)"),
        ("2026-13", "'2026-13' is not a real month (months run from 01 to 12)"),
    ],
)
def test_month_problem(value, problem):
    assert month_problem(value) == problem
    assert is_month(value) is (problem is None)


def test_month_formatting():
    assert month_of(date(2026, 3, 31)) == "2026-03"
    assert month_of(datetime(2026, 11, 1, 0, 30, tzinfo=UTC)) == "2026-11"
    assert month_start("2026-11") == datetime(2026, 11, 1, tzinfo=UTC)
    assert month_label("2026-11") == "November 2026"
