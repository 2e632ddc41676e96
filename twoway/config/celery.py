"""Celery app. In the demo and tests tasks run in-process (CELERY_TASK_ALWAYS_EAGER).

Periodic work comes from ``twoway.config.schedule`` (the same entries drive the in-process
scheduler of ``twoway serve`` and ``twoway worker``); ``celery -A twoway.config worker -B`` runs it.
"""

import os

from celery import Celery
from celery.signals import beat_init
from celery.utils.log import get_logger

from .schedule import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twoway.config.settings.local")
app = Celery("twoway")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = beat_schedule()
app.autodiscover_tasks()


@beat_init.connect
def _skip_unregistered_entries(sender, **_kwargs) -> None:
    """As the in-process scheduler does: an entry whose task is not installed (yet) is left out,
    with one warning, instead of sending workers a message they reject on every interval."""
    app.loader.import_default_modules()
    schedule = sender.scheduler.schedule
    for name in list(schedule):
        if schedule[name].task not in app.tasks:
            get_logger("celery.beat").warning(
                "beat: %s skipped, task %s is not registered", name, schedule[name].task
            )
            schedule.pop(name)
