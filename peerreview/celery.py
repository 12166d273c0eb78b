import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerreview.settings")

app = Celery("peerreview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks kept in a package of an app rather than in its tasks.py.
app.autodiscover_tasks(["reviews.notifications"])
