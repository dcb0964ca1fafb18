"""Production settings: what `make build` builds and what gets deployed.

Absolute URLs everywhere (feeds, emails, sharing), feeds on, output cleaned first.
`SITEURL` can be overridden from the environment for a staging host.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("NETWORKER_SITEURL", "https://networker.example.com").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True
