"""Background entry points of the search context; each calls a service.

Schedule (Celery beat): ``search.outbox_drain`` every 2 seconds (a listing change is searchable
within 5 s); ``search.demand_notify`` once a day; ``search.index_rebuild`` once a day at a quiet
hour (prices in CNY follow the exchange rate in force; stock and regulator changes that bypass the
catalogue services are caught up; results pages re-check the catalogue meanwhile).
"""

from __future__ import annotations

from celery import shared_task

OUTBOX_DRAIN_SECONDS = 2.0
DEMAND_NOTIFY_SECONDS = 24 * 3600
INDEX_REBUILD_SECONDS = 24 * 3600


@shared_task(name="search.outbox_drain", ignore_result=True)
def outbox_drain() -> int:
    from .services import outbox_drain as drain

    return drain()


@shared_task(name="search.demand_notify", ignore_result=True)
def demand_notify() -> int:
    from .services import demand_notify as notify

    return notify()


@shared_task(name="search.index_rebuild", ignore_result=True)
def index_rebuild() -> int:
    from .services import index_rebuild as rebuild

    return rebuild()
