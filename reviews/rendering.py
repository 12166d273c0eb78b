"""Start rendering a requested report: on a Celery worker, or without a broker in a background thread.

The quick start has no broker. Rendering a report there inside the request would hold the page for as long as
WeasyPrint takes, so `REPORT_RENDERING = "thread"` hands the same task function to a daemon thread of the web
process and the request returns at once. A render lost when the process stops (a daemon thread dies with it) is
caught like one lost with its worker: `Report.objects.fail_stale()` marks it failed, and it can be tried again.
"""

import logging
import threading

from django.conf import settings
from django.db import connections

from .tasks import render_report, write_review_export

logger = logging.getLogger(__name__)


def start_rendering(*, report_id: int) -> None:
    """Render the report in the way the settings choose; call it after the report's row is committed."""
    if settings.REPORT_RENDERING == "thread":
        render_in_background(report_id=report_id)
    else:
        render_report.delay(report_id=report_id)


def render_in_background(*, report_id: int) -> threading.Thread:
    """Run the render task in a daemon thread and return the started thread."""
    return _in_background(render_report, f"render-report-{report_id}", report_id=report_id)


def start_export(*, export_id: int) -> None:
    """Write a review's file (its ZIP, or its access log's CSV) as reports are rendered: on a worker, or without a
    broker in a thread."""
    if settings.REPORT_RENDERING == "thread":
        _in_background(write_review_export, f"export-{export_id}", export_id=export_id)
    else:
        write_review_export.delay(export_id=export_id)


def _in_background(task, name: str, **kwargs) -> threading.Thread:
    thread = threading.Thread(target=_run_then_close_connections, args=(task, kwargs), name=name, daemon=True)
    thread.start()
    return thread


def _run_then_close_connections(task, kwargs: dict) -> None:
    try:
        task(**kwargs)
    except Exception:
        # The task records its own failure on its row (the report, the export); this is the database failing
        # under it.
        logger.exception("%s could not finish in the background", threading.current_thread().name)
    finally:
        # The thread opened its own database connections; leave none behind for the server to run out of.
        connections.close_all()
