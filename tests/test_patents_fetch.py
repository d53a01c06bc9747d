"""`chiiki fetch patents`: both 特許行政年次報告書 tables through the e-Stat API, offline.

The responses are constructed in the getStatsData shape (made-up values): paged with NEXT_KEY, a
@unit on each value, NOTE markers, 全国, その他 and foreign areas, and years before 2013.
"""

from __future__ import annotations

import json
import urllib.parse

import duckdb
import pytest

from chiiki_cli import main
from loaders import estat_fetch as ef
from loaders import query, store
from loaders.errors import DataError

AREAS = [("00000", "全国"), ("01000", "北海道"), ("13000", "東京都"), ("27000", "大阪府"),
         ("49000", "その他"), ("50000", "外国")]


def doc(table_id: str, values: list[dict], *, next_key=None, cats=("cat01",)) -> dict:
    classes = [{"@id": "tab", "@name": "表章項目", "CLASS": {"@code": "100", "@name": "件数", "@unit": "件"}}]
    for c in cats:
        classes.append({"@id": c, "@name": c, "CLASS": [{"@code": "100", "@name": "特許"},
                                                       {"@code": "300", "@name": "商標"}]})
    classes.append({"@id": "area", "@name": "地域", "CLASS": [{"@code": a, "@name": n} for a, n in AREAS]})
    classes.append({"@id": "time", "@name": "時間軸（年）", "CLASS": [
        {"@code": f"{y}000000", "@name": f"{y}年"} for y in range(2012, 2025)]})
    info = {"TOTAL_NUMBER": 99, "FROM_NUMBER": 1, "TO_NUMBER": len(values)}
    if next_key:
        info["NEXT_KEY"] = next_key
    return {"GET_STATS_DATA": {
        "RESULT": {"STATUS": 0, "ERROR_MSG": "正常に終了しました。"},
        "PARAMETER": {"STATS_DATA_ID": table_id},
        "STATISTICAL_DATA": {
            "RESULT_INF": info, "TABLE_INF": {"@id": table_id},
            "CLASS_INF": {"CLASS_OBJ": classes},
            "DATA_INF": {"NOTE": [{"@char": "-", "$": "該当数値なし"}], "VALUE": values}}}}


def v(area: str, year: int, value: str, *, unit: str = "件", **cats) -> dict:
    rec = {"@tab": "100", **{f"@{k}": c for k, c in cats.items()}, "@area": area, "@time": f"{year}000000",
           "@unit": unit, "$": value}
    return rec


def applications(values_unit: str = "件"):
    c = dict(cat01="100", cat02="100")
    rows = [v("00000", 2013, "2000", unit=values_unit, **c), v("01000", 2013, "300", unit=values_unit, **c),
            v("13000", 2013, "1200", unit=values_unit, **c), v("27000", 2013, "-", unit=values_unit, **c),
            v("49000", 2013, "40", unit=values_unit, **c), v("50000", 2013, "60", unit=values_unit, **c),
            v("13000", 2012, "999", unit=values_unit, **c), v("13000", 2024, "1300", unit=values_unit, **c)]
    # Two pages: the API says where the next one starts.
    return [doc("0003398336", rows[:3], next_key=4, cats=("cat01", "cat02")),
            doc("0003398336", rows[3:], cats=("cat01", "cat02"))]


def registrations():
    rows = [v("00000", 2013, "1.5", unit="千件", cat01="100"), v("13000", 2013, "0.9", unit="千件", cat01="100"),
            v("01000", 2013, "0.1", unit="千件", cat01="100")]
    return [doc("0003398337", rows)]


