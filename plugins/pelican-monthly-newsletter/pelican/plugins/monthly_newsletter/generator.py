"""The Pelican side of the newsletter: gather plain data, compose, render, write."""

from __future__ import annotations

import dataclasses
import difflib
import functools
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

from pelican.generators import Generator

from pelican.plugins.quoteaction.parsing import missing_quoteaction_problems
from pelican_contentkit import templates
from pelican_contentkit.build import BUILD_SETTING, build_stamp, leave_in_place, staged_folder
from pelican_contentkit.errors import ContentError, ContentErrors
from pelican_contentkit.files import write_over
from pelican_contentkit.folders import keep_setting_folder_out
from pelican_contentkit.links import absolute_links, link_problems, static_links
from pelican_contentkit.markup import html_to_text
from pelican_contentkit.memo import Memo, key
from pelican_contentkit.months import month_of
from pelican_contentkit.outputs import PlannedOutput
from pelican_contentkit.paths import site_label, site_path, site_root
from pelican_contentkit.problems import (
    CHECK_ONLY_SETTING,
    PROBLEMS_KEY,
    has_problems,
    ledger,
    raw_text,
    report,
)
from pelican_contentkit.text import reading_minutes

from .compose import compose_issues
from .featured import email_body, image_problems, image_width_in, plain_text, shift_headings
from .feed import issues_feed
from .inputs import EMAIL_TEMPLATES, content_files, settings_files, template_files, template_label
from .mime import fill_merge_tags, sample_merge_values
from .model import FeaturedArticle, IssueArticle
from .overrides import read_overrides
from .render import (
    GMAIL_CLIP_BYTES,
    EmailTemplates,
    RenderedEmail,
    campaign_record,
    content_folder_json,
    file_hash,
    render_email,
    use_fast_wordwrap,
    utm_link,
    write_campaign,
)
from .settings import DEFAULTS, newsletter_settings

logger = logging.getLogger(__name__)
LOG_PREFIX = "[newsletter]"
TEMPLATES = Path(__file__).parent / "templates"
# The emails and feed bodies of a cached build (CACHE_CONTENT), kept for the next one
# (pelican_contentkit.memo) by a digest of what they are rendered from: the issue, the
# newsletter's and the site's settings, the templates, and this code.
MEMO_NAME = "newsletter-render"
MEMO_CODE = ("pelican.plugins.monthly_newsletter.generator", "pelican.plugins.quoteaction.model")
MEMO_LIBRARIES = ("jinja2", "markupsafe", "css-inline", "pelican")
# What the newsletter adds to the context, which every one of its templates gets.
NEWSLETTER_CONTEXT = (
    "NEWSLETTER_ISSUES",
    "NEWSLETTER_INDEX_URL",
    "NEWSLETTER_FEED_ATOM",
    "NEWSLETTER_FEED_RSS",
)
# Settings that change every build and are never rendered: the build's id, the problem ledger.
SETTINGS_LEFT_OUT = frozenset({BUILD_SETTING, PROBLEMS_KEY})


@dataclass(frozen=True)
class CampaignInputs:
    """What every issue's campaign files share, worked out once per build: the hashes of the
    email templates and settings files, the content folder's list (and its JSON), the site
    root, the build's stamp (campaign.json's ``build``), and the folder they are written to."""

    shared: dict[str, str]
    folder: dict[str, object]
    folder_json: str
    root: Path
    build: dict[str, str] | None
    target: Path
    in_place: bool


def issue_article(article, site_url: str, settings) -> IssueArticle:
    summary = str(article.summary)
    return IssueArticle(
        title=str(article.title),
        title_text=html_to_text(str(article.title)),
        url=f"{site_url.rstrip('/')}/{article.url}",
        summary_text=html_to_text(summary),
        author=str(getattr(article, "author", "") or ""),
        # The raw HTML, no link rewriting. `invoke check` renders no email: no words counted.
        reading_minutes=0 if settings.get(CHECK_ONLY_SETTING) else reading_minutes(article._content),
        date=article.date,
        slug=article.slug,
        source_path=site_label(article.source_path, settings),
    )


