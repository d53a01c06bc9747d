"""SSDSE reader on small made-up files (hand-checked values) and on malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.errors import DataError
from loaders.ssdse import read_ssdse
from tests.conftest import FIXTURES


def value(t, item, region, year):
    v = t.values
    sel = v[(v["item"] == item) & (v["region_code"] == region) & (v["year"] == year)]["value"]
    return None if sel.empty else float(sel.iloc[0])


@pytest.mark.parametrize(("item", "region", "year", "expected"), [
    ("A1101", "00", 2020, 300.0),      # 全国 row R00000 → 00
    ("A1101", "13", 2020, 200.0),      # prefecture R13000 → 13
    ("C2108", "01", 2021, 10.0),       # each item keeps its own reference year (row 2)
    ("C210837", "13", 2021, 5.0),
    ("E6302", "01", 2020, 2.0),
    ("A1101", "13", 2021, None),       # no such year for that item
])
def test_ssdse_e_values(item, region, year, expected):
    t = read_ssdse(FIXTURES / "ssdse_e_small.csv")
    assert (t.dataset_id, t.kind, t.edition) == ("ssdse-e-2099", "E", "2099")
    assert value(t, item, region, year) == expected


def test_ssdse_e_items_and_regions():
    t = read_ssdse(FIXTURES / "ssdse_e_small.csv")
    assert list(t.items["code"]) == ["A1101", "C2108", "C210837", "E6302"]
    assert list(t.items["name_ja"])[1] == "事業所数（民営）"
    assert list(t.regions["region_code"]) == ["00", "01", "13"]
    assert len(t.values) == 12


@pytest.mark.parametrize(("item", "region", "year", "expected"), [
    ("A1101", "01", 2021, 100.0),
    ("A1101", "01", 2020, 101.0),
    ("E6302", "01", 2020, None),       # "-" is a missing marker: no row, not 0
    ("E6302", "13", 2020, 9.0),
])
def test_ssdse_b_years_come_from_rows(item, region, year, expected):
    t = read_ssdse(FIXTURES / "ssdse_b_small.csv")
    assert t.kind == "B"
    assert value(t, item, region, year) == expected


def test_ssdse_a_municipalities():
    t = read_ssdse(FIXTURES / "ssdse_a_small.csv")
    assert list(t.regions["region_code"]) == ["01100", "01202", "13101"]
    assert list(t.regions["name_ja"]) == ["札幌市", "函館市", "千代田区"]
    assert list(t.regions["prefecture_name"]) == ["北海道", "北海道", "東京都"]
    assert value(t, "C210837", "01202", 2021) == 0.0  # a true zero stays a zero


def _write(tmp_path: Path, text: str, encoding="cp932") -> Path:
    p = tmp_path / "bad.csv"
    p.write_bytes(text.encode(encoding))
    return p


GOOD_HEAD = "SSDSE-E-2099,Prefecture,A1101\r\n,年度,2020\r\n地域コード,都道府県,総人口\r\n"


@pytest.mark.parametrize(("text", "message"), [
    ("hello,Prefecture,A1101\r\n,年度,2020\r\n地域コード,都道府県,総人口\r\nR01000,北海道,1\r\n",
     "row 1: first cell should name the edition"),
    (GOOD_HEAD + "R01000,北海道,12a\r\n", "row 4, column 'A1101': expected a number, found '12a'"),
    (GOOD_HEAD + "X01000,北海道,1\r\n", "row 4, column '地域コード': expected a region code"),
    ("SSDSE-E-2099,Prefecture,A1101\r\n,年度,twenty\r\n地域コード,都道府県,総人口\r\nR01000,北海道,1\r\n",
     "row 2, column 'A1101': expected the item's reference year"),
    (GOOD_HEAD + "R01000,北海道,1\r\nR01000,北海道,2\r\n", "region 01 appears twice"),
])
def test_ssdse_malformed_files_name_the_problem(tmp_path, text, message):
    with pytest.raises(DataError) as err:
        read_ssdse(_write(tmp_path, text))
    assert message in str(err.value)
    assert "bad.csv" in str(err.value)


def test_ssdse_utf8_file_is_refused_with_encoding_message(tmp_path):
    # UTF-8 Japanese bytes are not valid cp932 here; the message says what encoding was expected.
    p = _write(tmp_path, GOOD_HEAD.replace("総人口", "総人口（男女計）ゔ") + "R01000,北海道,1\r\n", "utf-8")
    with pytest.raises(DataError, match="Shift_JIS"):
        read_ssdse(p)
