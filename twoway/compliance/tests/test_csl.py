"""CSL file parsing and name normalization (no database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from twoway.compliance.csl import (
    CSL_COLUMNS,
    CslFileInvalid,
    CslProblem,
    countries_of,
    normalize_name,
    parse_csl,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "csl_sample.csv"
HEADER = ",".join(CSL_COLUMNS)


def row(**cells: str) -> str:
    values = {
        "_id": "T1",
        "source": "Entity List (EL) - Bureau of Industry and Security",
        "name": "X Co",
    }
    values.update(cells)
    return ",".join(values.get(c, "") for c in CSL_COLUMNS)


def problems(text: str) -> list[str]:
    with pytest.raises(CslFileInvalid) as caught:
        parse_csl(text)
    return [str(p) for p in caught.value.csl_problems]


def test_header_is_the_trade_gov_csv_header():
    assert HEADER == (
        "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,"
        "start_date,end_date,standard_order,license_requirement,license_policy,call_sign,"
        "vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,"
        "source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,"
        "source_information_url,ids"
    )
    assert SAMPLE.read_text(encoding="utf-8").splitlines()[0] == HEADER


def test_sample_has_fifteen_fictitious_entries():
    records = parse_csl(SAMPLE.read_text(encoding="utf-8"))

    assert len(records) == 15
    assert all(r.is_fictitious for r in records)
    first = records[0]
    assert first["name"] == "Northwind Dual-Use Trading Co., Ltd."
    assert first["source"] == "Entity List (EL) - Bureau of Industry and Security"
    assert first.start_date == date(2021, 6, 1)
    assert first.countries == ("CN",)
    assert first.match_names == (
        "NORTHWIND DUAL USE TRADING",
        "NORTHWIND DU TRADING",
        "北风两用贸易",
    )
    assert {r["source"].split(" - ")[0] for r in records} >= {
        "Entity List (EL)", "Denied Persons List (DPL)", "Specially Designated Nationals (SDN)",
    }  # fmt: skip


def test_bad_header_names_line_and_column():
    bad = HEADER.replace(",name,", ",entity_name,")
    assert problems(bad + "\n" + row() + "\n") == [
        "line 1, column name: missing column(s)",
        "line 1, column entity_name: unexpected column(s)",
    ]


def test_columns_out_of_order_are_refused():
    swapped = HEADER.replace("_id,source", "source,_id")
    assert problems(swapped + "\n") == [
        "line 1, column -: columns are not in the CSL order: " + HEADER
    ]


def test_bad_dates_empty_names_and_short_rows_name_line_and_column():
    text = "\n".join(
        [HEADER, row(start_date="2021-06-01"), row(_id="T2", start_date="2023-02-30"),
         row(_id="T3", end_date="10/15/2020"), row(_id="T4", name=""), "T5,too,short", ""]
    )  # fmt: skip
    assert problems(text) == [
        "line 3, column start_date: '2023-02-30' is not a date (YYYY-MM-DD)",
        "line 4, column end_date: '10/15/2020' is not a date (YYYY-MM-DD)",
        "line 5, column name: is empty",
        "line 6, column -: 3 cells, expected 29",
    ]


def test_duplicate_ids_are_refused():
    assert problems("\n".join([HEADER, row(), row(name="Y")])) == [
        "line 3, column _id: duplicate of line 2"
    ]


def test_bom_blank_lines_and_eof_mark_are_tolerated():
    records = parse_csl("\ufeff" + HEADER + "\r\n" + row() + "\r\n\r\n\x1a\r\n")
    assert [r["name"] for r in records] == ["X Co"]


def test_empty_file_and_header_only_are_refused():
    assert problems("") == ["line 1, column -: the file is empty"]
    assert problems(HEADER + "\n") == ["line 2, column -: the file has a header but no entries"]


def test_problem_str():
    assert str(CslProblem(7, "end_date", "bad")) == "line 7, column end_date: bad"


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("Northwind Dual-Use Trading Co., Ltd.", "NORTHWIND DUAL USE TRADING"),
        ("NORTHWIND DUAL USE TRADING CO LTD", "NORTHWIND DUAL USE TRADING"),
        ("Ｎｏｒｔｈｗｉｎｄ　Ｔｒａｄｉｎｇ", "NORTHWIND TRADING"),  # full-width forms
        ("Smith & Sons, Inc.", "SMITH AND SONS"),
        ("The Company Ltd", "THE COMPANY LTD"),  # nothing left once legal words go: keep all
        ("北风两用贸易有限公司", "北风两用贸易"),
    ],
)
def test_normalize_name(raw, normalized):
    assert normalize_name(raw) == normalized


def test_countries_from_addresses_and_nationalities():
    assert countries_of("1 Road, Shenzhen, CN; 2 Street, Kowloon, HK; 3 Way, Testville, 89000", "ve", "VE") == (
        "CN", "HK", "VE",
    )  # fmt: skip
