"""Reads: US-made alternatives to an import product, and the trade impact of choosing one.

``alternatives_for`` reads only the read model (``UsMadeCandidate``): at most three queries (the
buyer's state, the import's HS heading, and its chapter when the heading has fewer than k
candidates). Each heading or chapter query reads a bounded window: the ``CANDIDATE_WINDOW`` rows
nearest the import's price (half at or above, half below, by the (heading, price, id) index), so
the work per request stays flat however many products a heading holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext

from twoway.catalog.models import Currency, Product
from twoway.reference import labels
from twoway.reference.models import JobsRatio, UsState
from twoway.reference.selectors import jobs_ratio_latest
from twoway.search.text import tokens_en_text, tokens_zh_text

from .models import UsMadeCandidate
from .rules import ranking, trade_impact
from .rules.ranking import Breakdown

CANDIDATE_WINDOW = 2_000  # rows read per heading (or chapter) at most
CENT = Decimal("0.01")

_COLUMNS = (
    "product_id", "business_id", "seller_name", "hs_code", "title_en", "title_zh", "tokens_en",
    "tokens_zh", "price_usd", "state_code", "state_name", "latitude", "longitude",
)  # fmt: skip


@dataclass(frozen=True)
class Alternative:
    product_id: int
    title_en: str
    title_zh: str
    seller_id: int
    seller_name: str
    state_code: str
    state_name: str
    price_usd: Decimal
    price_difference_usd: Decimal | None  # alternative minus import; negative = cheaper
    similarity: int  # 0–100
    distance_km: int | None
    match: str  # subheading | heading | chapter
    score: float
    breakdown: Breakdown
    reason: str


def _window_sql(column: str, price: Decimal | None, exclude_heading: bool) -> tuple[str, list]:
    table = connection.ops.quote_name(UsMadeCandidate._meta.db_table)
    cols = ", ".join(_COLUMNS)
    where = f"{column} = %s" + (" AND hs_heading <> %s" if exclude_heading else "")
    if price is None:
        return f"SELECT {cols} FROM {table} WHERE {where} ORDER BY product_id LIMIT %s", ["w"]
    half = CANDIDATE_WINDOW // 2
    sql = (
        f"SELECT {cols} FROM (SELECT {cols} FROM {table} WHERE {where} AND price_usd >= %s "
        f"ORDER BY price_usd, product_id LIMIT {half}) AS at_or_above "
        f"UNION ALL "
        f"SELECT {cols} FROM (SELECT {cols} FROM {table} WHERE {where} AND price_usd < %s "
        f"ORDER BY price_usd DESC, product_id DESC LIMIT {half}) AS below"
    )
    return sql, ["w", "p", "w", "p"]


def _window(column: str, value: str, price: Decimal | None, heading: str | None) -> list[tuple]:
    sql, shape = _window_sql(column, price, exclude_heading=heading is not None)
    params: list = []
    for part in shape:
        if part == "w":
            params.append(value)
            if heading is not None:
                params.append(heading)
        else:
            params.append(price)
    if price is None:
        params.append(CANDIDATE_WINDOW)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_PRICE = _COLUMNS.index("price_usd")


def _candidate(row: tuple) -> ranking.Candidate:
    price = row[_PRICE]
    if not isinstance(price, Decimal):  # SQLite returns numbers, PostgreSQL Decimals
        price = Decimal(str(price)).quantize(CENT)
    return ranking.Candidate(
        product_id=row[0],
        hs_code=row[3],
        tokens_en=row[6] or "",
        tokens_zh=row[7] or "",
        price_usd=price,
        lat=row[11],
        lon=row[12],
        payload=row,
    )


def _buyer_position(buyer_state: str | None) -> tuple[float | None, float | None]:
    if not buyer_state:
        return None, None
    row = (
        UsState.objects.filter(code=buyer_state.strip().upper())
        .values_list("latitude", "longitude")
        .first()
    )
    if row is None:
        return None, None
    latitude, longitude = row
    if latitude is None or longitude is None:
        return None, None
    return float(latitude), float(longitude)


def import_price_usd(product: Product) -> Decimal | None:
    return product.unit_price if product.currency == Currency.USD else None


def alternatives_for(
    *,
    product: Product,
    buyer_state: str | None,
    k: int = 5,
    price_usd: Decimal | None = None,
) -> list[Alternative]:
    """Up to ``k`` US-made alternatives to ``product``, best first (see ``rules.ranking``).

    ``price_usd`` overrides the import's price used for the price comparison (default: its unit
    price when it is in USD; otherwise price does not count).
    """
    if k <= 0 or not product.hs_code:
        return []
    price = price_usd if price_usd is not None else import_price_usd(product)
    lat, lon = _buyer_position(buyer_state)
    heading, chapter = product.hs_code[:4], product.hs_code[:2]
    rows = _window("hs_heading", heading, price, None)
    if len(rows) < k:
        rows += _window("hs_chapter", chapter, price, heading)
    candidates = [_candidate(row) for row in rows if row[0] != product.pk]
    query = ranking.Query(
        hs_code=product.hs_code,
        tokens_en=tokens_en_text(product.title_en),
        tokens_zh=tokens_zh_text(product.title_zh),
        price_usd=price,
        lat=lat,
        lon=lon,
    )
    # Rank a few more than asked, then drop those below the relevance floor.
    ranked = [
        r
        for r in ranking.rank(query, candidates, k=k * 3, translate=gettext)
        if ranking.is_relevant(r.match, r.similarity)
    ][:k]
    out = []
    for r in ranked:
        v = dict(zip(_COLUMNS, r.candidate.payload, strict=True))
        v["price_usd"] = r.candidate.price_usd
        out.append(
            Alternative(
                product_id=v["product_id"],
                title_en=v["title_en"],
                title_zh=v["title_zh"],
                seller_id=v["business_id"],
                seller_name=v["seller_name"],
                state_code=v["state_code"],
                state_name=labels.state_name(v["state_code"], v["state_name"]),
                price_usd=v["price_usd"],
                price_difference_usd=r.price_difference_usd,
                similarity=r.similarity,
                distance_km=r.distance_km,
                match=r.match,
                score=r.breakdown.total,
                breakdown=r.breakdown,
                reason=r.reason,
            )
        )
    return out


def jobs_ratio_for_spend() -> JobsRatio | None:
    """The ratio row for a jobs estimate: the latest year ITA published a per-$1bn figure."""
    return jobs_ratio_latest()


def ratio_row(row: JobsRatio) -> trade_impact.RatioRow:
    # Goods spending: the goods-exports ratio when that year has one, else all exports.
    if row.jobs_per_usd_bn_goods:
        return trade_impact.RatioRow(
            year=row.year,
            jobs_per_usd_bn=row.jobs_per_usd_bn_goods,
            basis="goods",
            publication=row.publication,
            source=row.source,
        )
    if row.jobs_per_usd_bn_total is None:
        raise ValueError(f"the jobs ratio of {row.year} has neither a goods nor a total figure")
    return trade_impact.RatioRow(
        year=row.year,
        jobs_per_usd_bn=row.jobs_per_usd_bn_total,
        basis="total",
        publication=row.publication,
        source=row.source,
    )


def trade_impact_for(
    *,
    import_value_usd: Decimal,
    alternative: Alternative | None,
    origin_country: str = "CN",
) -> trade_impact.TradeImpact:
    """The trade impact of an import purchase and, when given, of its US-made alternative."""
    spend = None
    ratio = None
    if alternative is not None:
        spend = trade_impact.AlternativeSpend(
            price_usd=alternative.price_usd,
            state_code=alternative.state_code,
            state_name=alternative.state_name,
        )
        row = jobs_ratio_for_spend()
        ratio = ratio_row(row) if row is not None else None
    return trade_impact.trade_impact(
        import_value_usd=import_value_usd,
        origin_country=origin_country,
        alternative=spend,
        ratio=ratio,
        translate=gettext,
    )


def headings_with_candidates(headings: set[str]) -> set[str]:
    """Of these HS headings, those with at least one US-made candidate."""
    return set(
        UsMadeCandidate.objects.filter(hs_heading__in=headings)
        .values_list("hs_heading", flat=True)
        .distinct()
    )
