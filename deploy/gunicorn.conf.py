"""gunicorn's settings for a web machine, read with `gunicorn -c deploy/gunicorn.conf.py peerreview.wsgi`.

Sized for a 2-core machine: pages are mostly database-bound and short, so two synchronous workers per core (the
WEB_CONCURRENCY variable overrides it) keep both cores busy without queuing behind one slow page. A report never
renders here (workers do that), so the timeout can stay short. Scale a site by adding machines behind the load
balancer rather than workers past about twice the cores.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
# Long enough for the slowest page (an export of a large review streams for a while); a stuck worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, with jitter so they do not all restart together; bounds any slow memory growth.
max_requests = 2000
max_requests_jitter = 200
# The app reads the client's address and scheme from these headers only when the proxy in front sets them.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Logs go to standard output and error, for the platform to collect; the app's own lines are JSON with request ids.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# The lines of the anonymous pages (questionnaires, votes) keep no address, browser or link secret.
logger_class = "peerreview.gunicorn_logging.AccessLogger"
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
capture_output = True
# The temporary files of request bodies in memory rather than on a disk that may be slow or read-only.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
