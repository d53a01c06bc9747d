"""Importers: good files load, bad files fail with file/row/column, and nothing is half-written."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from loaders import query, store
from loaders.errors import DataError
from loaders.importers import parse_file, run_import
from tests.conftest import FIXTURES


def by_key(df):
    return {(r.indicator_id, r.region_code, r.year): r.value for r in df.itertuples()}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def user_rows() -> list[tuple]:
    con = duckdb.connect(str(store.user_db_path()), read_only=True)
    try:
        return sorted(con.execute("SELECT indicator_id, region_code, year, value FROM user_observations")
                      .fetchall())
    finally:
        con.close()


def data_hashes() -> dict[str, str]:
    d = store.data_dir()
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.glob("*.parquet"))}


# --- tidy -----------------------------------------------------------------------------------------

TIDY_HEADER = "region,indicator_id,year,value,unit,source\n"


@pytest.mark.parametrize(("row", "expected"), [
    ("東京都,vc_investment,2022,1500,百万円,x", ("vc_investment", "13", 2022, 1500.0)),
    ("東京,vc_investment,2022,1500,,x", ("vc_investment", "13", 2022, 1500.0)),
    ("Tokyo,vc_investment,2022,\"1,500\",,x", ("vc_investment", "13", 2022, 1500.0)),
    ("13,rd_firm_share,2021年,12.5,%,x", ("rd_firm_share", "13", 2021, 12.5)),
    ("R13000,rd_firm_share,２０２１,12.5,,x", ("rd_firm_share", "13", 2021, 12.5)),
    ("130001,rd_firm_share,2021,1,,x", ("rd_firm_share", "13", 2021, 1.0)),
    ("全国,vc_investment,2022,9,,x", ("vc_investment", "00", 2022, 9.0)),
    ("01100,vc_investment,2022,9,,x", ("vc_investment", "01100", 2022, 9.0)),
])
def test_tidy_rows(tmp_path, row, expected):
    df = parse_file("tidy", write(tmp_path, "t.csv", TIDY_HEADER + row + "\n"))
    assert by_key(df) == {expected[:3]: expected[3]}


@pytest.mark.parametrize(("body", "message"), [
    ("東亰都,vc_investment,2022,1,,x",
     "t.csv, row 2, column 'region': unknown region '東亰都'; did you mean '東京都'?"),
    ("Tokio,vc_investment,2022,1,,x", "row 2, column 'region': unknown region 'Tokio'; did you mean 'tokyo'?"),
    ("東京都,vc_invest,2022,1,,x", "row 2, column 'indicator_id': unknown indicator 'vc_invest'; did you mean"),
    ("東京都,opening_rate,2022,1,,x", "row 2, column 'indicator_id': opening_rate is computed from other "
                                   "indicators (new_establishments ÷ covered_establishments_prev)"),
    ("東京都,lq_value_added,2021,1,,x", "lq_value_added is a location quotient"),
    ("東京都,vc_investment,20x2,1,,x", "row 2, column 'year': expected a year"),
    ("東京都,vc_investment,2022,abc,,x", "row 2, column 'value': expected a number, found 'abc'"),
    ("東京都,vc_investment,2022,inf,,x", "expected a finite number"),
    ("東京都,vc_investment,2022,1,円,x", "row 2, column 'unit': unit '円' differs from the catalog's '百万円'"),
    ("東京都,vc_investment,2022,1,,x\n東京都,vc_investment,2022,2,,x", "row 3: duplicate rows"),
    ("99,vc_investment,2022,1,,x", "unknown region '99'"),
])
def test_tidy_bad_rows(tmp_path, body, message):
    with pytest.raises(DataError) as err:
        parse_file("tidy", write(tmp_path, "t.csv", TIDY_HEADER + body + "\n"))
    assert message in str(err.value)


@pytest.mark.parametrize(("text", "message"), [
    ("region,year,value\n東京都,2022,1\n", "missing column for indicator id"),
    (TIDY_HEADER, "no data rows under the header"),
    ("", "file is empty"),
])
def test_tidy_bad_shapes(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        parse_file("tidy", write(tmp_path, "t.csv", text))


def test_tidy_shift_jis_and_excel(tmp_path):
    sjis = write(tmp_path, "s.csv", TIDY_HEADER + "大阪府,vc_investment,2022,7,,x\n", "cp932")
    assert by_key(parse_file("tidy", sjis)) == {("vc_investment", "27", 2022): 7.0}
    import pandas as pd

    x = tmp_path / "t.xlsx"
    pd.DataFrame({"region": ["大阪府"], "indicator_id": ["vc_investment"], "year": [2022], "value": [7]}).to_excel(
        x, index=False)
    assert by_key(parse_file("tidy", x)) == {("vc_investment", "27", 2022): 7.0}


def test_binary_garbage_is_a_clear_error(tmp_path):
    p = tmp_path / "g.csv"
    p.write_bytes(bytes(range(128, 256)) * 4)
    with pytest.raises(DataError, match=r"g\.csv"):
        parse_file("tidy", p)


# --- GNT, koyo, e-Stat --------------------------------------------------------------------------------

def test_gnt_counts_per_prefecture_with_zeros():
    df = parse_file("gnt", FIXTURES / "gnt_small.csv")
    v = by_key(df)
    assert v[("gnt_firms", "13", 2020)] == 2.0      # 東京都 and 東京 are the same prefecture
    assert v[("gnt_firms", "01", 2020)] == 1.0
    assert v[("gnt_firms", "27", 2014)] == 1.0
    assert v[("gnt_firms", "47", 2020)] == 0.0      # the list is complete: absent means zero
    assert v[("gnt_firms", "00", 2020)] == 3.0
    assert len(df) == 2 * 48


def test_gnt_duplicate_firm_in_an_edition(tmp_path):
    p = write(tmp_path, "g.csv", "firm,prefecture,edition\nA社,東京都,2020\nA社,大阪府,2020\n")
    with pytest.raises(DataError, match="row 3: duplicate rows for the same firm, year"):
        parse_file("gnt", p)


def test_koyo_three_series():
    v = by_key(parse_file("koyo", FIXTURES / "koyo_small.csv"))
    assert v[("new_establishments", "13", 2022)] == 900.0       # 東京都労働局 → 東京都
    assert v[("closed_establishments", "01", 2022)] == 80.0
    assert v[("covered_establishments_prev", "00", 2022)] == 32000.0


@pytest.mark.parametrize(("row", "message"), [
    ("北海道,2022,-5,1,10", "a count cannot be negative"),
    ("北海道,2022,5,1,0", "the prior year-end base is 0"),
    ("札幌市,2022,5,1,10", "unknown region '札幌市'"),
])
def test_koyo_bad_rows(tmp_path, row, message):
    p = write(tmp_path, "k.csv", "都道府県,年度,新規成立,廃止,前年度末適用事業所数\n" + row + "\n")
    with pytest.raises(DataError, match=message):
        parse_file("koyo", p)


def test_estat_json_with_catalog_mapping():
    v = by_key(parse_file("estat", FIXTURES / "estat_getstatsdata.json"))
    assert v == {("patent_registrations", "00", 2020): 110.0, ("patent_registrations", "01", 2020): 10.0,
                 ("patent_registrations", "13", 2020): 100.0, ("patent_registrations", "00", 2021): 121.0,
                 ("patent_registrations", "13", 2021): 120.0}  # "***" (in NOTE) is missing, not 0


def test_estat_json_user_mapping_and_free_dimension():
    v = by_key(parse_file("estat", FIXTURES / "estat_getstatsdata.json", indicator="patent_applications",
                          mapping={"filters": {"cat01": "300"}}))
    assert v == {("patent_applications", "00", 2020): 900.0, ("patent_applications", "01", 2020): 50.0,
                 ("patent_applications", "13", 2020): 850.0}
    with pytest.raises(DataError, match="add filters for cat01"):
        parse_file("estat", FIXTURES / "estat_getstatsdata.json", mapping={"indicator": "patent_applications",
                                                                           "filters": {}})


def test_estat_api_csv():
    v = by_key(parse_file("estat", FIXTURES / "estat_simple.csv"))
    assert v == {("patent_registrations", "01", 2021): 12.0, ("patent_registrations", "13", 2021): 1234.0}


@pytest.mark.parametrize(("text", "message"), [
    ('{"foo": 1}', "no GET_STATS_DATA object"),
    ('{"GET_STATS_DATA": {"RESULT": {"STATUS": 100, "ERROR_MSG": "認証に失敗しました"}}}', "STATUS 100"),
    ("{not json", "not valid JSON"),
    ("a,b\n1,2\n", "no header row with *_code columns"),
])
def test_estat_bad_files(tmp_path, text, message):
    with pytest.raises(DataError, match=message.replace("*", r"\*")):
        parse_file("estat", write(tmp_path, "e.json", text), indicator="patent_applications")


def test_estat_unknown_table_needs_indicator(tmp_path):
    text = (FIXTURES / "estat_getstatsdata.json").read_text(encoding="utf-8").replace("0003398337", "0000000001")
    with pytest.raises(DataError, match="no mapping known for e-Stat table 0000000001; pass --indicator"):
        parse_file("estat", write(tmp_path, "e.json", text))


# --- transactions, log, serving --------------------------------------------------------------------

def test_import_updates_serving_db_and_logs_checksum(tmp_path):
    before = data_hashes()
    src = FIXTURES / "gnt_small.csv"
    report = run_import("gnt", src)
    assert "imported 96 values of gnt_firms" in report
    cur = store.get_store().cursor()
    df = query.indicator_values(cur, "gnt_per_100k_estab", year=2020)
    tokyo = df.set_index("region_code").loc["13", "value"]
    estab = query.indicator_values(cur, "C2108", year=2021).set_index("region_code").loc["13", "value"]
    assert tokyo == pytest.approx(2 / estab * 100_000)      # 2020 edition over the 2021 census
    log = duckdb.connect(str(store.user_db_path()), read_only=True).execute(
        "SELECT kind, source_file, sha256, rows FROM imports").fetchall()
    assert log == [("gnt", "gnt_small.csv", hashlib.sha256(src.read_bytes()).hexdigest(), 96)]
    assert data_hashes() == before                          # bundled data untouched


def test_bad_import_leaves_everything_as_it_was(tmp_path):
    run_import("tidy", write(tmp_path, "ok.csv", TIDY_HEADER + "東京都,vc_investment,2022,5,,x\n"))
    rows_before = user_rows()
    serving_before = store.serving_db_path().read_bytes()
    bad = write(tmp_path, "bad.csv", TIDY_HEADER + "東京都,vc_investment,2022,6,,x\n東京都,vc_investment,2023,x,,x\n")
    with pytest.raises(DataError, match="row 3"):
        run_import("tidy", bad)
    assert user_rows() == rows_before
    assert store.serving_db_path().read_bytes() == serving_before


def test_failure_inside_the_transaction_rolls_back(tmp_path, monkeypatch):
    run_import("tidy", write(tmp_path, "ok.csv", TIDY_HEADER + "東京都,vc_investment,2022,5,,x\n"))
    rows_before = user_rows()
    import loaders.importers as imp

    def explode(*a, **k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(imp, "build_serving_db", explode)
    # Fail after the INSERTs but before COMMIT by making the frame registration blow up mid-way.
    real = duckdb.DuckDBPyConnection.unregister

    def failing_unregister(self, name):
        real(self, name)
        raise RuntimeError("simulated crash after insert")
    monkeypatch.setattr(duckdb.DuckDBPyConnection, "unregister", failing_unregister)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_import("tidy", write(tmp_path, "two.csv", TIDY_HEADER + "大阪府,vc_investment,2022,6,,x\n"))
    assert user_rows() == rows_before


def test_reimport_replaces_same_keys_only(tmp_path):
    run_import("tidy", write(tmp_path, "a.csv", TIDY_HEADER + "東京都,vc_investment,2022,5,,x\n"
                                                              "大阪府,vc_investment,2022,3,,x\n"))
    run_import("tidy", write(tmp_path, "b.csv", TIDY_HEADER + "東京都,vc_investment,2022,8,,x\n"))
    assert user_rows() == [("vc_investment", "13", 2022, 8.0), ("vc_investment", "27", 2022, 3.0)]


def test_imports_survive_a_restart(tmp_path):
    run_import("koyo", FIXTURES / "koyo_small.csv")
    store.reset_store()
    store.serving_db_path().unlink()            # even the serving file can be rebuilt from the user store
    cur = store.get_store().cursor()
    rate = query.indicator_values(cur, "opening_rate", year=2022).set_index("region_code")["value"]
    assert rate["01"] == pytest.approx(100 / 2000 * 100)
    assert rate["00"] == pytest.approx(1000 / 32000 * 100)
    closing = query.indicator_values(cur, "closing_rate", year=2022).set_index("region_code")["value"]
    assert closing["13"] == pytest.approx(700 / 30000 * 100)


def test_user_dir_copy_is_independent(tmp_path):
    # The importer never writes outside the user directory, nor anything there but the store's own files
    # (its databases, their locks and write-ahead logs, and the store's backups).
    shutil.copy(FIXTURES / "gnt_small.csv", tmp_path / "g.csv")
    run_import("gnt", tmp_path / "g.csv")
    written = {p.name for p in store.user_dir().iterdir()}
    assert {n for n in written if not n.startswith(("user.duckdb", "serving.duckdb", "backups"))} == set()
    assert {p.name for p in tmp_path.iterdir()} == {"g.csv"}
