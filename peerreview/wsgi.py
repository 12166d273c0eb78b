"""The web processes' entry point (gunicorn)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerreview.settings")

application = get_wsgi_application()

from peerreview import warmup  # noqa: E402 (needs the apps loaded)

warmup.load_everything()

# Everything loaded so far (Django, the apps, their modules, every template and URL pattern) lives as long as the
# process: moved out of the collector's reach, a full collection walks only what requests make, so it pauses a page
# for a fraction as long.
gc.freeze()
