"""Production settings: what `make build` builds and what gets deployed.

Absolute URLs everywhere (feeds, emails, sharing), feeds on, output cleaned first.
`SITEURL` can be overridden from the environment for a staging host. Works from any
folder: pelicanconf.py is read from beside this file, not from the current directory.
"""

import os
import runpy
from pathlib import Path

_HERE = Path(__file__).resolve().parent
globals().update(
    {name: value for name, value in runpy.run_path(str(_HERE / "pelicanconf.py")).items() if name.isupper()}
)

SITEURL = (os.environ.get("NETWORKER_SITEURL") or "https://networker.example.com").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True

# The publisher's input (see docs/campaign-files.md); no author preview in production.
NEWSLETTER_CAMPAIGNS_PATH = str(_HERE / "campaigns")
NEWSLETTER_PREVIEW = False
# Drafts (and future-dated articles, which are drafts until their date) are built for
# preview in development only: the deployed site has no copy of them.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""  # translations of drafts too (Pelican's defaults put them in drafts/)
DRAFT_PAGE_LANG_SAVE_AS = ""

# `invoke deploy` (see README, "Deploy"): where `--target rsync` copies the build (user@host:/path,
# over SSH) and the custom domain `--target gh-pages` writes into CNAME (empty: no CNAME).
DEPLOY_RSYNC_TARGET = os.environ.get("NETWORKER_DEPLOY_RSYNC_TARGET", "")
DEPLOY_CNAME = os.environ.get("NETWORKER_DEPLOY_CNAME", "")
DEPLOY_GH_PAGES_BRANCH = "gh-pages"
DEPLOY_GH_PAGES_REMOTE = "origin"