class NewsletterGenerator(Generator):
    """Composes the month's issues and writes web pages, the issues feed and campaign files."""

    def generate_context(self) -> None:
        self.newsletter = newsletter_settings(self.settings)
        site_url = self.settings["SITEURL"]
        overrides, problems = read_overrides(
            Path(self.path) / self.newsletter.path,
            site_root(self.settings),
            self.settings.get("TIMEZONE", "UTC"),
        )
        articles = self.context.get("articles", [])
        quoteactions = self.context.get("QUOTEACTIONS", {})
        problems += issue_problems(
            overrides,
            articles,
            quoteactions,
            Path(self.path) / self.newsletter.quoteaction_path,
            site_root(self.settings),
        )
        featured, featured_problems = self._featured_articles(overrides, articles)
        problems += featured_problems
        self.overrides = overrides
        for override in overrides.values():  # copied to the site, as an article's would be
            source_file = site_path(override.source_path, self.settings)
            self.context["static_links"] |= static_links(override.note_html, source_file, self.settings)
        self.issues = []
        # Issues are composed from complete data only: another problem (a missing QuoteAction,
        # say) is reported by its own plugin, once.
        if not problems and not has_problems(self.context):
            try:
                self.issues = compose_issues(
                    (issue_article(article, site_url, self.settings) for article in articles),
                    quoteactions,
                    overrides,
                    self.newsletter,
                    site_url,
                    {month: qa.source_path for month, qa in quoteactions.items()},
                    site_label(Path(self.path) / self.newsletter.quoteaction_path, self.settings)
                    + "/{month}.md",
                    featured,
                )
            except ContentErrors as errors:
                problems += errors.errors
            except ContentError as error:
                problems.append(error)
        report(self.context, problems)
        self.context["NEWSLETTER_ISSUES"] = list(reversed(self.issues))  # newest first
        self.context["NEWSLETTER_INDEX_URL"] = self.newsletter.index_url
        self.context["NEWSLETTER_FEED_ATOM"] = self.newsletter.feed_atom
        self.context["NEWSLETTER_FEED_RSS"] = self.newsletter.feed_rss
        for issue in self.issues:
            logger.info(
                "%s issue #%d for %s: %d articles", LOG_PREFIX, issue.number, issue.month, len(issue.articles)
            )

    def resolve_note_links(self) -> None:
        """The links and images in every issue's note resolved as in an article, with absolute
        addresses (the note is shown on the issue's page, in the feed and in the email); links
        to no file are reported. Called at ``all_generators_finalized``: only then are the
        pages and static files they may point to all known."""
        content_root = Path(self.path)
        problems = []
        resolved = []
        for issue in self.issues:
            override = self.overrides.get(issue.month)
            if override is None or not issue.note_html:
                resolved.append(issue)
                continue
            source_file = site_path(override.source_path, self.settings)
            note_html, dead = absolute_links(issue.note_html, source_file, self.settings, self.context)
            if dead:
                try:
                    text = raw_text(self.context, source_file)
                except ContentError:
                    text = ""
                problems += link_problems(override.source_path, source_file, text, dead, content_root)
            resolved.append(
                dataclasses.replace(issue, note_html=note_html, note_text=html_to_text(note_html))
            )
        report(self.context, problems)
        self._set_issues(resolved)

    def _set_issues(self, issues) -> None:
        self.issues = issues
        self.context["NEWSLETTER_ISSUES"] = list(reversed(issues))  # newest first

    def _featured_articles(
        self, overrides, articles
    ) -> tuple[dict[str, FeaturedArticle], list[ContentError]]:
        """The article each issue with ``Featured:`` carries in full (by month), its body still to
        come (:meth:`finish_featured_articles`), and every slug no published article has."""
        site_url = self.settings["SITEURL"].rstrip("/")
        by_slug = {article.slug: article for article in articles}
        found: dict[str, FeaturedArticle] = {}
        problems: list[ContentError] = []
        self._featured_sources = {}
        for month, override in sorted(overrides.items()):
            slug = override.featured_slug
            if slug is None:
                continue
            article = by_slug.get(slug)
            if article is None:
                guess = difflib.get_close_matches(slug, sorted(by_slug), n=1, cutoff=0.6)
                problems.append(
                    ContentError(
                        override.source_path,
                        "Featured",
                        f"no published article has the slug {slug!r}",
                        f"did you mean {guess[0]!r}?" if guess else "use the Slug: of a published article",
                    )
                )
                continue
            self._featured_sources[month] = article
            found[month] = FeaturedArticle(
                article=issue_article(article, site_url, self.settings),
                web_html="",
                email_html="",
                text="",
                profile=getattr(article, "author_profile", None),
            )
        return found, problems

    def finish_featured_articles(self) -> None:
        """``all_generators_finalized``: the featured articles' bodies, for the web and the email.

        Not earlier: an article's links to the site's images are resolved only once the static
        files are known (Pelican reads them last), and Pelican keeps the first resolution. Not
        later: an image the email cannot carry is a problem, reported before the gate."""
        settings = self.newsletter
        site_url = self.settings["SITEURL"].rstrip("/")
        width_of = image_width_in(Path(self.path), site_url)
        problems: list[ContentError] = []
        finished = []
        for issue in self.issues:
            if issue.featured is None:
                finished.append(issue)
                continue
            facts = issue.featured.article

            link = utm_link(site_url, settings.utm_parameters if settings.utm else (), issue.key, issue.month)
            article = self._featured_sources[issue.month]
            body = article.get_content(self.settings["SITEURL"])
            email_html, refused = email_body(
                body, article_url=facts.url, title_text=facts.title_text, link=link, image_width=width_of
            )
            if refused:
                try:
                    text = raw_text(self.context, article.source_path)
                except ContentError:
                    text = ""
                problems += image_problems(refused, facts.source_path, text, None)
            featured = replace(
                issue.featured,
                web_html=shift_headings(body, 1),
                email_html=email_html,
                text=plain_text(email_html),
            )
            finished.append(replace(issue, featured=featured))
        # The content check reports an image without alt text in any article; said once is enough.
        found = ledger(self.context)
        said = {(p.path, p.line, p.field) for p in (found.reported if found else [])}
        report(self.context, [p for p in problems if (p.path, p.line, p.field) not in said])
        self._set_issues(finished)

    def generate_output(self, writer) -> None:
        # Each issue's QuoteAction as the QuoteAction plugin left it once every generator had
        # read its content (its links resolved then).
        quoteactions = self.context.get("QUOTEACTIONS", {})
        self._set_issues(
            [
                dataclasses.replace(issue, quoteaction=quoteactions.get(issue.month, issue.quoteaction))
                for issue in self.issues
            ]
        )
        settings = self.newsletter
        relative = self.settings["RELATIVE_URLS"]
        newest_first = self.context["NEWSLETTER_ISSUES"]
        issue_template = self.get_template("newsletter/issue")
        for issue in self.issues:
            writer.write_file(
                issue.save_as,
                issue_template,
                self.context,
                relative_urls=relative,
                issue=issue,
                newsletter=settings,
                page_name="newsletter",
                url=issue.url,
            )
        writer.write_file(
            settings.index_save_as,
            self.get_template("newsletter/index"),
            self.context,
            relative_urls=relative,
            issues=newest_first,
            page_name="newsletter",
            url=settings.index_url,
        )
        # Emails and feed bodies are rendered from the settings, the newsletter's context
        # entries and the issue alone (not Pelican's whole context), so that an unchanged issue
        # is not rendered again in a cached build (MEMO_NAME).
        absolute = {
            **{name: value for name, value in self.settings.items() if name not in SETTINGS_LEFT_OUT},
            **{name: self.context[name] for name in NEWSLETTER_CONTEXT},
            "SITEURL": self.settings["SITEURL"],
            "newsletter": settings,
        }
        # The templates do not change while one build renders them (Pelican makes a new
        # environment for every build): not asked again whether their files changed, for each
        # email and each template it includes.
        self.env.auto_reload = False
        use_fast_wordwrap(self.env)
        memo = Memo.open(self.settings, MEMO_NAME, MEMO_CODE, MEMO_LIBRARIES)
        inputs_key = self._render_inputs_key(absolute) if memo.path is not None else ""
        self._write_feeds(absolute, memo, inputs_key)
        inputs = self._build_inputs() if settings.campaigns_path and self.issues else None
        templates = EmailTemplates.of(self.env)
        # One issue at a time: an email is rendered, written where it goes, and let go, so a
        # site with years of issues never holds them all in memory.
        for issue in self.issues:
            email = memo.get(
                key("email", inputs_key, issue) if memo.path is not None else "",
                functools.partial(self._render_email, absolute, issue, templates),
            )
            problem = size_problem(issue, email, settings.email_max_kb, settings.path)
            if problem is not None:
                raise problem  # past the gate: the build stops before a clipped email is written
            if inputs is not None:
                self._write_campaign(issue, email, inputs)
            if settings.preview:
                self._write_preview(writer, issue, email)
        memo.save()

    def _render_inputs_key(self, context) -> str:
        """The digest of what every email and feed body is rendered from besides its issue:
        the settings and the newsletter's, and the templates' sources."""
        names = (*EMAIL_TEMPLATES, "newsletter/body.html")
        sources = [(str(path), file_hash(path)) for path in template_files(self.env, names)]
        # The filters, tests and globals templates can call, by name and where they are defined.
        callables = [
            (
                kind,
                name,
                getattr(value, "__module__", ""),
                getattr(value, "__qualname__", type(value).__name__),
            )
            for kind, values in (("f", self.env.filters), ("t", self.env.tests), ("g", self.env.globals))
            for name, value in sorted(values.items())
        ]
        return key(sorted((name, repr(value)) for name, value in context.items()), sources, callables)

    def _write_feeds(self, context, memo: Memo, inputs_key: str) -> None:
        settings = self.newsletter
        site_url = self.settings["SITEURL"].rstrip("/")
        feed_domain = (self.settings.get("FEED_DOMAIN") or site_url).rstrip("/")
        body = self.env.get_template("newsletter/body.html")
        bodies = {
            issue.month: memo.get(
                key("body", inputs_key, issue) if memo.path is not None else "",
                functools.partial(body.render, {**context, "issue": issue}),
            )
            for issue in self.issues
        }
        for path, kind in ((settings.feed_atom, "atom"), (settings.feed_rss, "rss")):
            if not path:
                continue
            feed = issues_feed(
                self.issues,
                bodies,
                settings.name,
                site_url,
                settings.index_url,
                self.settings.get("DEFAULT_LANG", "en"),
                f"{feed_domain}/{path}",
            )
            target = Path(self.output_path) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            (feed.atom_file if kind == "atom" else feed.rss_file)(str(target), pretty=True)

    def _render_email(self, context, issue, templates: EmailTemplates | None = None) -> RenderedEmail:
        settings = self.newsletter
        link = utm_link(
            self.settings["SITEURL"], settings.utm_parameters if settings.utm else (), issue.key, issue.month
        )
        return render_email(templates or self.env, issue, context, link)

    def _build_inputs(self) -> CampaignInputs:
        """What every issue is built from besides its own files: the email templates and the
        settings files (label: hash), and the list of files in the content folder; and where
        the campaign files go."""
        root = site_root(self.settings)
        shared = {template_label(path, root): file_hash(path) for path in template_files(self.env)}
        shared |= {
            site_label(path, self.settings): file_hash(path)
            for path in settings_files(self.settings["SITEURL"])
        }
        folder: dict[str, object] = {
            "path": site_label(self.path, self.settings),
            "files": content_files(Path(self.path)),
        }
        final = site_path(self.newsletter.campaigns_path, self.settings)
        # In a clean build, a staged copy swapped in with the site (pelican_contentkit.build):
        # the build's own, written into directly.
        target = staged_folder(self.settings, final)
        return CampaignInputs(
            shared=shared,
            folder=folder,
            folder_json=content_folder_json(folder),
            root=root,
            build=self._build_record(),
            target=target,
            in_place=target != final,
        )

    def _build_record(self) -> dict[str, str] | None:
        """The build whose site the campaign files go with (the publisher checks it)."""
        stamp = build_stamp(self.settings)
        if stamp is None:
            return None
        build_id, output = stamp
        return {"id": build_id, "site": site_label(output, self.settings)}

    def _write_campaign(self, issue, email: RenderedEmail, inputs: CampaignInputs) -> None:
        settings = self.newsletter
        # Sources are named relative to the site root, as the publisher reads them back.
        files = {label: inputs.root / label for label in issue.sources}
        sources = {label: file_hash(path) for label, path in files.items() if os.path.isfile(path)}
        record = campaign_record(
            issue, email, settings.from_name, settings.reply_to, sources | inputs.shared, inputs.folder
        )
        if inputs.build is not None:
            record["build"] = dict(inputs.build)
        write_campaign(
            inputs.target / issue.month,
            email,
            record,
            folder_json=inputs.folder_json,
            in_place=inputs.in_place,
        )

    def _write_preview(self, writer, issue, email: RenderedEmail) -> None:
        """The author's preview: the issue's email as a subscriber gets it, at phone and desktop
        widths, under NEWSLETTER_PREVIEW_PATH; the preview's index shows the newest issue."""
        settings = self.newsletter
        root = settings.preview_path
        newest_first = self.context["NEWSLETTER_ISSUES"]
        values = sample_merge_values(issue.web_url, settings.postal_address)
        folder = Path(self.output_path) / root / issue.month
        folder.mkdir(parents=True, exist_ok=True)
        _write_if_changed(self.settings, folder / "email.html", fill_merge_tags(email.html, values))
        _write_if_changed(self.settings, folder / "email.txt", fill_merge_tags(email.text, values))
        newest = issue is newest_first[0]
        pages = [f"{root}/{issue.month}/index.html"] + ([f"{root}/index.html"] if newest else [])
        for save_as in pages:
            writer.write_file(
                save_as,
                self.get_template("newsletter/preview"),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                issue=issue,
                email=email,
                issues=newest_first,
                preview_root=root,
                email_folder=f"{issue.month}/" if save_as == f"{root}/index.html" else "",
                newsletter=settings,
                page_name="newsletter-preview",
            )
        if newest:
            logger.info("%s email preview of %s at /%s/", LOG_PREFIX, issue.month, root)


