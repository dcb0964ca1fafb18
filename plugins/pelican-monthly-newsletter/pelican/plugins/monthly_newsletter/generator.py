"""The Pelican side of the newsletter: gather plain data, compose, render, write."""

from __future__ import annotations

import dataclasses
import difflib
import logging
from pathlib import Path

from pelican.generators import Generator

from pelican.plugins.quoteaction.parsing import missing_quoteaction_problems
from pelican_contentkit import templates
from pelican_contentkit.errors import ContentError, ContentErrors
from pelican_contentkit.folders import keep_out_of_articles_and_pages
from pelican_contentkit.links import absolute_links, link_problems, static_links
from pelican_contentkit.markup import html_to_text, markdown_from_settings
from pelican_contentkit.months import month_of
from pelican_contentkit.paths import site_label, site_path, site_root
from pelican_contentkit.problems import has_problems, raw_text, report
from pelican_contentkit.text import reading_minutes

from .compose import compose_issues
from .feed import issues_feed
from .mime import fill_merge_tags, sample_merge_values
from .model import IssueArticle
from .overrides import read_overrides
from .render import (
    GMAIL_CLIP_BYTES,
    RenderedEmail,
    campaign_record,
    file_hash,
    render_email,
    with_utm,
    write_campaign,
)
from .settings import DEFAULTS, newsletter_settings

logger = logging.getLogger(__name__)
LOG_PREFIX = "[newsletter]"
TEMPLATES = Path(__file__).parent / "templates"


def issue_article(article, site_url: str, settings) -> IssueArticle:
    summary = str(article.summary)
    return IssueArticle(
        title=str(article.title),
        title_text=html_to_text(str(article.title)),
        url=f"{site_url.rstrip('/')}/{article.url}",
        summary_text=html_to_text(summary),
        author=str(getattr(article, "author", "") or ""),
        reading_minutes=reading_minutes(article._content),  # the raw HTML, no link rewriting
        date=article.date,
        slug=article.slug,
        source_path=site_label(article.source_path, settings),
    )


class NewsletterGenerator(Generator):
    """Composes the month's issues and writes web pages, the issues feed and campaign files."""

    def generate_context(self) -> None:
        self.newsletter = newsletter_settings(self.settings)
        site_url = self.settings["SITEURL"]
        md = markdown_from_settings(self.settings["MARKDOWN"], with_metadata=True)
        overrides, problems = read_overrides(
            Path(self.path) / self.newsletter.path,
            site_root(self.settings),
            md,
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
        for issue in self.issues:
            writer.write_file(
                issue.save_as,
                self.get_template("newsletter/issue"),
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
        absolute = {**self.context, "SITEURL": self.settings["SITEURL"], "newsletter": settings}
        self._write_feeds(absolute)
        # One issue at a time: an email is rendered, written where it goes, and let go, so a
        # site with years of issues never holds them all in memory.
        for issue in self.issues:
            email = self._render_email(absolute, issue)
            if settings.campaigns_path:
                self._write_campaign(issue, email)
            if settings.preview:
                self._write_preview(writer, issue, email)

    def _write_feeds(self, context) -> None:
        settings = self.newsletter
        site_url = self.settings["SITEURL"].rstrip("/")
        feed_domain = (self.settings.get("FEED_DOMAIN") or site_url).rstrip("/")
        body = self.env.get_template("newsletter/body.html")
        bodies = {issue.month: body.render({**context, "issue": issue}) for issue in self.issues}
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

    def _render_email(self, context, issue) -> RenderedEmail:
        settings = self.newsletter
        site_url = self.settings["SITEURL"]

        def link(url):
            if not settings.utm:
                return url
            return with_utm(url, site_url, settings.utm_parameters, issue.key, issue.month)

        email = render_email(self.env, issue, context, link)
        size = len(email.html.encode("utf-8"))
        if size >= GMAIL_CLIP_BYTES:
            logger.warning(
                "%s %s: email.html is %d KB; Gmail clips messages over 102 KB",
                LOG_PREFIX,
                issue.month,
                size // 1024,
            )
        return email

    def _write_campaign(self, issue, email: RenderedEmail) -> None:
        settings = self.newsletter
        # Sources are named relative to the site root, as the publisher reads them back.
        files = {label: site_path(label, self.settings) for label in issue.sources}
        sources = {label: file_hash(path) for label, path in files.items() if path.is_file()}
        record = campaign_record(issue, email, settings.from_name, settings.reply_to, sources)
        write_campaign(site_path(settings.campaigns_path, self.settings) / issue.month, email, record)

    def _write_preview(self, writer, issue, email: RenderedEmail) -> None:
        """The author's preview: the issue's email as a subscriber gets it, at phone and desktop
        widths, under NEWSLETTER_PREVIEW_PATH; the preview's index shows the newest issue."""
        settings = self.newsletter
        root = settings.preview_path
        newest_first = self.context["NEWSLETTER_ISSUES"]
        values = sample_merge_values(issue.web_url, settings.postal_address)
        folder = Path(self.output_path) / root / issue.month
        folder.mkdir(parents=True, exist_ok=True)
        _write_if_changed(folder / "email.html", fill_merge_tags(email.html, values))
        _write_if_changed(folder / "email.txt", fill_merge_tags(email.text, values))
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


def _write_if_changed(path: Path, text: str) -> None:
    """Leave an unchanged preview file alone: live-reload rebuilds write them all every time."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.write_bytes(data)


def resolve_note_links(generators) -> None:
    """``all_generators_finalized``: see :meth:`NewsletterGenerator.resolve_note_links`."""
    for generator in generators:
        if isinstance(generator, NewsletterGenerator):
            generator.resolve_note_links()


def keep_folder_out_of_articles(pelican_object) -> None:
    """``initialized``: the newsletter files (content/newsletters/) are never articles or pages."""
    folder = pelican_object.settings.get("NEWSLETTER_PATH", DEFAULTS["NEWSLETTER_PATH"])
    if isinstance(folder, str):  # a wrong type is reported when the settings are read
        keep_out_of_articles_and_pages(pelican_object.settings, folder)


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


def get_generators(pelican_object):
    return NewsletterGenerator
