"""Background work of integrations (Celery; in-process in the demo and tests)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="integrations.webhooks_deliver")
def webhooks_deliver() -> int:
    """Send due webhook deliveries (new ones and retries with backoff)."""
    from .services import deliveries_send_due

    return deliveries_send_due()