def server(pages: dict[str, list[dict]]):
    urls = []

    def get(url):
        urls.append(url)
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        answers = pages[q["statsDataId"]]
        return json.loads(json.dumps(answers[int(q.get("startPosition", 1)) // 4 if "startPosition" in q else 0]))
    return get, urls


def user_rows():
    if not store.user_db_path().exists():
        return []
    con = duckdb.connect(str(store.user_db_path()), read_only=True)
    try:
        return sorted(con.execute("SELECT indicator_id, region_code, year, value FROM user_observations").fetchall())
    finally:
        con.close()


def test_fetch_patents_pages_units_markers_and_areas(user_dir):
    get, urls = server({"0003398336": applications(), "0003398337": registrations()})
    report = ef.fetch_patents(app_id="KEY", get=get)
    # The class filters go to the API, and the second page starts where NEXT_KEY says.
    assert "cdCat01=100" in urls[0] and "cdCat02=100" in urls[0] and "startPosition=4" in urls[1]
    assert user_rows() == [
        ("patent_applications", "00", 2013, 2000.0), ("patent_applications", "01", 2013, 300.0),
        ("patent_applications", "13", 2013, 1200.0), ("patent_applications", "13", 2024, 1300.0),
        ("patent_registrations", "00", 2013, 1500.0), ("patent_registrations", "01", 2013, 100.0),
        ("patent_registrations", "13", 2013, 900.0)]
    # Nothing dropped silently: the marker with its meaning, その他 and 外国, and the year before 2013.
    assert "missing ('-': 該当数値なし): rows 4" in report
    assert "その他 (49000) skipped: not a prefecture" in report and "外国 (50000) skipped" in report
    assert "1 values before 2013 left out" in report
    assert sorted(p.name for p in (user_dir / "downloads").iterdir()) == ["estat_0003398336.json",
                                                                         "estat_0003398337.json"]
    # Patents per 100 establishments follows from the applications (a derived catalog indicator).
    per100 = query.indicator_values(store.get_store().cursor(), "patents_per_100_estab", year=2013)
    assert set(per100["region_code"]) >= {"01", "13"}


def test_bad_unit_in_the_second_table_imports_neither(user_dir):
    regs = registrations()
    regs[0]["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"][1]["@unit"] = "人"
    get, _ = server({"0003398336": applications(), "0003398337": regs})
    with pytest.raises(DataError, match="unit '人' cannot be matched to the catalog's unit '件' for patent_reg"):
        ef.fetch_patents(app_id="KEY", get=get)
    assert user_rows() == []
    assert not (user_dir / "downloads").exists()


def test_a_page_that_repeats_its_key_is_refused():
    pages = applications()
    pages[1]["GET_STATS_DATA"]["STATISTICAL_DATA"]["RESULT_INF"]["NEXT_KEY"] = 4
    get, _ = server({"0003398336": pages, "0003398337": registrations()})
    with pytest.raises(DataError, match="same NEXT_KEY=4 twice"):
        ef.fetch_patents(app_id="KEY", get=get)
    assert user_rows() == []


def test_one_saved_page_is_refused_by_the_importer(tmp_path, capsys):
    # A user who saved page 1 by hand is told to fetch the whole table, not given a third of it.
    p = tmp_path / "page1.json"
    p.write_text(json.dumps(applications()[0], ensure_ascii=False), encoding="utf-8")
    assert main(["import", "estat", str(p), "--indicator", "patent_applications",
                 "--mapping", '{"filters": {"cat01": "100", "cat02": "100"}}']) == 2
    assert "page 1 of a table with more rows (99 values in all): NEXT_KEY=4" in capsys.readouterr().err


def test_cli_needs_an_app_id(monkeypatch, capsys):
    monkeypatch.delenv("ESTAT_APP_ID", raising=False)
    assert main(["fetch", "patents"]) == 2
    assert "set ESTAT_APP_ID" in capsys.readouterr().err


def test_cli_fetch_patents(monkeypatch, capsys):
    get, _ = server({"0003398336": applications(), "0003398337": registrations()})
    monkeypatch.setenv("ESTAT_APP_ID", "KEY")
    monkeypatch.setattr(ef, "_get", get)
    assert main(["fetch", "patents"]) == 0
    err = capsys.readouterr().err
    assert "imported 4 values of patent_applications" in err and "imported 3 values of patent_registrations" in err


def test_a_saved_download_imports_without_a_mapping(user_dir):
    # The catalog knows both tables, so the kept downloads (or a user's own) need no --mapping.
    from loaders.importers import parse_file

    get, _ = server({"0003398336": applications(), "0003398337": registrations()})
    ef.fetch_patents(app_id="KEY", get=get)
    rows = parse_file("estat", user_dir / "downloads" / "estat_0003398336.json")
    assert set(rows["indicator_id"]) == {"patent_applications"} and len(rows) == 4
