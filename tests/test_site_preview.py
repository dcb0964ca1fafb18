"""The helpers behind `invoke screenshots` and `invoke lighthouse` (the tasks themselves run
Chromium and Lighthouse, so they are not part of the test suite)."""

from __future__ import annotations

from datetime import datetime

from tests.support.site import html_files, soup
from tools.site_preview import LIGHTHOUSE_BARS, below_bars, newest_article_path


def test_scores_at_the_bars_pass_and_each_shortfall_is_named():
    assert below_bars(dict(LIGHTHOUSE_BARS)) == []
    scores = {**LIGHTHOUSE_BARS, "performance": 97, "seo": 92}
    assert below_bars(scores) == ["performance 97 < 98", "seo 92 < 100"]
    assert below_bars({}) == [f"{name} 0 < {bar}" for name, bar in LIGHTHOUSE_BARS.items()]


def test_newest_article_comes_from_the_feed(sample_site):
    dates = {}
    for page in html_files(sample_site.output):
        article = soup(page).find("article", class_="article")
        if article is not None:
            dates[f"/{page.parent.relative_to(sample_site.output)}/"] = datetime.fromisoformat(
                article.find("time")["datetime"]
            )
    assert newest_article_path(sample_site.output, sample_site.site_url) == max(dates, key=dates.get)
