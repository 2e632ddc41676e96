"""Background entry point of payouts: ``payouts.statements_issue`` (hourly; issues the statements
of closed months that are missing, so the first run after a month closes issues them)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payouts.statements_issue", ignore_result=True)
def statements_issue() -> int:
    from .services import statements_issue_due

    return statements_issue_due()
