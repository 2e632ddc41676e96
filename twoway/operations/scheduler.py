"""The in-process scheduler: the entries of ``twoway.config.schedule`` run by this process.

Production runs the same entries with Celery beat (``celery -A twoway.config worker -B``); the demo
(``twoway serve``) and operators without Celery (``twoway worker``) use this class. It calls the
registered Celery task bodies in-process, so the code that runs is the same either way.

- ``tick(now)`` runs every job that is due at ``now`` (default ``django.utils.timezone.now()``, so
  a controlled clock drives it), one after the other, each in its own ``try``: a failure is logged
  (ID numbers masked) and recorded, and the other jobs still run.
- A job still running (another thread ticking the same scheduler) is skipped, not run twice.
- Last run, next run and last error are kept in memory and in ``ScheduledJobState`` (one row per
  job), read back at start-up so a restart does not re-run an hourly job at once.

Run one scheduler per deployment: either Celery beat or one ``twoway worker``/``twoway serve``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from twoway.config.schedule import SCHEDULE, ScheduleEntry
from twoway.identity.logging import mask_text

logger = logging.getLogger(__name__)


def registered_tasks() -> Mapping[str, Callable]:
    """Every Celery task of the project, after autodiscovery (``<app>/tasks.py``)."""
    from twoway.config.celery import app

    app.loader.import_default_modules()
    return app.tasks


@dataclass
class Job:
    entry: ScheduleEntry
    next_run: dt.datetime | None = None  # None: due at the first tick
    last_started: dt.datetime | None = None
    last_finished: dt.datetime | None = None
    last_outcome: str = ""
    last_result: str = ""
    last_error: str = ""
    runs: int = 0
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def name(self) -> str:
        return self.entry.name

    def due(self, now: dt.datetime) -> bool:
        return self.next_run is None or now >= self.next_run


@dataclass(frozen=True)
class JobRun:
    name: str
    outcome: str  # ok, failed, skipped (still running elsewhere)
    started: dt.datetime
    result: str = ""
    error: str = ""
    seconds: float = 0.0

    def line(self) -> str:
        text = f"{self.name}: {self.outcome}"
        if self.result:
            text += f" ({self.result})"
        if self.error:
            text += f": {self.error}"
        return text + (f" in {self.seconds:.2f} s" if self.outcome != "skipped" else "")


class Scheduler:
    def __init__(
        self,
        entries: Iterable[ScheduleEntry] = SCHEDULE,
        *,
        tasks: Mapping[str, Callable] | None = None,
        persist: bool = True,
    ) -> None:
        self.tasks = registered_tasks() if tasks is None else tasks
        self.persist = persist
        self.jobs: dict[str, Job] = {}
        self.unregistered: list[ScheduleEntry] = []
        for entry in entries:
            if entry.task in self.tasks:
                self.jobs[entry.name] = Job(entry)
            else:
                self.unregistered.append(entry)
                logger.warning(
                    "schedule: %s skipped, task %s is not registered", entry.name, entry.task
                )
        if persist:
            self._load()

    # --- running ------------------------------------------------------------------------------

    def tick(self, now: dt.datetime | None = None) -> list[JobRun]:
        """Run every job due at ``now``; returns what each did."""
        now = now or timezone.now()
        return [self._run(job, now) for job in self.jobs.values() if job.due(now)]

    def run_forever(self, stop: threading.Event, *, poll_seconds: float = 1.0) -> None:
        """Tick until ``stop`` is set; a job that is running when it is set finishes first."""
        names = ", ".join(self.jobs) or "none"
        logger.info("scheduler started: %s", names)
        while not stop.is_set():
            close_old_connections()
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the loop must survive anything
                logger.error("scheduler tick failed:\n%s", mask_text(traceback.format_exc()))
            finally:
                close_old_connections()
            stop.wait(poll_seconds)
        logger.info("scheduler stopped")

    def _run(self, job: Job, now: dt.datetime) -> JobRun:
        if not job.lock.acquire(blocking=False):
            logger.info("scheduled job %s still running: this run skipped", job.name)
            return JobRun(job.name, "skipped", now)
        try:
            job.last_started = now
            job.next_run = now + dt.timedelta(seconds=job.entry.every_seconds)
            task = self.tasks[job.entry.task]
            clock = timezone.now()
            try:
                result = task(**dict(job.entry.kwargs))
            except Exception as exc:  # noqa: BLE001 - one job's failure never stops the others
                error = mask_text(f"{type(exc).__name__}: {exc}")[:2000]
                logger.error(
                    "scheduled job %s failed: %s\n%s",
                    job.name, error, mask_text(traceback.format_exc()),
                )  # fmt: skip
                job.last_outcome, job.last_error, job.last_result = "failed", error, ""
                job.failures += 1
            else:
                job.last_outcome, job.last_result = "ok", mask_text(_short(result))
            job.runs += 1
            job.last_finished = timezone.now()
            seconds = max((job.last_finished - clock).total_seconds(), 0.0)
            self._save(job)
            return JobRun(
                job.name, job.last_outcome, now, job.last_result,
                job.last_error if job.last_outcome == "failed" else "", seconds,
            )  # fmt: skip
        finally:
            job.lock.release()

    # --- what an operator sees ----------------------------------------------------------------

    def _load(self) -> None:
        from .models import ScheduledJobState

        try:
            rows = {r.name: r for r in ScheduledJobState.objects.filter(name__in=list(self.jobs))}
        except Exception:  # noqa: BLE001 - no table yet (before migrate): run from memory
            logger.warning("scheduler: job state not readable; starting from memory")
            self.persist = False
            return
        for name, job in self.jobs.items():
            row = rows.get(name)
            if row and row.last_started_at:
                job.last_started = row.last_started_at
                job.next_run = row.last_started_at + dt.timedelta(seconds=job.entry.every_seconds)

    def _save(self, job: Job) -> None:
        if not self.persist:
            return
        from .models import ScheduledJobState

        failed = job.last_outcome == "failed"
        values = {
            "task": job.entry.task,
            "every_seconds": job.entry.every_seconds,
            "last_started_at": job.last_started,
            "last_finished_at": job.last_finished,
            "last_outcome": job.last_outcome,
            "last_result": job.last_result[:200],
            "next_run_at": job.next_run,
        }
        if failed:
            values |= {"last_error": job.last_error, "last_error_at": job.last_started}
        try:
            updated = ScheduledJobState.objects.filter(name=job.name).update(
                runs=F("runs") + 1, failures=F("failures") + int(failed), **values
            )
            if not updated:
                with transaction.atomic():
                    ScheduledJobState.objects.create(
                        name=job.name, runs=1, failures=int(failed), **values
                    )
        except Exception:  # noqa: BLE001 - bookkeeping must not stop the schedule
            logger.error(
                "scheduler: could not record job %s:\n%s",
                job.name, mask_text(traceback.format_exc()),
            )  # fmt: skip


def _short(result: object) -> str:
    if result is None:
        return ""
    text = str(result)
    return text if len(text) <= 200 else text[:199] + "…"
