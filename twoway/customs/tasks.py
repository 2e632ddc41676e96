"""Background entry points of the customs context; each calls a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="customs.order_declare", autoretry_for=(ConnectionError,), retry_backoff=True)
def order_declare(order_id: int) -> str:
    from .declaration import order_declare as declare

    return declare(order_id=order_id).status


@shared_task(name="customs.declarations_sweep")
def declarations_sweep() -> int:
    from .declaration import declarations_sweep as sweep

    return sweep()
