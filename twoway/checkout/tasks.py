"""Background entry points of the checkout context; each calls a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="checkout.reservations_expire")
def reservations_expire(limit: int = 500) -> int:
    """Cancel unpaid purchases whose reservation ran out (stock and quota go back); on the
    schedule every minute. Returns how many orders were cancelled."""
    from .services import reservations_expire as expire

    return expire(limit=limit)
