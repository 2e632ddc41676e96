"""The product-view counter: one row per product and day (UTC), incremented with a conditional
update (no read-modify-write), never per person: no user, session or address is stored.
Robots are left out by their user agent (``data/bot_user_agents.csv``, sources beside it)."""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import ProductViewDay

DATA = Path(__file__).resolve().parent / "data" / "bot_user_agents.csv"


@cache
def bot_patterns() -> tuple[str, ...]:
    with DATA.open(encoding="utf-8") as handle:
        return tuple(row["pattern"].lower() for row in csv.DictReader(handle) if row["pattern"])


def is_bot(user_agent: str) -> bool:
    agent = (user_agent or "").lower()
    return not agent or any(p in agent for p in bot_patterns())


def product_view_record(
    *, product_id: int, user_agent: str, now: dt.datetime | None = None
) -> bool:
    """Count one view of ``product_id`` today; False (nothing counted) for a robot."""
    if is_bot(user_agent):
        return False
    day = (now or timezone.now()).date()
    if ProductViewDay.objects.filter(product_id=product_id, day=day).update(views=F("views") + 1):
        return True
    try:
        with transaction.atomic():
            ProductViewDay.objects.create(product_id=product_id, day=day, views=1)
    except IntegrityError:  # another request created today's row first
        ProductViewDay.objects.filter(product_id=product_id, day=day).update(views=F("views") + 1)
    return True
