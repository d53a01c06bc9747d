"""雇用保険 opening and closing rates from the official workbooks, as published, online and by hand.

The workbooks are built here in the published layout of innovation-routes.md (sheet names, header
cells, row positions); the prefecture counts are made up, the national counts are the published ones,
so the national rates must come out as published (3.9/3.3, 3.9/3.9, 3.8/3.7).
"""

from __future__ import annotations

import hashlib
import io

import duckdb
import openpyxl
import pytest

from chiiki_cli import main
from loaders import estat_fetch as ef
from loaders import query, store
from loaders.errors import DataError
from loaders.importers.koyo import PREFECTURES, import_workbooks, read_workbooks

# 年報/月報 全国計 as published (innovation-routes.md): FY → openings, closures, covered at the previous March end.
NATIONAL = {2022: (91_397, 76_646, 2_354_920), 2023: (92_601, 92_718, 2_372_421), 2024: (89_215, 89_069, 2_375_575)}
PUBLISHED_RATES = {2022: (3.9, 3.3), 2023: (3.9, 3.9), 2024: (3.8, 3.7)}
FULL = {"東京": "東京都", "京都": "京都府", "大阪": "大阪府", "北海道": "北海道"}


def split(total: int, seed: int) -> list[int]:
    """47 made-up prefecture counts that sum exactly to ``total``."""
    weights = [((i * 7 + seed) % 13) + 1 + (40 if i == 12 else 0) for i in range(47)]
    parts = [total * w // sum(weights) for w in weights]
    parts[12] += total - sum(parts)
    return parts


def annual_book(fy: int, *, new=None, closed=None, era: bool = False, unit: str = "所", **cells) -> bytes:
    new = new or split(NATIONAL[fy][0], fy)
    closed = closed or split(NATIONAL[fy][1], fy + 1)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "第25表（１）"
    ws["A1"] = "第25表（１）"
    ws["A2"] = "都道府県労働局別適用状況〔事業所関係〕"
    ws["D3"] = f"令和{fy - 2018}年度" if era else f"{fy}年度"
    ws["A4"], ws["D4"] = "労働局", "適用事業所数"
    ws["B4"], ws["C4"] = "保険関係新規成立事業所数", "保険関係消滅事業所数"
    ws["B6"], ws["C6"], ws["D6"] = unit, unit, "所"
    ws["A7"], ws["B7"], ws["C7"], ws["D7"] = "全国計", sum(new), sum(closed), 2_400_000
    for i, name in enumerate(PREFECTURES):
        # Column D, 年度月平均, is deliberately large: it must never be read as the denominator.
        ws.cell(8 + i, 1, name), ws.cell(8 + i, 2, new[i]), ws.cell(8 + i, 3, closed[i]), ws.cell(8 + i, 4, 99_999)
    for ref, value in cells.items():
        ws[ref] = value
    notes = wb.create_sheet("第25表（１）注釈")
    notes["A1"] = "［注］１）年度月平均である。"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def march_book(fy: int, *, covered=None, month: int = 3, **cells) -> bytes:
    covered = covered or split(NATIONAL[fy][2], fy + 2)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "第1表"
    ws["A1"] = "第1表　適用状況"
    ws["D3"] = f"-令和{fy - 2018}年{month}月-"
    ws["D4"], ws["D5"] = "月末適用事業所数", "所"
    ws["A6"], ws["D6"] = "全国計", sum(covered)
    for i, name in enumerate(PREFECTURES):
        ws.cell(7 + i, 1, FULL.get(name, name if name in FULL else f"{name}県")), ws.cell(7 + i, 4, covered[i])
    for ref, value in cells.items():
        ws[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def user_rows() -> list[tuple]:
    if not store.user_db_path().exists():
        return []
    con = duckdb.connect(str(store.user_db_path()), read_only=True)
    try:
        return con.execute("SELECT indicator_id, region_code, year, value FROM user_observations").fetchall()
    finally:
        con.close()


def rate(indicator: str, year: int) -> dict[str, float]:
    cur = store.get_store().cursor()
    return query.indicator_values(cur, indicator, year=year).set_index("region_code")["value"].to_dict()


def test_read_as_published_and_prefectures_sum_to_the_nation(tmp_path):
    wide = read_workbooks([write(tmp_path, "m.xlsx", march_book(2022)), write(tmp_path, "a.xlsx", annual_book(2022))])
    assert len(wide) == 48 and set(wide["year"]) == {2022}
    nation = wide.set_index("region_code").loc["00"]
    assert (nation.new_establishments, nation.closed_establishments, nation.covered_establishments_prev) == \
        NATIONAL[2022]
    tokyo = wide.set_index("region_code").loc["13"]
    assert tokyo.new_establishments == split(NATIONAL[2022][0], 2022)[12]
    assert tokyo.covered_establishments_prev == split(NATIONAL[2022][2], 2024)[12]   # column D of 第1表, not 年報 D


def test_national_counts_reproduce_the_published_rates(tmp_path):
    files = [write(tmp_path, f"a{fy}.xlsx", annual_book(fy, era=fy == 2023)) for fy in NATIONAL]
    files += [write(tmp_path, f"m{fy}.xlsx", march_book(fy)) for fy in NATIONAL]
    report = import_workbooks(files)
    assert "FY2022 開業率 3.9% 廃業率 3.3%" in report
    for fy, (opening, closing) in PUBLISHED_RATES.items():
        assert round(rate("opening_rate", fy)["00"], 1) == opening
        assert round(rate("closing_rate", fy)["00"], 1) == closing
        assert rate("opening_rate", fy)["00"] == pytest.approx(NATIONAL[fy][0] / NATIONAL[fy][2] * 100)
    # The import log names both kinds of workbook with their digests.
    con = duckdb.connect(str(store.user_db_path()), read_only=True)
    note = con.execute("SELECT source_note FROM imports").fetchone()[0]
    con.close()
    assert f"a2022.xlsx sha256 {hashlib.sha256(files[0].read_bytes()).hexdigest()}" in note


def _bad(tmp_path, annual=None, march=None):
    files = [write(tmp_path, "annual.xlsx", annual or annual_book(2022)),
             write(tmp_path, "march.xlsx", march or march_book(2022))]
    with pytest.raises(DataError) as err:
        import_workbooks(files)
    assert user_rows() == []
    return str(err.value)


@pytest.mark.parametrize(("annual", "march", "message"), [
    (dict(B8=1), None, "but 全国計 is 91,397"),                         # 北海道 altered: Σ47 ≠ 全国計
    (dict(A9="岩手"), None, "row 9 should be 青森"),                     # rows out of JIS order
    (dict(C4="適用事業所数"), None, "cell C4 should hold 消滅"),
    (dict(D3="令和四年度"), None, "cell D3 should name the fiscal year"),
    (dict(B20="x"), None, "holds the marker 'x'"),
    (dict(unit="人"), None, "unit '人' in cell B6 is not a count of establishments"),
    (None, dict(month=4), "month 4"),
    (None, dict(D4="年度月平均"), "cell D4 should hold 月末適用事業所数"),
])
def test_layout_problems_are_named_and_nothing_is_written(tmp_path, annual, march, message):
    a = dict(annual or {})
    m = dict(march or {})
    unit = a.pop("unit", "所")
    month = m.pop("month", 3)
    text = _bad(tmp_path, annual_book(2022, unit=unit, **a), march_book(2022, month=month, **m))
    assert message in text


def test_thousands_unit_is_scaled(tmp_path):
    new = [1] * 47
    closed = [1] * 47
    files = [write(tmp_path, "a.xlsx", annual_book(2022, new=new, closed=closed, unit="千所")),
             write(tmp_path, "m.xlsx", march_book(2022))]
    wide = read_workbooks(files).set_index("region_code")
    assert wide.loc["00", "new_establishments"] == 47_000


def test_pairs_must_match(tmp_path):
    files = [write(tmp_path, "a.xlsx", annual_book(2023)), write(tmp_path, "m.xlsx", march_book(2022))]
    with pytest.raises(DataError, match=r"FY2023 needs the 月報 第1表 of March 2023 \(令和5年3月\)"):
        read_workbooks(files)


def test_cli_import_koyo_two_workbooks(tmp_path, capsys):
    a = write(tmp_path, "a.xlsx", annual_book(2024))
    m = write(tmp_path, "m.xlsx", march_book(2024))
    assert main(["import", "koyo", str(a), str(m)]) == 0
    assert "FY2024 開業率 3.8% 廃業率 3.7%" in capsys.readouterr().err
    assert main(["import", "koyo", str(a)]) == 2
    assert "needs the 月報 第1表 of March 2024" in capsys.readouterr().err
    assert main(["import", "tidy", str(a), str(m)]) == 2
    assert "takes one file" in capsys.readouterr().err


def _server(books: dict[str, bytes]):
    urls = []

    def get(url):
        urls.append(url)
        stat_id = url.split("statInfId=")[1].split("&")[0]
        return books[stat_id]
    return get, urls


def _recorded(monkeypatch, books_by_fy):
    """Point the recorded ids and digests at the test's workbooks (the real digests are of the real files)."""
    files, books = {}, {}
    for fy, (annual, march) in books_by_fy.items():
        a_id, m_id = f"9{fy}01", f"9{fy}02"
        files[fy] = ((a_id, hashlib.sha256(annual).hexdigest()), (m_id, hashlib.sha256(march).hexdigest()))
        books[a_id], books[m_id] = annual, march
    monkeypatch.setattr(ef, "KOYO_FILES", files)
    return books


def test_fetch_koyo_downloads_verifies_and_imports(monkeypatch, user_dir):
    books = _recorded(monkeypatch, {fy: (annual_book(fy), march_book(fy)) for fy in NATIONAL})
    get, urls = _server(books)
    report = ef.fetch_koyo([2022, 2023], get=get)
    assert urls[0] == "https://www.e-stat.go.jp/stat-search/file-download?statInfId=9202201&fileKind=0"
    assert len(urls) == 4 and "FY2023 開業率 3.9% 廃業率 3.9%" in report
    assert round(rate("opening_rate", 2023)["00"], 1) == 3.9
    kept = sorted(p.name for p in (user_dir / "downloads").iterdir())
    assert kept == ["koyo_FY2022-2023.csv", "koyo_FY2022_geppo1_9202202.xlsx", "koyo_FY2022_nenpo25-1_9202201.xlsx",
                    "koyo_FY2023_geppo1_9202302.xlsx", "koyo_FY2023_nenpo25-1_9202301.xlsx"]


def test_fetch_koyo_refuses_a_changed_file(monkeypatch, user_dir):
    books = _recorded(monkeypatch, {2022: (annual_book(2022), march_book(2022))})
    books["9202202"] = march_book(2022, D10=1)   # replaced on e-Stat since the digest was recorded
    get, _ = _server(books)
    with pytest.raises(DataError, match=r"has sha256 .* not the recorded"):
        ef.fetch_koyo([2022], get=get)
    assert user_rows() == []
    assert not (user_dir / "downloads").exists()
    assert [p.name for p in user_dir.iterdir() if p.name.startswith(".fetch")] == []


def test_fetch_koyo_second_year_bad_imports_nothing(monkeypatch):
    books = _recorded(monkeypatch, {2022: (annual_book(2022), march_book(2022)),
                                    2023: (annual_book(2023, B30=5), march_book(2023))})
    get, _ = _server(books)
    with pytest.raises(DataError, match="sum to"):
        ef.fetch_koyo([2022, 2023], get=get)
    assert user_rows() == []


def test_network_error_is_named(monkeypatch):
    _recorded(monkeypatch, {2022: (annual_book(2022), march_book(2022))})

    def down(url):
        raise OSError("Name or service not known")
    with pytest.raises(DataError, match=r"could not download e-Stat file 9202201 .*Name or service not known"):
        ef.fetch_koyo([2022], get=down)


def test_fiscal_year_option():
    assert ef.parse_fiscal_years("2022-2024") == [2022, 2023, 2024]
    assert ef.parse_fiscal_years("2024") == [2024]
    assert ef.parse_fiscal_years(None) == [2022, 2023, 2024]
    with pytest.raises(DataError, match="no recorded e-Stat files for FY2019"):
        ef.parse_fiscal_years("2019")
    with pytest.raises(DataError, match="--fy must be"):
        ef.parse_fiscal_years("last")


def test_recorded_routes_are_the_published_ones():
    # The ids and digests of innovation-routes.md, so a typo cannot send the fetch to another file.
    assert ef.KOYO_FILES[2022][0][0] == "000040256811" and ef.KOYO_FILES[2022][1][0] == "000032193604"
    assert ef.KOYO_FILES[2024][0][1].startswith("8b58e73b") and ef.KOYO_FILES[2023][1][1].startswith("a0d36161")


def test_cli_fetch_koyo(monkeypatch, capsys):
    books = _recorded(monkeypatch, {2024: (annual_book(2024), march_book(2024))})
    get, urls = _server(books)
    monkeypatch.setattr(ef, "_get_bytes", get)
    assert main(["fetch", "koyo", "--fy", "2024"]) == 0
    assert "FY2024 開業率 3.8% 廃業率 3.7%" in capsys.readouterr().err and len(urls) == 2
    assert main(["fetch", "koyo", "--fy", "2030"]) == 2
    assert "no recorded e-Stat files for FY2030" in capsys.readouterr().err


def test_one_official_workbook_uploaded_alone_says_what_else_is_needed(tmp_path):
    # The web upload takes one file; the official workbook is recognised rather than misread as a table.
    from loaders.importers import parse_file

    with pytest.raises(DataError, match="the rates need the previous March 月報 第1表 too: `chiiki import koyo ANNUAL"):
        parse_file("koyo", write(tmp_path, "a.xlsx", annual_book(2022)))
