"""``twoway serve [addr:port]``: the demo server with its scheduled work, no Redis needed."""

from __future__ import annotations

import signal
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from twoway.operations.scheduler import Scheduler


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt  # runserver shuts down on it, as on Ctrl-C


class Command(BaseCommand):
    help = (
        "Run Django's development server (without the autoreloader) and, in a background thread "
        "of the same process, the scheduled work of twoway/config/schedule.py: reservations "
        "expire, retries run, as Celery beat does in production. Used by `make demo`."
    )
    requires_system_checks = []  # runserver runs them

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-schedule", action="store_true", help="Serve only (scheduled work runs elsewhere)."
        )
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between checks.")

    def handle(self, *args, addrport: str, no_schedule: bool, poll: float, **options) -> None:
        stop = threading.Event()
        thread = None
        if not no_schedule:
            scheduler = Scheduler()

            def loop() -> None:
                try:
                    scheduler.run_forever(stop, poll_seconds=poll)
                finally:
                    connections.close_all()

            thread = threading.Thread(target=loop, name="twoway-scheduler", daemon=True)
            thread.start()
            self.stdout.write(
                f"Scheduled work in this process: {', '.join(scheduler.jobs) or 'none'}."
            )
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            stop.set()
            if thread is not None:
                thread.join(timeout=30)
