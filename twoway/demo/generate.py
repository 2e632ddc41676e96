"""Deterministic generators of demo rows: sellers, their products, and consumers.

Everything comes from ``random.Random`` streams seeded with the ``--seed`` (one stream per kind),
never from the global ``random`` or the clock, so the same seed gives the same names, numbers,
IDs and prices. Rows are plain tuples in the column order of ``BUSINESS_COLUMNS`` and
``PRODUCT_COLUMNS`` so the same rows can go to ``bulk_create`` or to PostgreSQL ``COPY``;
sellers are produced in batches, so a run of millions never holds more than a batch in memory.
Registration numbers are bijections of the row id, hence unique by construction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate

from stdnum.cn import ric, uscc

from . import places
from .catalogue import CN_LINES, MIDWEST_STATES, US_LINES, ProductLine, Variant

BUSINESS_COLUMNS: tuple[str, ...] = (
    "id", "legal_name", "display_name_zh", "country", "us_state_id", "cn_province_id", "city",
    "postal_code", "naics_code", "industry", "employee_count", "registration_number",
    "verification_status", "verified_at", "made_in_usa_attested", "made_in_usa_attested_at",
    "made_in_usa_statement", "show_on_dashboard", "created_at", "updated_at",
)  # fmt: skip

PRODUCT_COLUMNS: tuple[str, ...] = (
    "id", "business_id", "sku", "title_en", "title_zh", "description_en", "description_zh",
    "hs_code", "hs_chapter", "cn_tariff_line", "us_hts_line", "origin_country",
    "origin_us_state_id", "origin_cn_province_id", "unit_price", "currency", "weight_kg",
    "stock_on_hand", "market_cn_export", "market_us_domestic", "market_us_import", "status",
    "manufacturer", "raw_material_suppliers", "created_at", "updated_at",
)  # fmt: skip

# Verification dates fall in 2024-2025; a fixed origin keeps them independent of the clock.
_VERIFIED_FROM = dt.datetime(2024, 1, 8, 15, 0, tzinfo=dt.UTC)

# IRS campus prefixes (python-stdnum's us/ein table); the EIN is a bijection of the row id.
EIN_PREFIXES: tuple[str, ...] = tuple(
    f"{n:02d}"
    for n in (
        1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 26, 27, 30, 31, 32,
        33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 50, 51, 52, 53, 54, 55,
        56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 71, 72, 73, 74, 75, 76, 77, 80, 81,
        82, 83, 84, 85, 86, 87, 88, 90, 91, 92, 93, 94, 95, 98, 99,
    )
)  # fmt: skip


@dataclass(frozen=True)
class SeedPlan:
    # The default demo: big enough to browse like a marketplace, small enough that a fresh
    # clone's `make demo` serves its first page within two minutes.
    seed: int = 2025
    us_sellers: int = 100
    cn_sellers: int = 20
    products_per_seller: int = 6
    consumers_cn: int = 120
    consumers_us: int = 20

    @property
    def sellers(self) -> int:
        return self.us_sellers + self.cn_sellers

    @property
    def products(self) -> int:
        return self.sellers * self.products_per_seller


def ein_for(business_id: int, seed: int) -> str:
    # The 7-digit group alone is a bijection of the id (for ids below 10 million): unique.
    prefix = EIN_PREFIXES[(business_id * 37 + seed) % len(EIN_PREFIXES)]
    group = (business_id * 7_654_321 + seed * 1_000_003) % 10_000_000
    return f"{prefix}-{group:07d}"


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_for(business_id: int, seed: int, region_code: str) -> str:
    """USCC (GB 32100): 9 (SAMR) 1 (enterprise), region, organisation code (GB 11714), check."""
    body = f"{(business_id * 73_939_133 + seed * 7_777_777 + 10_000_000) % 100_000_000:08d}"
    org_check = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    org = body + ("X" if org_check == 10 else "0" if org_check == 11 else str(org_check))
    partial = "91" + region_code + org
    return partial + uscc.calc_check_digit(partial)


def resident_id(county: str, birth: dt.date, sequence: int) -> str:
    partial = f"{county}{birth:%Y%m%d}{sequence:03d}"
    return partial + ric.calc_check_digit(partial + "0")


def _money(cents: int) -> Decimal:
    return Decimal(f"{cents // 100}.{cents % 100:02d}")


def _weight(grams: int) -> Decimal:
    return Decimal(f"{grams // 1000}.{grams % 1000:03d}")


class _Weighted:
    """Weighted choice with precomputed cumulative weights (fast, and stable across runs)."""

    def __init__(self, items: list, weights: list[int]) -> None:
        self.items = items
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cum, k=1)[0]


def _employees(rng: random.Random, small: bool) -> int:
    r = rng.random()
    bands: tuple[tuple[float, int, int], ...]  # (cumulative share, fewest, most)
    if small:  # US small businesses: most have fewer than 20 people
        bands = (
            (0.35, 1, 4),
            (0.60, 5, 9),
            (0.78, 10, 19),
            (0.90, 20, 49),
            (0.96, 50, 99),
            (0.99, 100, 249),
            (1.0, 250, 499),
        )
    else:
        bands = (
            (0.2, 20, 49),
            (0.5, 50, 199),
            (0.8, 200, 499),
            (0.95, 500, 999),
            (1.0, 1000, 2000),
        )
    for edge, lo, hi in bands:
        if r < edge:
            return rng.randint(lo, hi)
    return 1  # pragma: no cover


@dataclass(frozen=True)
class _Maker:
    """What product generation needs to know about a seller."""

    id: int
    legal_name: str
    short_name: str
    name_zh: str
    region: str  # state or province code
    region_name: str
    region_zh: str
    city: str
    line: ProductLine
    verified: bool
    manufacturer: str = ""
    suppliers: str | None = None
    origin_province: str | None = None
    brand_zh: str = ""  # Chinese brand words put in front of product titles


# Story sellers: fixed first rows so the demo tells the same story at every size.
# The first is seller@demo.twoway's business: its cheese is on the CBEC positive list, so it has
# orders from China to ship. The ginseng farm's line is not on the list: it sells to US buyers only.
US_STORY = (
    ("Wausau Valley Creamery LLC", "沃索谷乳品厂", "WI", "Wausau", "54401", "CHEDDAR", 12),
    (
        "Traverse Bay Cherry Orchards LLC",
        "特拉弗斯湾樱桃园",
        "MI",
        "Traverse City",
        "49684",
        "TARTCHERRY",
        23,
    ),
    ("Bemidji Wild Rice Co.", "贝米吉野米公司", "MN", "Bemidji", "56601", "WILDRICE", 6),
    ("Old Bardstown Distilling Co.", "老巴兹敦酒厂", "KY", "Bardstown", "40004", "BOURBON", 41),
    (
        "Marathon County Ginseng Farm LLC",
        "马拉松县花旗参农场",
        "WI",
        "Wausau",
        "54403",
        "GINSENG",
        9,
    ),
)
CN_STORY = (
    # name, zh, province, city index, line, manufacturer, suppliers, origin province
    ("Hangzhou Mingyang Garment Co., Ltd.", "杭州明扬服饰有限公司", "33", 1, "SHIRT", "", None, None),
    ("Changji Tianshan Tomato Products Co., Ltd.", "昌吉天山番茄制品有限公司", "65", 0, "TOMATO", "",
     "Bazhou Tomato Growers Cooperative\nChangji Tomato Farms", "65"),
    ("Ningbo Yongxin New Materials Co., Ltd.", "宁波永信新材料有限公司", "33", 2, "VINYL",
     "Xinjiang Zhongtai Chemical Co., Ltd.", "Xinjiang Zhongtai Chemical Co., Ltd.", None),
    ("Wuxi Huamei Knitting Co., Ltd.", "无锡华美针织有限公司", "32", 2, "TSHIRT", "",
     "Changji Esquel Textile Co. Ltd\nWuxi No.1 Cotton Mill Co., Ltd.", None),
    ("Changzhou Ruifeng Solar Technology Co., Ltd.", "常州瑞丰光伏科技有限公司", "32", 1, "SOLAR", "",
     "Hoshine Silicon Industry (Shanshan) Co., Ltd\nJiangsu Zhongneng Polysilicon Technology Co., Ltd.", None),
)  # fmt: skip

_LINES = {line.code: line for line in US_LINES + CN_LINES}
# Pack sizes that make further distinct products of one variant: (English, Chinese, count).
PACKS: tuple[tuple[str, str, int], ...] = (
    ("", "", 1), (", 2-pack", " 2件装", 2), (", 6-pack", " 6件装", 6), (", case of 12", " 12件整箱", 12),
)  # fmt: skip
_US_SUFFIX_WORDS = ("LLC", "Inc.", "Co.", "Ltd.", "Family Farms LLC")


class SellerGenerator:
    """Yields batches of (business rows, product rows) for a plan, ids from the given starts."""

    def __init__(
        self, plan: SeedPlan, *, first_business_id: int, first_product_id: int, now: dt.datetime
    ):
        self.plan = plan
        self.next_business_id = first_business_id
        self.next_product_id = first_product_id
        self.now = now
        self.rng_us = random.Random(f"twoway-demo-us-{plan.seed}")
        self.rng_cn = random.Random(f"twoway-demo-cn-{plan.seed}")
        mw = list(MIDWEST_STATES)
        self._mw_states = _Weighted(mw, [places.US_STATES[s].weight for s in mw])
        self._state_lines: dict[str, _Weighted] = {}
        for state in places.US_STATES:
            lines = [line for line in US_LINES if state in line.regions]
            if lines:
                self._state_lines[state] = _Weighted(lines, [line.weight for line in lines])
        other = [line for line in US_LINES if any(r not in MIDWEST_STATES for r in line.regions)]
        self._other_lines = _Weighted(other, [line.weight for line in other])
        self._cn_lines = _Weighted(list(CN_LINES), [line.weight for line in CN_LINES])
        self._desc_cache: dict[tuple[int, str], tuple[str, str]] = {}
        self._offers: dict[tuple[str, str], list[tuple[ProductLine, Variant]]] = {}
        self.first_ids = (first_business_id, first_product_id)

    # --- sellers --------------------------------------------------------------------------
    def _us_maker(self, index: int) -> tuple[tuple, _Maker]:
        rng, bid, seed = self.rng_us, self.next_business_id, self.plan.seed
        if index < len(US_STORY):
            name, name_zh, state, city, zip_code, code, employees = US_STORY[index]
            line = _LINES[code]
            short = name.rsplit(" ", 1)[0]
            verified, made_in_usa = True, bool(line.made_in_usa_statement)
        else:
            if index % 4 != 3:  # three in four US sellers are in the Midwest
                state = self._mw_states.pick(rng)
                line = self._state_lines[state].pick(rng)
            else:
                line = self._other_lines.pick(rng)
                state = rng.choice([r for r in line.regions if r not in MIDWEST_STATES])
            town = rng.choice(places.US_STATES[state].towns)
            city, zip_code = town.city, f"{town.zip3}{rng.randrange(1, 100):02d}"
            word_i = rng.randrange(len(line.maker_words))
            style = rng.random()
            if style < 0.45:
                first, first_zh = rng.choice(places.US_SURNAMES)
                short_first = f"{first} Family" if rng.random() < 0.3 else first
            elif style < 0.8:
                short_first, first_zh = rng.choice(places.US_PLACE_WORDS)
            else:
                short_first, first_zh = city, ""
            short = f"{short_first} {line.maker_words[word_i]}"
            suffix = rng.choice(_US_SUFFIX_WORDS)
            name = f"{short} {suffix}" if not short.endswith("Co.") or suffix != "Co." else short
            name_zh = f"{first_zh or places.US_STATES[state].name_zh}{line.maker_words_zh[word_i]}"
            employees = _employees(rng, small=True)
            r = rng.random()
            verified = r < 0.88
            made_in_usa = bool(line.made_in_usa_statement) and rng.random() < 0.45
        status = "verified" if verified else ("pending" if index % 3 else "rejected")
        verified_at = (
            _VERIFIED_FROM + dt.timedelta(minutes=rng.randrange(0, 600 * 24 * 60))
            if verified
            else None
        )
        row = (
            bid, name, name_zh, "US", state, None, city, zip_code, line.naics, line.industry,
            employees, ein_for(bid, seed), status, verified_at, made_in_usa,
            verified_at if made_in_usa else None,
            line.made_in_usa_statement if made_in_usa else "",
            verified and (index < len(US_STORY) or rng.random() < 0.85), self.now, self.now,
        )  # fmt: skip
        st = places.US_STATES[state]
        maker = _Maker(
            bid, name, short, name_zh, state, _STATE_NAMES.get(state, state), st.name_zh, city,
            line, verified, brand_zh=name_zh,
        )  # fmt: skip
        return row, maker

    def _cn_maker(self, index: int) -> tuple[tuple, _Maker]:
        rng, bid, seed = self.rng_cn, self.next_business_id, self.plan.seed
        manufacturer, suppliers, origin = "", None, None
        if index < len(CN_STORY):
            name, name_zh, province, city_i, code, manufacturer, suppliers, origin = CN_STORY[index]
            line = _LINES[code]
            city = places.CN_CITIES[province][city_i]
            verified = True
            employees = 120 + 40 * index
        else:
            line = self._cn_lines.pick(rng)
            province = rng.choice(line.regions)
            city = rng.choice(places.CN_CITIES[province])
            firm, firm_zh = rng.choice(places.CN_FIRM_WORDS)
            word_i = rng.randrange(len(line.maker_words))
            name = f"{city.name_en} {firm} {line.maker_words[word_i]} Co., Ltd."
            name_zh = f"{city.name_zh}{firm_zh}{line.maker_words_zh[word_i]}有限公司"
            verified = rng.random() < 0.9
            employees = _employees(rng, small=False)
        postal = f"{city.postcode}{rng.randrange(0, 100):02d}"
        status = "verified" if verified else "pending"
        verified_at = (
            _VERIFIED_FROM + dt.timedelta(minutes=rng.randrange(0, 600 * 24 * 60))
            if verified
            else None
        )
        row = (
            bid, name, name_zh, "CN", None, province, city.name_en, postal, line.naics, line.industry,
            employees, uscc_for(bid, seed, city.region_code), status, verified_at, False, None, "",
            verified and rng.random() < 0.7, self.now, self.now,
        )  # fmt: skip
        en, zh = places.CN_PROVINCE_NAMES[province]
        # Brand: the firm word after the city ("Hangzhou Mingyang Garment" → "Mingyang", 明扬).
        brand = name.split(" ")[1]
        brand_zh = name_zh[len(city.name_zh) : len(city.name_zh) + 2]
        maker = _Maker(
            bid, name, brand, name_zh, province, en, zh, city.name_en, line,
            verified, manufacturer or name, suppliers, origin, brand_zh,
        )  # fmt: skip
        return row, maker

    # --- products -------------------------------------------------------------------------
    def _descriptions(self, maker: _Maker, line: ProductLine) -> tuple[str, str]:
        key = (maker.id, line.code)
        cached = self._desc_cache.get(key)
        if cached is None:
            cached = (
                line.description_en.format(
                    maker=maker.legal_name, city=maker.city, region=maker.region_name
                ),
                line.description_zh.format(maker_zh=maker.name_zh, region_zh=maker.region_zh),
            )
            self._desc_cache[key] = cached
        return cached

    def _offer(self, maker: _Maker) -> list[tuple[ProductLine, Variant]]:
        """What one seller makes: its own line first, then the lines of the same trade (5-digit
        NAICS) made in its state or province (a creamery sells cheddar, Colby and butter; a dried
        fruit maker cherries and apple rings), each variant once."""
        key = (maker.line.code, maker.region)
        offer = self._offers.get(key)
        if offer is None:
            lines = [maker.line] + [
                line
                for line in (US_LINES if maker.line.country == "US" else CN_LINES)
                if line is not maker.line
                and line.naics[:5] == maker.line.naics[:5]
                and maker.region in line.regions
            ]
            offer = [(line, variant) for line in lines for variant in line.variants]
            self._offers[key] = offer
        return offer

    def _products(self, maker: _Maker, rng: random.Random, out: list[tuple]) -> None:
        """``products_per_seller`` distinct products: every (line, variant) of the seller's offer,
        then the same in packs of 2, 6, 12 (a title never repeats within a seller; the maker's
        brand leads every title, so sellers' titles differ too)."""
        us = maker.line.country == "US"
        now = self.now
        status = "active" if maker.verified else "draft"
        offer = self._offer(maker)
        seller_factor = 0.85 + 0.3 * rng.random()  # one seller is dearer than another
        for j in range(self.plan.products_per_seller):
            line, variant = offer[j % len(offer)]
            pack_i = j // len(offer)
            pack_en, pack_zh, pack_n = PACKS[pack_i % len(PACKS)]
            if pack_i >= len(PACKS):
                pack_en, pack_zh = (
                    f"{pack_en} (lot {pack_i // len(PACKS) + 1})",
                    f"{pack_zh} 第{pack_i // len(PACKS) + 1}批",
                )
            cents = int(
                line.base_cents
                * variant.price_factor
                * pack_n
                * (0.93 if pack_n > 1 else 1.0)
                * seller_factor
                * (0.95 + 0.1 * rng.random())
            )
            cents = max(99, (cents // 100) * 100 + 99)
            desc_en, desc_zh = self._descriptions(maker, line)
            stock = 0 if rng.random() < 0.05 else rng.randrange(40, 400)
            pid = self.next_product_id
            self.next_product_id += 1
            variant_en = f"{variant.en}{pack_en}"
            variant_zh = f"{variant.zh}{pack_zh}"
            grams = variant.grams * pack_n
            if us:
                out.append((
                    pid, maker.id, f"{line.code}-{j + 1:03d}",
                    f"{maker.short_name} {line.name_en}, {variant_en}",
                    f"{maker.brand_zh} {line.name_zh} {variant_zh}", desc_en, desc_zh, line.hs6,
                    line.hs6[:2], line.national_line, "", "US", maker.region, None, _money(cents),
                    "USD", _weight(grams), stock, line.cn_line_on_positive_list, True, False,
                    status, maker.legal_name, "", now, now,
                ))  # fmt: skip
            else:
                origin = maker.origin_province or maker.region
                out.append((
                    pid, maker.id, f"{line.code}-{j + 1:03d}",
                    f"{maker.short_name} {line.name_en}, {variant_en}",
                    f"{maker.brand_zh}{line.name_zh} {variant_zh}", desc_en, desc_zh, line.hs6,
                    line.hs6[:2], "", line.national_line, "CN", None, origin, _money(cents), "USD",
                    _weight(grams), stock, False, False, True, status, maker.manufacturer,
                    maker.suppliers if maker.suppliers is not None else "\n".join(line.suppliers),
                    now, now,
                ))  # fmt: skip

    def batches(self, batch_size: int) -> Iterator[tuple[list[tuple], list[tuple]]]:
        businesses: list[tuple] = []
        products: list[tuple] = []
        for kind, count in (("US", self.plan.us_sellers), ("CN", self.plan.cn_sellers)):
            for index in range(count):
                if kind == "US":
                    row, maker = self._us_maker(index)
                    self._products(maker, self.rng_us, products)
                else:
                    row, maker = self._cn_maker(index)
                    self._products(maker, self.rng_cn, products)
                self.next_business_id += 1
                businesses.append(row)
                if len(businesses) >= batch_size:
                    yield businesses, products
                    businesses, products = [], []
                    self._desc_cache.clear()
        if businesses:
            yield businesses, products


_STATE_NAMES = {
    "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "MI": "Michigan",
    "MN": "Minnesota", "MO": "Missouri", "NE": "Nebraska", "ND": "North Dakota", "OH": "Ohio",
    "SD": "South Dakota", "WI": "Wisconsin", "KY": "Kentucky", "TN": "Tennessee",
    "CA": "California", "OR": "Oregon", "WA": "Washington", "AK": "Alaska", "HI": "Hawaii",
    "CO": "Colorado", "NY": "New York", "PA": "Pennsylvania", "VT": "Vermont", "ME": "Maine",
    "MA": "Massachusetts", "NJ": "New Jersey", "GA": "Georgia", "TX": "Texas", "UT": "Utah",
}  # fmt: skip


# --- consumers ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CnConsumer:
    username: str
    surname: str
    given_name: str
    province: str
    id_number: str  # clear text: handed straight to real_name_identity_register

    @property
    def full_name(self) -> str:
        return self.surname + self.given_name


def iter_cn_consumers(seed: int, count: int) -> Iterator[CnConsumer]:
    rng = random.Random(f"twoway-demo-consumers-cn-{seed}")
    provinces = list(places.CN_CONSUMER_WEIGHTS)
    weighted = _Weighted(provinces, list(places.CN_CONSUMER_WEIGHTS.values()))
    for i in range(count):
        province = provinces[i] if i < len(provinces) else weighted.pick(rng)
        county, _name, first_year, last_year = rng.choice(places.CN_ID_COUNTIES[province])
        birth = dt.date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))
        surname = rng.choice(places.CN_SURNAMES)
        given = "".join(rng.choice(places.CN_GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
        yield CnConsumer(
            f"buyer-cn-{i + 1:05d}@demo.twoway", surname, given, province,
            resident_id(county, birth, rng.randrange(1, 1000)),
        )  # fmt: skip


US_FIRST_NAMES = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Susan",
    "Richard",
    "Jessica",
    "Joseph",
    "Sarah",
)


def iter_us_consumers(seed: int, count: int) -> Iterator[tuple[str, str, str]]:
    rng = random.Random(f"twoway-demo-consumers-us-{seed}")
    for i in range(count):
        yield (
            f"buyer-us-{i + 1:05d}@demo.twoway",
            rng.choice(US_FIRST_NAMES),
            rng.choice(places.US_SURNAMES)[0],
        )
