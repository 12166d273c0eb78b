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
    thread = threading.Thread(
        target=_render_then_close_connections,
        kwargs={"report_id": report_id},
        name=f"render-report-{report_id}",
        daemon=True,
    )
    thread.start()
    return thread


def _render_then_close_connections(*, report_id: int) -> None:
    try:
        render_report(report_id=report_id)
    except Exception:
        # The task records a failed render on the report itself; this is the database failing under it.
        logger.exception("Report %s could not be rendered in the background", report_id)
    finally:
        # The thread opened its own database connections; leave none behind for the server to run out of.
        connections.close_all()


def start_export(*, export_id: int) -> None:
    """Write a whole-review export as reports are rendered: on a worker, or without a broker in a thread."""
    if settings.REPORT_RENDERING == "thread":
        threading.Thread(
            target=_export_then_close_connections, kwargs={"export_id": export_id}, name=f"export-{export_id}",
            daemon=True,
        ).start()  # fmt: skip
    else:
        write_review_export.delay(export_id=export_id)


def _export_then_close_connections(*, export_id: int) -> None:
    try:
        write_review_export(export_id=export_id)
    except Exception:
        logger.exception("Export %s could not be written in the background", export_id)
    finally:
        connections.close_all()
