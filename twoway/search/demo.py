"""Demo search log: what buyers in China searched for over the last months, so the seller's
demand page and the public dashboard have something to show in the demo. Deterministic for a
seed; written only when the log is empty. Invented data, like the rest of the demo marketplace."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from .models import SearchLog
from .rules.analyze import fold
from .services import session_hash

# (query, language, HS chapter, results, weight): unmet searches have 0–2 results.
DEMO_QUERIES = (
    ("花旗参", "zh", "12", 14, 9), ("西洋参", "zh", "12", 14, 8), ("野山参", "zh", "12", 0, 5),
    ("花旗参茶", "zh", "12", 0, 6), ("西洋参片", "zh", "12", 2, 4), ("ginseng tea", "en", "12", 0, 2),
    ("枫糖浆", "zh", "17", 9, 8), ("fengtangjiang", "en", "17", 9, 2), ("枫糖奶油", "zh", "17", 0, 5),
    ("枫糖", "zh", "17", 9, 3), ("切达奶酪", "zh", "04", 11, 6), ("奶酪棒", "zh", "04", 0, 7),
    ("儿童奶酪", "zh", "04", 0, 4), ("蔓越莓干", "zh", "08", 10, 6), ("蔓越莓汁", "zh", "20", 0, 6),
    ("酸樱桃汁", "zh", "20", 0, 5), ("野米", "zh", "10", 6, 3), ("菰米", "zh", "10", 0, 3),
    ("牛肉干", "zh", "16", 12, 7), ("无谷猫粮", "zh", "23", 1, 5), ("狗粮", "zh", "23", 8, 4),
    ("婴儿奶粉", "zh", "19", 6, 7), ("有机奶粉", "zh", "19", 2, 5), ("蜂蜜", "zh", "04", 9, 5),
    ("麦卢卡蜂蜜", "zh", "04", 0, 6), ("波本威士忌", "zh", "22", 7, 3), ("冰酒", "zh", "22", 0, 4),
    ("巴旦木", "zh", "08", 5, 3), ("碧根果", "zh", "08", 4, 3), ("鱼油", "zh", "15", 0, 6),
    ("maple syrup", "en", "17", 9, 2), ("american ginseng", "en", "12", 14, 2),
)  # fmt: skip
PROVINCES = ("31", "11", "44", "32", "33", "51", "42", "37", "35", "50")
MONTHS = 4


def demo_searches_seed(*, seed: int = 1, now: dt.datetime | None = None) -> int:
    if SearchLog.objects.exists():
        return 0
    rng = random.Random(seed * 7919 + 12)
    now = now or timezone.now()
    rows = []
    for query, language, chapter, results, weight in DEMO_QUERIES:
        for month in range(MONTHS):
            # Demand grows toward the latest month, as it would after a listing goes live.
            searches = max(1, int(weight * (1 + month) * rng.uniform(0.6, 1.2)))
            for _n in range(searches):
                when = now - dt.timedelta(days=30 * (MONTHS - 1 - month) + rng.uniform(0, 29.5))
                clicked = results > 0 and rng.random() < 0.5
                rows.append(
                    SearchLog(
                        query=query,
                        query_norm=fold(query),
                        language=language,
                        market="cn_export",
                        province=rng.choice(PROVINCES) if rng.random() < 0.7 else "",
                        hs_chapter=chapter,
                        result_count=results,
                        session_hash=session_hash(f"demo-{seed}-{rng.randrange(10**9)}"),
                        clicked_product_id=None,
                        bought=clicked and rng.random() < 0.25,
                        created_at=when,
                    )  # fmt: skip
                )
    SearchLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
