"""An import may add indicators, regions and years; it may not change official figures or computed ones.

Every refusal leaves the user store, the import log and the served figures exactly as they were.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from chiiki_cli import main
from loaders import query, store
from loaders.errors import DataError
from loaders.importers import parse_file, run_import
from tests.conftest import FIXTURES

TIDY = "region,indicator_id,year,value\n"
# Published figures of the bundled data (SSDSE), as the pages show them.
TOKYO_2022 = ("A1101", "13", 2022, 14_038_000.0)
OFFICIAL_KEYS = [("A1101", "13", 2022), ("A1101", "00", 2020), ("A1101", "01100", 2020)]


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def served(keys=OFFICIAL_KEYS) -> dict:
    cur = store.get_store().cursor()
    out = {}
    for ind, region, year in keys:
        level = "municipality" if len(region) == 5 else "prefecture"
        df = query.indicator_values(cur, ind, year=year, level=level).set_index("region_code")
        out[(ind, region, year)] = (df.loc[region, "value"], df.loc[region, "dataset_id"])
    return out


def loaded_state(keys=OFFICIAL_KEYS) -> dict:
    """Everything an import could change: user store rows, import log, serving file, served figures."""
    figures = served(keys)          # first: this may (re)build the serving file the hash below reads
    state = {"figures": figures, "serving": hashlib.sha256(store.serving_db_path().read_bytes()).hexdigest()}
    if store.user_db_path().exists():
        con = duckdb.connect(str(store.user_db_path()), read_only=True)
        try:
            state["rows"] = con.execute("SELECT * FROM user_observations ORDER BY ALL").fetchall()
            state["log"] = con.execute("SELECT * FROM imports ORDER BY import_id").fetchall()
        finally:
            con.close()
    return state


@pytest.fixture
def loaded(tmp_path):
    """A user store with one ordinary import, and the state to compare against after a refusal."""
    run_import("tidy", write(tmp_path, "ok.csv", TIDY + "東京都,vc_investment,2022,5\n"))
    return loaded_state()


# --- official figures -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    ("東京都,A1101,2022,1", ["1 value would replace official figures",
                            "row 2: A1101 東京都 (13) 2022 = 1 (official 14,038,000, ssdse-b-2025)",
                            "--replace-official"]),
    ("全国,A1101,2020,4", ["row 2: A1101 全国 (00) 2020 = 4 (official 126,146,099"]),
    # A municipality of the bundled SSDSE-A.
    ("01100,A1101,2020,1", ["row 2: A1101 札幌市 (01100) 2020 = 1 (official 1,973,395"]),
    # A new year next to official ones: only the official row is named, with its file row.
    ("13,A1101,2099,5\n13,A1101,2021,5", ["1 value would", "row 3: A1101 東京都 (13) 2021"]),
    # Many: the first five by file row, and how many more.
    ("\n".join(f"{p:02d},A1101,2020,1" for p in range(1, 48)), ["47 values would", "row 2: A1101 北海道 (01)",
                                                                 "row 6: A1101 秋田県 (05)", "and 42 more"]),
])
def test_official_figures_are_refused_and_nothing_changes(tmp_path, loaded, body, expected):
    with pytest.raises(DataError) as err:
        run_import("tidy", write(tmp_path, "t.csv", TIDY + body + "\n"), source="upload on the data page")
    for text in expected:
        assert text in str(err.value)
    assert str(err.value).startswith("t.csv: ")
    assert loaded_state() == loaded


@pytest.mark.parametrize(("body", "key"), [
    ("東京都,A1101,2099,1", ("A1101", "13", 2099)),             # a new year of an official indicator
    ("東京都,vc_investment,2022,7", ("vc_investment", "13", 2022)),  # an import-only indicator
    ("全国,A4103,2099,1.2", ("A4103", "00", 2099)),
])
def test_additions_next_to_official_figures_load(tmp_path, body, key):
    run_import("tidy", write(tmp_path, "t.csv", TIDY + body + "\n"))
    assert key in {r[:3] for r in loaded_state()["rows"]}


def test_upload_form_cannot_replace_official_figures(loaded):
    from callbacks.data_callbacks import import_upload

    payload = base64.b64encode((TIDY + "東京都,A1101,2022,1\n").encode()).decode()
    message, ok = import_upload(f"data:text/csv;base64,{payload}", "t.csv", "tidy", None)
    assert not ok
    assert "would replace official figures" in message and "A1101 東京都 (13) 2022" in message
    assert loaded_state() == loaded
    assert served()[TOKYO_2022[:3]] == (TOKYO_2022[3], "ssdse-b-2025")


def test_cli_refuses_without_the_flag_and_replaces_with_it(tmp_path, capsys, loaded):
    f = write(tmp_path, "fix.csv", TIDY + "東京都,A1101,2022,14038001\n東京都,A1101,2099,1\n")
    assert main(["import", "tidy", str(f)]) == 2
    err = capsys.readouterr().err
    assert "fix.csv: 1 value would replace official figures" in err and "Traceback" not in err
    assert loaded_state() == loaded

    assert main(["import", "tidy", str(f), "--replace-official", "--source", "正誤表 2024-03"]) == 0
    assert "replaced 1 official values, marked as import 2" in capsys.readouterr().err
    con = duckdb.connect(str(store.user_db_path()), read_only=True)
    log = con.execute("SELECT import_id, rows, source_note FROM imports ORDER BY import_id").fetchall()
    con.close()
    assert log[-1] == (2, 2, "replaced official values: 1; 正誤表 2024-03")
    assert served()[TOKYO_2022[:3]] == (14_038_001.0, "import-2 (replaces official ssdse-b-2025)")


def test_a_replaced_value_is_recognisable_in_the_serving_database(tmp_path):
    run_import("tidy", write(tmp_path, "fix.csv", TIDY + "東京都,A1101,2022,1\n大阪府,vc_investment,2022,2\n"),
               replace_official=True)
    con = duckdb.connect(str(store.serving_db_path()), read_only=True)
    # The rule given to the serving layer: an imported value whose key the bundled observations have.
    replaced = con.execute("""
        SELECT DISTINCT u.indicator_id, u.region_code, u.year, u.import_id, i.source_note
        FROM user_observations u JOIN imports i USING (import_id)
        JOIN observations o USING (indicator_id, region_code, year)""").fetchall()
    con.close()
    assert replaced == [("A1101", "13", 2022, 1, "replaced official values: 1")]


def test_estat_table_for_an_official_indicator(tmp_path, loaded):
    text = (FIXTURES / "estat_getstatsdata.json").read_text(encoding="utf-8").replace('"件"', '"人"')
    p = write(tmp_path, "pop.json", text)
    with pytest.raises(DataError, match=r"pop\.json: 5 values would replace official figures"):
        run_import("estat", p, indicator="A1101")
    assert loaded_state() == loaded
    assert "replaced 5 official values" in run_import("estat", p, indicator="A1101", replace_official=True)


# --- computed indicators ------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "text", "indicator", "expected"), [
    ("tidy", TIDY + "東京都,opening_rate,2022,1\n", None,
     "row 2, column 'indicator_id': opening_rate is computed from other indicators (new_establishments ÷ "
     "covered_establishments_prev), so it cannot be imported; import new_establishments and "
     "covered_establishments_prev instead with: chiiki fetch koyo"),
    ("tidy", TIDY + "東京都,vc_per_capita,2022,1\n", None,
     "import vc_investment instead with: chiiki import tidy FILE"),
    ("tidy", TIDY + "東京都,vc_per_capita,2022,1\n", None, "A1101 comes from the bundled data"),
    ("tidy", TIDY + "東京都,aging_rate,2022,1\n", None, "A1303 and A1101 come from the bundled data"),
    ("tidy", TIDY + "東京都,lq_employees,2021,1.2\n", None,
     "lq_employees is a location quotient computed from the bundled industry table"),
    ("tidy", TIDY + "東京都,ict_employee_share,2021,1.2\n", None,
     "ict_employee_share is computed from other indicators (employees:jsic-G ÷ employees:total"),
    ("estat", None, "opening_rate", "estat.json: opening_rate is computed from other indicators"),
    ("estat", None, "gnt_per_100k_estab", "import gnt_firms instead with: chiiki import gnt FILE"),
    ("estat", None, "lq_establishments", "lq_establishments is a location quotient"),
    ("estat", None, "patents_per_100_estab", "import patent_applications instead"),
])
def test_computed_indicators_are_refused_naming_the_components(tmp_path, loaded, kind, text, indicator,
                                                               expected):
    text = text or (FIXTURES / "estat_getstatsdata.json").read_text(encoding="utf-8")
    p = write(tmp_path, f"{kind}.{'json' if kind == 'estat' else 'csv'}", text)
    with pytest.raises(DataError) as err:
        run_import(kind, p, indicator=indicator)
    assert expected in str(err.value)
    assert loaded_state() == loaded
    # The administrator's flag is about official figures only: computed indicators stay refused.
    with pytest.raises(DataError, match="cannot be imported"):
        parse_file(kind, p, indicator=indicator, replace_official=True)


def test_estat_mapping_to_a_computed_indicator(tmp_path):
    mapping = json.dumps({"indicator": "closing_rate", "filters": {"cat01": "100"}})
    with pytest.raises(DataError, match="closing_rate is computed from other indicators"):
        run_import("estat", FIXTURES / "estat_getstatsdata.json", mapping=mapping)


def test_replaced_values_are_marked_where_they_are_shown(tmp_path, capsys):
    from metrics import service

    run_import("tidy", write(tmp_path, "fix.csv", TIDY + "東京都,A1101,2022,1\n大阪府,vc_investment,2022,2\n"),
               replace_official=True)
    store.reset_store()
    rows = service.values_table(store.get_store().cursor(), "A1101", 2022).set_index("region_code")
    assert rows.loc["13", "value"] == 1
    assert rows.loc["13", "dataset"].startswith("import-1 (replaces official ssdse-")
    assert not rows.loc["27", "dataset"].startswith("import")          # untouched neighbours stay official
    assert main(["export", "indicator", "A1101", "--year", "2022"]) == 0
    tokyo = next(r for r in capsys.readouterr().out.splitlines() if r.startswith("13,"))
    assert "replaces official" in tokyo
