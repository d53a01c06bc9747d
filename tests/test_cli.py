"""The chiiki command line, called in-process, on the bundled data."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from chiiki_cli import main
from tests.conftest import FIXTURES


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for sub in ("build", "indicators", "export", "import", "serve"):
        assert sub in out


def test_indicators_csv(capsys):
    code, out, _ = run(capsys, "indicators", "--format", "csv")
    assert code == 0
    df = pd.read_csv(io.StringIO(out), dtype=str)
    assert {"id", "name_ja", "name_en", "unit", "status", "source_en", "credit"} <= set(df.columns)
    status = df.set_index("id")["status"]
    assert status["A1101"] == "loaded" and status["gnt_per_100k_estab"] == "not loaded"
    assert df.set_index("id").loc["E6302", "prefecture_years"].split()[0] == "2011"


def test_export_indicator_csv_matches_query(capsys, cur):
    code, out, _ = run(capsys, "export", "indicator", "A1101", "--year", "2020")
    assert code == 0
    df = pd.read_csv(io.StringIO(out), dtype={"region_code": str})
    assert list(df.columns) == ["region_code", "region_name", "year", "value", "unit", "dataset"]
    assert df.set_index("region_code").loc["13", "dataset"] == "ssdse-b-2025"   # newest edition with 2020
    assert len(df) == 48 and df["region_code"].iloc[0] == "00"
    obs = cur.execute("SELECT value FROM obs WHERE indicator_id='A1101' AND region_code='13' AND year=2020").fetchone()
    assert df.set_index("region_code").loc["13", "value"] == obs[0]
    assert set(df["unit"]) == {"人"}


def test_export_municipal_json_and_xlsx(capsys, tmp_path):
    code, out, _ = run(capsys, "export", "indicator", "C2208", "--level", "municipality", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 1741 and rows[0]["year"] == 2021
    target = tmp_path / "x.xlsx"
    code, _, _ = run(capsys, "export", "indicator", "C2208", "--level", "municipality", "--format", "xlsx",
                     "--output", str(target))
    assert code == 0
    assert len(pd.read_excel(target)) == 1741


@pytest.mark.parametrize(("argv", "message"), [
    (["export", "indicator", "nope"], "unknown indicator 'nope'"),
    (["export", "indicator", "opening_rate"], "is not loaded; load it with: chiiki fetch koyo"),
    (["export", "indicator", "A1101", "--year", "1800"], "no prefecture data for 1800"),
    (["import", "tidy", "/nonexistent.csv"], "file not found"),
    (["import", "estat", str(FIXTURES / "estat_getstatsdata.json"), "--mapping", "{bad"],
     "--mapping is not valid JSON"),
    (["build", "--raw", "/nonexistent"], "raw folder not found"),
])
def test_errors_exit_2_with_message(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == ""


def test_import_then_export(capsys):
    code, _, err = run(capsys, "import", "estat", str(FIXTURES / "estat_getstatsdata.json"))
    assert code == 0 and "patent_registrations" in err
    code, out, _ = run(capsys, "export", "indicator", "patent_registrations", "--year", "2020")
    df = pd.read_csv(io.StringIO(out), dtype={"region_code": str}).set_index("region_code")
    assert df.loc["13", "value"] == 100 and df.loc["00", "value"] == 110
    assert pd.isna(df.loc["02", "value"])     # not in the file: no data, never 0
