"""e-Stat web downloads (統計表表示 → ダウンロード, with codes) import as downloaded, CSV or Excel.

The files are written in the download's layout: a header block (統計名, 表題, 統計表ID, notes on
markers), the table with 「… コード」/name column pairs, unit, value and annotation, and notes under
it. Values are made up.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from chiiki_cli import main
from loaders.errors import DataError
from loaders.importers import parse_file, run_import
from loaders.importers.common import era_year

HEAD = [["統計名：", "特許行政年次報告書"], ["表題：", "特許登録件数（日本人・筆頭出願人住所別）"],
        ["統計表ID：", "0003398337"], ["※「***」は該当数値なし、「x」は秘匿"], []]
COLUMNS = ["表章項目 コード", "表章項目", "種類 コード", "種類", "地域 コード", "地域", "時間軸（年） コード",
           "時間軸（年）", "unit", "value", "annotation"]


def row(area, name, year, value, *, unit="件", annotation="", kind="100", time_code=None, time_name=None):
    return ["100", "件数", kind, "特許" if kind == "100" else "商標", area, name,
            time_code or f"{year}000000", time_name or f"{year}年", unit, value, annotation]


ROWS = [row("00000", "全国", 2022, "1,500"), row("13000", "東京都", 2022, "900"),
        row("13100", "特別区部", 2022, "850"), row("01000", "北海道", 2022, "", annotation="***"),
        row("27000", "大阪府", 2022, "x"), row("27000", "大阪府", 2022, "400", kind="300")]
TAIL = [[], ["注）特別区部は東京都の内数。"]]


def csv_file(tmp_path, rows=ROWS, *, head=HEAD, columns=COLUMNS, name="download.csv", encoding="cp932"):
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for line in [*head, columns, *rows, *TAIL]:
        w.writerow(line)
    p = tmp_path / name
    p.write_bytes(buf.getvalue().encode(encoding))
    return p


def xlsx_file(tmp_path, rows=ROWS):
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in [*HEAD, COLUMNS, *rows, *TAIL]:
        # Excel downloads keep codes as text but values as numbers.
        ws.append([float(c.replace(",", "")) if i == 9 and c.replace(",", "").isdigit() else c
                   for i, c in enumerate(line)])
    p = tmp_path / "download.xlsx"
    wb.save(p)
    return p


def values(df):
    return {(r.region_code, r.year): r.value for r in df.itertuples()}


@pytest.mark.parametrize("make", [csv_file, xlsx_file])
def test_download_imports_as_downloaded(tmp_path, make):
    # The table id in the header block finds the catalog's mapping (0003398337 → patent_registrations, 特許).
    df = parse_file("estat", make(tmp_path))
    assert values(df) == {("00", 2022): 1500.0, ("13", 2022): 900.0}
    assert set(df["indicator_id"]) == {"patent_registrations"}


def test_the_report_says_what_was_left_out_and_why(tmp_path):
    report = run_import("estat", csv_file(tmp_path))
    assert "imported 2 values of patent_registrations" in report
    assert "1 value 特別区部 (13100) skipped" in report
    assert "1 value 特別区部 (13100) skipped: the 23 wards as one area are not a region here (東京都 is 13): rows 9" \
        in report
    assert "missing ('***': 該当数値なし): rows 10" in report
    assert "missing ('x': 秘匿): rows 11" in report


def test_era_years_in_the_time_names(tmp_path):
    rows = [row("13000", "東京都", 0, "5", time_code="1", time_name="令和4年度"),
            row("13000", "東京都", 0, "4", time_code="2", time_name="平成30年")]
    assert values(parse_file("estat", csv_file(tmp_path, rows))) == {("13", 2022): 5.0, ("13", 2018): 4.0}
    assert (era_year("令和元年"), era_year("令和 ４ 年度"), era_year("H30")) == (2019, 2022, 2018)
    assert era_year("北海道") is None


def test_units_are_converted_or_refused_with_the_reason(tmp_path):
    rows = [row("13000", "東京都", 2022, "1.2", unit="千件")]
    assert values(parse_file("estat", csv_file(tmp_path, rows))) == {("13", 2022): 1200.0}
    rows = [row("13000", "東京都", 2022, "12", unit="人")]
    with pytest.raises(DataError, match=r"row 7, column 'unit': unit '人' cannot be matched to the catalog's unit"):
        parse_file("estat", csv_file(tmp_path, rows, name="b.csv"))


def test_unknown_area_is_still_fatal(tmp_path):
    rows = [row("99999", "どこか", 2022, "1")]
    with pytest.raises(DataError, match="row 7, column 'area': unknown region '99999'"):
        parse_file("estat", csv_file(tmp_path, rows))


def test_download_without_codes_is_refused_with_the_option_to_set(tmp_path):
    columns = ["表章項目", "種類", "地域", "時間軸（年）", "unit", "value"]
    rows = [["件数", "特許", "東京都", "2022年", "件", "5"]]
    with pytest.raises(DataError, match="コードの出力「出力する」"):
        parse_file("estat", csv_file(tmp_path, rows, columns=columns))


def test_without_a_table_id_the_cli_takes_indicator_and_filters(tmp_path, capsys):
    p = csv_file(tmp_path, head=[["統計名：", "特許行政年次報告書"]])
    assert main(["import", "estat", str(p)]) == 2
    assert "no mapping known for e-Stat table (unknown id)" in capsys.readouterr().err
    assert main(["import", "estat", str(p), "--indicator", "patent_registrations",
                 "--mapping", '{"filters": {"cat01": "100"}}']) == 0
    assert "特別区部 (13100) skipped" in capsys.readouterr().err
