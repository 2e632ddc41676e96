"""US makers in four states (with capital coordinates), their products and a Chinese import."""

from __future__ import annotations

from decimal import Decimal

import pytest

from twoway.businesses.tests.factories import CnBusinessFactory, UsBusinessFactory, us_state
from twoway.catalog.models import Currency
from twoway.catalog.tests.factories import CnImportProductFactory, UsExportProductFactory

CAPITALS = {
    "IA": (Decimal("41.5868"), Decimal("-93.6250")),
    "IL": (Decimal("39.7817"), Decimal("-89.6501")),
    "NY": (Decimal("42.6526"), Decimal("-73.7562")),
    "CA": (Decimal("38.5816"), Decimal("-121.4944")),
}


@pytest.fixture
def states(db):
    out = {}
    for code, (lat, lon) in CAPITALS.items():
        state = us_state(code)
        state.latitude, state.longitude = lat, lon
        state.save()
        out[code] = state
    return out


@pytest.fixture
def maker(states):
    def make(state="IA", attested=True, **extra):
        fields = {"us_state": states[state], "made_in_usa_attested": attested}
        if attested:
            fields["made_in_usa_statement"] = "Cut and sewn in our workshop from US cotton."
        fields.update(extra)
        return UsBusinessFactory(**fields)

    return make


@pytest.fixture
def us_product(maker):
    def make(business=None, *, title_en, title_zh="", hs="620520", price="30.00", **extra):
        fields = {
            "business": business or maker(), "title_en": title_en, "title_zh": title_zh,
            "hs_code": hs, "cn_tariff_line": hs + "00", "unit_price": Decimal(price),
            "market_us_domestic": True,
        }  # fmt: skip
        fields.update(extra)
        return UsExportProductFactory(**fields)

    return make


@pytest.fixture
def cotton_shirt_import(db):
    return CnImportProductFactory(
        business=CnBusinessFactory(),
        title_en="Men's cotton shirt, long sleeve",
        title_zh="男士纯棉长袖衬衫",
        hs_code="620520",
        us_hts_line="6205202016",
        unit_price=Decimal("30.00"),
        currency=Currency.USD,
    )
