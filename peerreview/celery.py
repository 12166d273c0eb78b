import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from . import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerreview.settings")

app = Celery("peerreview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks kept in a package of an app rather than in its tasks.py.
app.autodiscover_tasks(["reviews.notifications"])

# A task's log lines carry the id of the request that queued it (see peerreview/logs.py).
before_task_publish.connect(logs.add_to_task_headers, weak=False)
task_prerun.connect(logs.take_from_task, weak=False)
task_postrun.connect(logs.forget_task, weak=False)
