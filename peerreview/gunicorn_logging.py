"""gunicorn's access log, with nothing in the lines of the anonymous pages that could tell who answered.

A line of a questionnaire or a ballot (`logs.is_anonymous_path`) keeps the time, the method, the path without its
link's secret and the status: not the address, the browser, the referring page, any header, the size of the
response (a thanks page that says someone has been told is longer) or how long it took (raising an alert takes
longer). Every other line is gunicorn's own, less the secret of a link in its referring page.

Used with `--logger-class peerreview.gunicorn_logging.AccessLogger` (deploy/gunicorn.conf.py sets it).
"""

from gunicorn.glogging import Logger

from .logs import is_anonymous_path, without_secrets

KEPT = frozenset({"t", "m", "s", "H", "l", "p"})


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # A request gunicorn answered itself (a server error) has no PATH_INFO: its path is read from what was sent.
        path = environ.get("PATH_INFO") or getattr(req, "path", None) or environ.get("RAW_URI") or ""
        if not is_anonymous_path(path):
            # A page opened from a questionnaire (its accessibility statement) names the questionnaire as its referrer.
            for key in ("f", "{referer}i"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = without_secrets(atoms[key])
            return atoms
        kept = dict.fromkeys(atoms, "-")
        kept.update({key: atoms[key] for key in KEPT if key in atoms})
        kept["U"] = without_secrets(path)
        kept["r"] = (
            f"{environ.get('REQUEST_METHOD', '-')} {without_secrets(path)} {environ.get('SERVER_PROTOCOL', '-')}"
        )
        return kept

    def exception(self, msg, *args, **kwargs):
        """gunicorn's own error lines name the request's address ("Error handling request POST /q/…/"): without
        the secret of a questionnaire's or a ballot's link."""
        super().exception(msg, *(without_secrets(arg) if isinstance(arg, str) else arg for arg in args), **kwargs)