def _write_if_changed(settings: dict, path: Path, text: str) -> None:
    """Leave an unchanged preview file alone: live-reload rebuilds write them all every time."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            leave_in_place(settings, path)
            return
    except OSError:
        pass
    write_over(path, data)


def size_problem(issue, email: RenderedEmail, max_kb: int, newsletter_folder: str) -> ContentError | None:
    """email.html over the budget (NEWSLETTER_EMAIL_MAX_KB): Gmail clips a message over 102 KB
    and hides the rest, the unsubscribe link included."""
    size = len(email.html.encode("utf-8"))
    if size <= max_kb * 1024:
        return None
    source = next((s for s in issue.sources if f"/{newsletter_folder.strip('/')}/" in f"/{s}"), None)
    fix = (
        "shorten the featured article, use fewer images in it, or remove the Featured: line"
        if issue.featured
        else "choose fewer articles (Articles:) or shorten the editor's note"
    )
    return ContentError(
        source or f"newsletter {issue.month}",
        "Featured" if issue.featured else None,
        f"the {issue.month} issue's email.html is {size / 1024:.1f} KB, over the {max_kb} KB budget "
        f"(Gmail clips emails over {GMAIL_CLIP_BYTES // 1024} KB)",
        fix,
    )


def resolve_note_links(generators) -> None:
    """``all_generators_finalized``: see :meth:`NewsletterGenerator.resolve_note_links`."""
    for generator in generators:
        if isinstance(generator, NewsletterGenerator):
            generator.resolve_note_links()


def keep_folder_out_of_articles(pelican_object) -> None:
    """``initialized``: the newsletter files (content/newsletters/) are never articles or pages."""
    keep_setting_folder_out(pelican_object.settings, "NEWSLETTER_PATH", DEFAULTS["NEWSLETTER_PATH"])


def add_default_templates(generator) -> None:
    """``generator_init``: the plugin's templates (``newsletter/*``) where the theme has none."""
    templates.add_default_templates(generator.env, TEMPLATES)


