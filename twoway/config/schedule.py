"""What runs on a schedule: ONE definition, read by Celery beat (production,
``celery -A twoway.config worker -B``) and by the in-process scheduler (``twoway serve`` in the
demo, ``twoway worker`` for operators without Celery; see ``twoway.operations.scheduler``).

Each entry names a registered Celery task and how often it runs. The task body is the same code
whichever drives it. A task that is not registered (its app has not landed yet) is skipped by the
in-process scheduler with one warning at start-up; Celery beat would send it to a worker that
rejects it, so add an entry only with its task.

No Django imports here: the Celery app reads this module before Django is set up.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

_NO_KWARGS: Mapping[str, Any] = MappingProxyType({})


class ScheduleEntry(NamedTuple):
    name: str  # unique; the beat schedule key and the operator's handle
    task: str  # the registered Celery task name
    every_seconds: int
    kwargs: Mapping[str, Any] = _NO_KWARGS
    purpose: str = ""


SCHEDULE: tuple[ScheduleEntry, ...] = (
    ScheduleEntry(
        "reservations-expire", "checkout.reservations_expire", 60,
        purpose="cancel unpaid purchases whose reservation ran out; stock and quota go back",
    ),
    ScheduleEntry(
        "declarations-sweep", "customs.declarations_sweep", 60,
        purpose="submit or retry customs declarations of paid export orders (with backoff)",
    ),
    ScheduleEntry(
        "refunds-retry", "payments.refunds_retry", 60,
        purpose="submit refunds that are due and retry failed submissions (with backoff)",
    ),
    ScheduleEntry(
        "webhooks-deliver", "integrations.webhooks_deliver", 10,
        purpose="send sellers' signed webhooks that are due (new ones and retries with backoff)",
    ),
    ScheduleEntry(
        "catalogue-imports", "catalog.imports_run", 2,
        purpose="check and write sellers' catalogue import files waiting for a worker",
    ),
    ScheduleEntry(
        "search-outbox-drain", "search.outbox_drain", 2,
        purpose="apply catalogue changes to the search index",
    ),
    ScheduleEntry(
        "demand-alerts", "search.demand_notify", 86400,
        purpose="tell sellers (seller center and email) when searches they follow rise",
    ),
    ScheduleEntry(
        "search-index-rebuild", "search.index_rebuild", 86400,
        purpose="rebuild the search index (rates, stock and status changes outside the outbox)",
    ),
    ScheduleEntry(
        "payout-statements", "payouts.statements_issue", 3600,
        purpose="issue each seller's payout statement once a calendar month has closed",
    ),
)  # fmt: skip


def beat_schedule(entries: tuple[ScheduleEntry, ...] = SCHEDULE) -> dict[str, dict[str, Any]]:
    """The entries as Celery's ``beat_schedule``. A beat message that waits longer than its own
    interval expires instead of piling up behind a slow worker (the next one is due anyway)."""
    return {
        entry.name: {
            "task": entry.task,
            "schedule": float(entry.every_seconds),
            "kwargs": dict(entry.kwargs),
            "options": {"expires": float(entry.every_seconds)},
        }
        for entry in entries
    }
