"""Bounded imports, --mapping shapes, and no temporary file left behind by any importer or fetch path."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import openpyxl
import pytest

from chiiki_cli import main
from loaders import store
from loaders.errors import DataError
from loaders.importers import common, run_import
from tests.conftest import FIXTURES
from tests.test_import_estat import PAGES, TABLE, fake_api
from tests.test_import_official import loaded_state

TIDY = "region,indicator_id,year,value\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def xlsx(tmp_path: Path, name: str, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    p = tmp_path / name
    book.save(p)
    return p


@pytest.fixture
def loaded(tmp_path):
    run_import("tidy", write(tmp_path, "ok.csv", TIDY + "東京都,vc_investment,2022,5\n"))
    return loaded_state()


# --- size limits -----------------------------------------------------------------------------------------

WIDE = ",".join(["region", "indicator_id", "year", "value"] + [f"x{i}" for i in range(197)])   # 201 columns
FOUR_ROWS = TIDY + "".join(f"{p},vc_investment,2022,1\n" for p in ("北海道", "青森県", "岩手県", "宮城県"))
KOYO = ["都道府県", "年度", "新規成立", "廃止", "前年度末適用事業所数"]


@pytest.mark.parametrize(("kind", "make", "limits", "expected"), [
    ("tidy", lambda t: write(t, "wide.csv", WIDE + "\n東京都,vc_investment,2022,1" + "," * 197 + "\n"), {},
     "wide.csv: too many columns: 201; the limit is 200 columns"),
    ("tidy", lambda t: write(t, "long.csv", FOUR_ROWS), {"MAX_ROWS": 3},
     "long.csv: too many rows: 4 data rows; the limit is 3 rows"),
    ("gnt", lambda t: write(t, "g.csv", "firm,prefecture,edition\n" + "".join(f"F{i},東京都,2020\n" for i in range(5))),
     {"MAX_ROWS": 4}, "g.csv: too many rows: 5 data rows; the limit is 4 rows"),
    ("koyo", lambda t: xlsx(t, "wide.xlsx", [KOYO + [f"x{i}" for i in range(196)], ["北海道", 2022, 1, 1, 10]]), {},
     "wide.xlsx: too many columns: row 1 has 201; the limit is 200 columns"),
    ("tidy", lambda t: xlsx(t, "long.xlsx", [TIDY.strip().split(",")] + [["東京都", "vc_investment", y, 1]
                                                                           for y in range(2000, 2004)]),
     {"MAX_ROWS": 3}, "long.xlsx: too many rows: 4 data rows; the limit is 3 rows"),
    ("estat", lambda t: FIXTURES / "estat_getstatsdata.json", {"MAX_ROWS": 8},
     "estat_getstatsdata.json: too many rows: 9 data rows; the limit is 8 rows"),
    ("estat", lambda t: FIXTURES / "estat_simple.csv", {"MAX_ROWS": 2},
     "estat_simple.csv: too many rows: 3 data rows; the limit is 2 rows"),
    ("estat", lambda t: FIXTURES / "estat_simple.csv", {"MAX_COLUMNS": 10},
     "estat_simple.csv: too many columns: 11; the limit is 10 columns"),
    ("estat", lambda t: FIXTURES / "estat_getstatsdata.json", {"MAX_COLUMNS": 5},
     "estat_getstatsdata.json, row 1: too many columns: 6 attributes in one VALUE record; the limit is 5"),
    ("tidy", lambda t: write(t, "big.csv", FOUR_ROWS), {"MAX_BYTES": 100},
     f"big.csv: file is {len(FOUR_ROWS.encode()):,} bytes; the limit is 100"),
])
def test_limits_name_the_file_the_count_and_the_limit(tmp_path, monkeypatch, loaded, kind, make, limits, expected):
    path = make(tmp_path)
    for name, value in limits.items():
        monkeypatch.setattr(common, name, value)
    with pytest.raises(DataError) as err:
        run_import(kind, path, indicator="patent_registrations" if kind == "estat" else None)
    assert expected in str(err.value)
    assert loaded_state() == loaded


def test_a_file_at_the_limits_loads(tmp_path, monkeypatch):
    monkeypatch.setattr(common, "MAX_ROWS", 4)
    wide = ",".join(["region", "indicator_id", "year", "value"] + [f"x{i}" for i in range(196)])   # 200
    assert "imported 4 values" in run_import("tidy", write(tmp_path, "ok.csv", wide + "\n" + FOUR_ROWS[len(TIDY):]))


# --- --mapping -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("mapping", "expected"), [
    ('{"filters": ["cat01"]}', '--mapping: "filters" must be an object of dimension → class code, such as '
                               '{"cat01": "100"}; found an array'),
    ('{"filters": {"cat01": 100}}', '--mapping: "filters.cat01" must be a class code as a non-empty string, such '
                                    'as "100"; found a number 100'),
    ('{"filters": {"cat01": null}}', '"filters.cat01" must be a class code as a non-empty string'),
    ('{"filters": "cat01=100"}', '"filters" must be an object'),
    ("[]", "--mapping must be a JSON object such as {\"indicator\": \"patent_applications\", \"filters\": "
           "{\"cat01\": \"100\"}}; found an array"),
    ('"x"', "--mapping must be a JSON object such as"),
    ("null", "--mapping must be a JSON object such as"),
    ("5", "; found a number"),
    ('{"area": 5}', "--mapping: 'area' must be the name of the area dimension, such as \"area\" (a non-empty "
                    "string); found a number 5"),
    ('{"time": ["time"]}', "--mapping: 'time' must be the name of the time dimension"),
    ('{"indicator": 5}', "--mapping: 'indicator' must be a catalog indicator id"),
    ('{"indicator": ""}', "--mapping: 'indicator' must be a catalog indicator id"),
    ('{"filter": {"cat01": "100"}}', "--mapping has an unknown key 'filter'; the keys are indicator, filters, "
                                     "area, time"),
    ("{bad", "--mapping is not valid JSON"),
])
def test_mapping_of_the_wrong_shape_is_a_clear_error(capsys, loaded, mapping, expected):
    code = main(["import", "estat", str(FIXTURES / "estat_getstatsdata.json"), "--mapping", mapping])
    out = capsys.readouterr()
    assert code == 2 and out.out == ""
    assert expected in out.err and "Traceback" not in out.err
    assert loaded_state() == loaded
    # The same check when run_import is given the decoded value (a string there is JSON text, and None
    # means no mapping, so those two have only the JSON form).
    value = json.loads(mapping) if mapping != "{bad" else None
    if value is not None and not isinstance(value, str):
        with pytest.raises(DataError, match="--mapping"):
            run_import("estat", FIXTURES / "estat_getstatsdata.json", mapping=value)


def test_mapping_is_only_for_estat(tmp_path):
    with pytest.raises(DataError, match="--mapping is for e-Stat tables"):
        run_import("tidy", write(tmp_path, "t.csv", TIDY + "東京都,vc_investment,2022,1\n"), mapping={})


# --- temporary files -----------------------------------------------------------------------------------

def listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """A system temp directory of this test's own, so other processes' files cannot blur the check."""
    d = tmp_path / "systemp"
    d.mkdir()
    monkeypatch.setenv("TMPDIR", str(d))
    monkeypatch.setattr(tempfile, "tempdir", str(d))
    return d


def _cli(*argv):
    return lambda t: main(list(argv))


FAILING = {
    "tidy official": lambda t: main(["import", "tidy", str(write(t, "o.csv", TIDY + "東京都,A1101,2022,1\n"))]),
    "tidy bad value": lambda t: main(["import", "tidy", str(write(t, "b.csv", TIDY + "東京,vc_investment,2022,x\n"))]),
    "tidy computed": lambda t: main(["import", "tidy", str(write(t, "c.csv", TIDY + "東京,opening_rate,2022,1\n"))]),
    "koyo too wide": lambda t: main(["import", "koyo", str(xlsx(t, "w.xlsx", [[*KOYO, *range(300)]]))]),
    "estat mapping": _cli("import", "estat", str(FIXTURES / "estat_getstatsdata.json"), "--mapping", '{"filters": []}'),
    "estat page": _cli("import", "estat", str(PAGES[0])),
    "fetch refused import": _cli("fetch", "estat", TABLE, "--indicator", "opening_rate"),
    "fetch no values": _cli("fetch", "estat", TABLE, "--mapping", '{"filters": {"cat01": "999"}}'),
    "fetch official": _cli("fetch", "estat", TABLE, "--indicator", "A1101"),
}


@pytest.mark.parametrize("name", list(FAILING))
def test_failed_imports_leave_no_file_behind(tmp_path, monkeypatch, capsys, private_tmp, loaded, name):
    fake_api(monkeypatch, [*PAGES, *PAGES])
    work = tmp_path / "work"
    work.mkdir()
    before = (listing(private_tmp), listing(store.user_dir()))
    assert FAILING[name](work) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert (listing(private_tmp), listing(store.user_dir())) == before
    assert loaded_state() == loaded


def test_a_failed_fetch_keeps_the_earlier_download(monkeypatch, private_tmp):
    # The second time e-Stat has revised a value, and the import is refused (its mapping matches nothing).
    revised = PAGES[0].read_bytes().replace(b'"$": "110"', b'"$": "111"')
    fake_api(monkeypatch, [*PAGES, revised, PAGES[1]])
    assert main(["fetch", "estat", TABLE]) == 0
    saved = store.user_dir() / "downloads" / f"estat_{TABLE}.json"
    first = saved.read_bytes()
    files = listing(store.user_dir())
    # Whatever else the store keeps there (its database, locks, backups), the fetch left only its download.
    assert {f for f in files if "estat" in f or f.startswith((".fetch", "downloads"))} == {
        "downloads", f"downloads/estat_{TABLE}.json"}
    assert main(["fetch", "estat", TABLE, "--mapping", '{"filters": {"cat01": "999"}}']) == 2
    assert saved.read_bytes() == first          # the import log's file is still the one it hashed
    assert listing(store.user_dir()) == files and listing(private_tmp) == set()
