"""What a web process would otherwise load on its first requests, loaded before it serves any: every template
compiled (the cached loader keeps them) and the URL patterns read, so that `gc.freeze()` (peerreview/wsgi.py) puts
them out of the collector's reach with the rest of the code. Left to the first requests, those tens of thousands of
long-lived objects would be walked by every full collection, a pause of tens of milliseconds in some page."""

from pathlib import Path

from django.template import engines
from django.urls import get_resolver


def load_everything() -> int:
    """Compile every template of every engine and read the URL patterns; the number of templates compiled."""
    get_resolver().reverse_dict  # noqa: B018 (reading it reads every pattern of the site)
    compiled = 0
    for engine in engines.all():
        for directory in engine.template_dirs:
            root = Path(directory)
            for path in sorted(root.rglob("*")):
                if path.suffix in {".html", ".txt", ".svg", ".xml"} and path.is_file():
                    engine.get_template(path.relative_to(root).as_posix())
                    compiled += 1
    return compiled
