"""GNT lists in the forms METI and its bureaus publish them (made-up firms): addresses, editions, repeats."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from loaders.errors import DataError
from loaders.importers import parse_file
from loaders.importers.gnt import firm_key


def values(df):
    return {(r.region_code, r.year): r.value for r in df.itertuples()}


def published_workbook(path: Path) -> Path:
    """The 2020 list as a bureau would post it: title rows, a numbered table by sector, notes below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "選定企業一覧"
    ws["A1"] = "グローバルニッチトップ企業100選（2020年版）選定企業一覧"
    ws["A2"] = "経済産業省"
    ws.append([])
    ws.append(["No.", "部門", "企業名", "所在地", "GNT製品"])
    ws.append(["【機械・加工部門】"])
    ws.append([1, "機械・加工", "株式会社架空精機", "東京都大田区南蒲田9-9-9", "精密ねじ"])
    ws.append([2, "機械・加工", "架空精機㈱", "東京都大田区南蒲田9-9-9", "小型歯車"])   # same firm, second product
    ws.append([3, "機械・加工", "架空プレス工業株式会社", "大阪府東大阪市高井田1-1", "金型"])
    ws.append([4, "素材・化学", "有限会社 架空光学", "浜松市中区1-2-3", "光学フィルム"])  # no prefecture, unique city
    ws.append([5, "電気・電子", "架空電子株式会社", "上川郡東川町1", "センサー"])        # 郡 in front of a town
    ws.append([])
    ws.append(["※所在地は選定時点のもの"])
    wb.save(path)
    return path


def test_published_workbook_counts_firms_once_per_edition(tmp_path):
    df = parse_file("gnt", published_workbook(tmp_path / "gnt_2020.xlsx"))
    v = values(df)
    assert v[("13", 2020)] == 1.0          # 架空精機 listed for two products is one firm
    assert v[("27", 2020)] == 1.0
    assert v[("22", 2020)] == 1.0          # 浜松市 is in 静岡県 only
    assert v[("01", 2020)] == 1.0          # 東川町 is in 北海道 only
    assert v[("00", 2020)] == 4.0
    assert v[("47", 2020)] == 0.0
    assert set(df["year"]) == {2020} and len(df) == 48


def test_both_editions_with_era_years_and_product_rows(tmp_path):
    p = tmp_path / "gnt.csv"
    p.write_text("企業名,本社所在地,選定年,製品名\n"
                 "架空化学株式会社,神奈川県川崎市川崎区1,2014年版,樹脂A\n"
                 "架空化学株式会社,神奈川県川崎市川崎区1,令和2年,樹脂A\n"     # both editions: once in each
                 "架空化学(株),神奈川県川崎市川崎区1,2020年版,樹脂B\n"          # 2020 again, another product
                 "架空機械,京都府京都市下京区1,2020,装置\n"
                 "Example Works,Tokyo,2014,valves\n", encoding="utf-8")
    v = values(parse_file("gnt", p))
    assert v[("14", 2014)] == 1.0 and v[("14", 2020)] == 1.0
    assert v[("26", 2020)] == 1.0 and v[("13", 2020)] == 0.0   # 京都府 is not read as 東京都
    assert v[("13", 2014)] == 1.0
    assert v[("00", 2014)] == 2.0 and v[("00", 2020)] == 2.0


@pytest.mark.parametrize(("location", "message"), [
    ("府中市宮西町1", "府中市 exists in more than one prefecture"),
    ("中央区日本橋1", "ward names repeat across cities"),
    ("架空市1-1", "cannot place"),
])
def test_addresses_that_cannot_be_placed_are_refused_with_the_row(tmp_path, location, message):
    p = tmp_path / "g.csv"
    p.write_text(f"firm,address,edition\nA社,東京都港区1,2020\nB社,{location},2020\n", encoding="utf-8")
    with pytest.raises(DataError, match=f"row 3, column 'address': .*{message}"):
        parse_file("gnt", p)


def test_same_firm_at_two_prefectures_in_one_edition_is_refused(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("firm,prefecture,edition,product\n株式会社A,東京都,2020,x\nA㈱,大阪府,2020,y\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"rows 2 and 3 .*'y'.*one head office"):
        parse_file("gnt", p)


def test_edition_missing_everywhere_is_refused(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("firm,prefecture\nA社,東京都\n", encoding="utf-8")
    with pytest.raises(DataError, match="no edition"):
        parse_file("gnt", p)


def test_firm_key_ignores_legal_form_and_width():
    assert firm_key("株式会社　架空ＡＢＣ") == firm_key("架空ABC(株)") == firm_key("架空ABC")
    assert firm_key("Example Works Co., Ltd.") == firm_key("Example Works")
    assert firm_key("架空A") != firm_key("架空B")
