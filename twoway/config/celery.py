"""Celery app. In the demo and tests tasks run in-process (CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twoway.config.settings.local")
app = Celery("twoway")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
