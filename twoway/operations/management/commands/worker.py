"""``twoway worker``: run the schedule in the foreground, for operators without Celery."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from twoway.config.schedule import SCHEDULE
from twoway.operations.models import ScheduledJobState
from twoway.operations.scheduler import Scheduler


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC" if value else "-"


class Command(BaseCommand):
    help = (
        "Run the scheduled work (twoway/config/schedule.py) in this process until Ctrl-C or "
        "SIGTERM: the same tasks Celery beat runs in production. --once runs what is due and "
        "exits (1 if a job failed); --list prints the schedule with each job's last run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the jobs due now, then exit.")
        parser.add_argument("--list", action="store_true", help="Print the schedule and exit.")
        parser.add_argument(
            "--poll", type=float, default=1.0, help="Seconds between checks for due jobs."
        )

    def handle(self, *args, once: bool, poll: float, **options) -> None:
        if options["list"]:
            self._list()
            return
        scheduler = Scheduler()
        if once:
            runs = scheduler.tick()
            for run in runs:
                self.stdout.write(run.line())
            failed = [run.name for run in runs if run.outcome == "failed"]
            self.stdout.write(
                f"{len(runs)} job(s) due at {_when(timezone.now())}, {len(failed)} failed."
            )
            if failed:
                raise CommandError(f"failed: {', '.join(failed)}", returncode=1)
            return
        if poll <= 0:
            raise CommandError("--poll must be more than 0 seconds.")
        stop = threading.Event()

        def _stop(signum, _frame) -> None:
            self.stdout.write(f"{signal.Signals(signum).name}: stopping after the running job")
            stop.set()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        self.stdout.write(
            f"Twoway worker: {len(scheduler.jobs)} scheduled job(s) "
            f"({', '.join(scheduler.jobs) or 'none'}); Ctrl-C stops."
        )
        scheduler.run_forever(stop, poll_seconds=poll)
        self.stdout.write("Twoway worker stopped.")

    def _list(self) -> None:
        from twoway.operations.scheduler import registered_tasks

        tasks = registered_tasks()
        states = {s.name: s for s in ScheduledJobState.objects.all()}
        self.stdout.write(
            f"{'job':<22} {'task':<32} {'every':>7}  {'registered':<10} {'last run':<23} "
            f"{'outcome':<7} {'next run':<23} last error"
        )
        for entry in SCHEDULE:
            state = states.get(entry.name)
            self.stdout.write(
                f"{entry.name:<22} {entry.task:<32} {entry.every_seconds:>6}s  "
                f"{'yes' if entry.task in tasks else 'NO':<10} "
                f"{_when(state and state.last_started_at):<23} "
                f"{(state.last_outcome if state else '') or '-':<7} "
                f"{_when(state and state.next_run_at):<23} "
                f"{(state.last_error.splitlines() or [''])[0] if state else ''}"
            )
