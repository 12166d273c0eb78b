"""The site's own settings with one page more, for `python -m benchmarks scale`: a minimal view that saves one row
through the ORM, the limit for any page that writes. Never used by the site itself."""

from peerreview.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