def issue_problems(
    overrides, articles, quoteactions, quoteaction_folder: Path, label_root: Path
) -> list[ContentError]:
    """Newsletter files choosing articles that are not published, and issue months of their
    own (``Always_build: yes``) without a QuoteAction."""
    published = {article.slug for article in articles}
    problems: list[ContentError] = []
    for _, override in sorted(overrides.items()):
        unknown = [slug for slug in override.article_slugs or () if slug not in published]
        if unknown:
            guess = difflib.get_close_matches(unknown[0], sorted(published), n=1, cutoff=0.6)
            problems.append(
                ContentError(
                    override.source_path,
                    "Articles",
                    f"no published article has the slug {', '.join(map(repr, unknown))}",
                    f"did you mean {guess[0]!r}?"
                    if guess
                    else "use the Slug: of published articles (see content/articles/)",
                )
            )
    article_months = {month_of(article.date) for article in articles}
    issue_months = frozenset(
        month
        for month, override in overrides.items()
        if override.always_build and month not in article_months
    )
    problems += missing_quoteaction_problems(quoteaction_folder, label_root, {}, quoteactions, issue_months)
    return problems


def finish_featured_articles(generators) -> None:
    """``all_generators_finalized``: see :meth:`NewsletterGenerator.finish_featured_articles`."""
    for generator in generators:
        if isinstance(generator, NewsletterGenerator):
            generator.finish_featured_articles()


def get_generators(pelican_object):
    return NewsletterGenerator


def planned_outputs(settings, generators):
    """What the newsletter writes into the output (:func:`pelican_contentkit.outputs.declare_outputs`)."""
    generator = next((g for g in generators if isinstance(g, NewsletterGenerator)), None)
    newsletter = getattr(generator, "newsletter", None)
    if newsletter is None:
        return []
    planned = [
        PlannedOutput(issue.save_as, f"the newsletter issue {issue.month} (NEWSLETTER_SAVE_AS)")
        for issue in generator.issues
    ]
    planned.append(PlannedOutput(newsletter.index_save_as, "the newsletter index (NEWSLETTER_INDEX_SAVE_AS)"))
    for name, path in (
        ("NEWSLETTER_FEED_ATOM", newsletter.feed_atom),
        ("NEWSLETTER_FEED_RSS", newsletter.feed_rss),
    ):
        if path:
            planned.append(PlannedOutput(path, f"the newsletter feed ({name})"))
    if newsletter.preview and generator.issues:
        planned.append(
            PlannedOutput(newsletter.preview_path, "the email preview (NEWSLETTER_PREVIEW_PATH)", folder=True)
        )
    return planned
