"""Celery app. In the demo and tests tasks run in-process (CELERY_TASK_ALWAYS_EAGER).

Periodic work comes from ``twoway.config.schedule`` (the same entries drive the in-process
scheduler of ``twoway serve`` and ``twoway worker``); ``celery -A twoway.config worker -B`` runs it.
"""

import os

from celery import Celery

from .schedule import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twoway.config.settings.local")
app = Celery("twoway")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = beat_schedule()
app.autodiscover_tasks()
