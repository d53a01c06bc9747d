"""e-Stat tables: units are converted or refused, single pages refused, and `chiiki fetch` pages through.

The API is never called: recorded responses (tests/fixtures/estat_page*.json, the made-up table
0003398337 split in two pages the way the API pages it) stand in for it.
"""

from __future__ import annotations

import io
import json
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from chiiki_cli import main
from loaders import store
from loaders.errors import DataError
from loaders.importers import parse_file, run_import
from tests.conftest import FIXTURES
from tests.test_import_official import loaded_state

JSON = (FIXTURES / "estat_getstatsdata.json").read_text(encoding="utf-8")
CSV = (FIXTURES / "estat_simple.csv").read_text(encoding="utf-8")
PAGES = [FIXTURES / "estat_page1.json", FIXTURES / "estat_page2.json"]
TABLE = "0003398337"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def by_key(df: pd.DataFrame) -> dict:
    return {(r.region_code, r.year): r.value for r in df.itertuples()}


class _Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fake_api(monkeypatch, pages: list[Path | bytes | Exception]) -> list[dict]:
    """Answer the n-th request with the n-th recorded page (or raise it); returns the requests' parameters."""
    requests: list[dict] = []

    def urlopen(url, timeout=None):
        requests.append(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)))
        page = pages[len(requests) - 1]
        if isinstance(page, Exception):
            raise page
        return _Response(page if isinstance(page, bytes) else page.read_bytes())

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    monkeypatch.setenv("ESTAT_APP_ID", "TESTKEY")
    return requests


@pytest.fixture
def loaded(tmp_path):
    run_import("tidy", write(tmp_path, "ok.csv", "region,indicator_id,year,value\n東京都,vc_investment,2022,5\n"))
    return loaded_state()


# --- units ---------------------------------------------------------------------------------------------

def _json_with_unit(unit: str, *, where: str = "value", values: dict[str, str] | None = None,
                    years: bool = False) -> str:
    text = JSON
    if years:   # years the bundled data does not have, so an official indicator can be loaded
        text = text.replace('"2020000000"', '"2098000000"').replace('"2021000000"', '"2099000000"')
    for old, new in (values or {}).items():
        text = text.replace(f'"$": "{old}"', f'"$": "{new}"')
    if where == "value":
        return text.replace('"@unit": "件"', f'"@unit": "{unit}"')
    # Only the class carries the unit (the VALUE records have none): the API's other way to say it.
    return text.replace(', "@unit": "件", "$"', ', "$"').replace('"@level": "", "@unit": "件"',
                                                                  f'"@level": "", "@unit": "{unit}"')


@pytest.mark.parametrize(("text", "indicator", "expected"), [
    (_json_with_unit("件"), None, {("13", 2020): 100.0, ("00", 2021): 121.0}),
    (_json_with_unit("千件"), None, {("13", 2020): 100_000.0, ("00", 2021): 121_000.0}),
    (_json_with_unit("千件", values={"100": "1.001"}), None, {("13", 2020): 1001.0}),   # not 1000.9999999999999
    (_json_with_unit("千件", where="class"), None, {("13", 2020): 100_000.0}),
    (_json_with_unit("万件", where="class"), None, {("01", 2020): 100_000.0}),
    (_json_with_unit("億円"), "vc_investment", {("13", 2020): 10_000.0}),           # 億円 → 百万円 × 100
    (_json_with_unit("千円"), "vc_investment", {("13", 2020): 0.1}),
    (_json_with_unit("(千件)"), None, {("13", 2020): 100_000.0}),
    (_json_with_unit("千人", years=True), "A1101", {("13", 2098): 100_000.0}),    # 千人 → 人
    (CSV.replace('"件","12"', '"千件","12"'), None, {("01", 2021): 12_000.0, ("13", 2021): 1234.0}),
])
def test_units_are_converted_to_the_catalogs(tmp_path, text, indicator, expected):
    name = "e.csv" if text.startswith('"RESULT"') else "e.json"
    got = by_key(parse_file("estat", write(tmp_path, name, text), indicator=indicator))
    assert {k: got[k] for k in expected} == expected


@pytest.mark.parametrize(("text", "indicator", "expected"), [
    (_json_with_unit("人"), None, "row 1, column 'unit': unit '人' cannot be matched to the catalog's unit '件' "
                                  "for patent_registrations"),
    (_json_with_unit("千社", where="class"), None, "unit '千社' cannot be matched to the catalog's unit '件'"),
    (_json_with_unit("%"), "vc_investment", "unit '%' cannot be matched to the catalog's unit '百万円'"),
    (_json_with_unit("件"), "A1101", "unit '件' cannot be matched to the catalog's unit '人' for A1101"),
    (CSV.replace('"件","12"', '"千円","12"'), None, "e.csv, row 9, column 'unit': unit '千円' cannot be matched"),
])
def test_units_that_are_another_quantity_are_refused(tmp_path, loaded, text, indicator, expected):
    name = "e.csv" if text.startswith('"RESULT"') else "e.json"
    with pytest.raises(DataError) as err:
        run_import("estat", write(tmp_path, name, text), indicator=indicator)
    assert expected in str(err.value)
    assert loaded_state() == loaded


# --- pages ---------------------------------------------------------------------------------------------

_CSV_PAGE = CSV.replace('"PARAMETER"', '"RESULT_INF"\n"TOTAL_NUMBER","FROM_NUMBER","TO_NUMBER","NEXT_KEY"\n'
                                       '"3","1","2","3"\n"PARAMETER"')


@pytest.mark.parametrize(("path_or_text", "expected"), [
    (PAGES[0], "estat_page1.json: this file is page 1 of a table with more rows (9 values in all): NEXT_KEY=5; "
               "fetch all pages with `chiiki fetch estat 0003398337`, which pages through"),
    (PAGES[1], "estat_page2.json: this file is a later page of a table (it starts at value 5"),
    (_CSV_PAGE, "page.csv: this file is page 1 of a table with more rows (3 values in all): NEXT_KEY=3"),
])
def test_one_page_of_a_paged_table_is_refused(tmp_path, loaded, path_or_text, expected):
    path = path_or_text if isinstance(path_or_text, Path) else write(tmp_path, "page.csv", path_or_text)
    with pytest.raises(DataError) as err:
        run_import("estat", path)
    assert expected in str(err.value)
    assert loaded_state() == loaded


def test_the_complete_table_is_the_two_pages_together():
    whole = parse_file("estat", FIXTURES / "estat_getstatsdata.json")
    assert len(whole) == 5     # the pages above are this table's 9 values (5 patents, one missing, 3 trademarks)


def test_cli_fetch_pages_through_next_key_and_saves_a_complete_file(monkeypatch, capsys):
    requests = fake_api(monkeypatch, PAGES)
    assert main(["fetch", "estat", TABLE]) == 0
    assert "imported 5 values of patent_registrations" in capsys.readouterr().err
    assert [r.get("startPosition") for r in requests] == [None, "5"]
    assert {r["statsDataId"] for r in requests} == {TABLE} and {r["appId"] for r in requests} == {"TESTKEY"}
    saved = store.user_dir() / "downloads" / f"estat_{TABLE}.json"
    doc = json.loads(saved.read_text(encoding="utf-8"))["GET_STATS_DATA"]["STATISTICAL_DATA"]
    assert len(doc["DATA_INF"]["VALUE"]) == 9
    assert doc["RESULT_INF"] == {"TOTAL_NUMBER": 9, "FROM_NUMBER": 1, "TO_NUMBER": 9}   # no NEXT_KEY left
    # The saved download is a file the importer accepts on its own, with the same values.
    assert by_key(parse_file("estat", saved)) == by_key(parse_file("estat", FIXTURES / "estat_getstatsdata.json"))
    code = main(["export", "indicator", "patent_registrations", "--year", "2021"])
    out = capsys.readouterr().out
    assert code == 0
    assert pd.read_csv(io.StringIO(out), dtype={"region_code": str}).set_index("region_code").loc["13", "value"] == 120


@pytest.mark.parametrize(("argv", "pages", "expected"), [
    (["--indicator", "opening_rate"], PAGES, "opening_rate is computed from other indicators"),
    (["--mapping", '{"filters": {"cat01": "999"}}'], PAGES, "no values left after the mapping's filters"),
    ([], [PAGES[0], OSError("connection reset")], "could not reach the e-Stat API: connection reset"),
    (["--mapping", '{"filters": {"cat01": 100}}'], [], '"filters.cat01" must be a class code'),
])
def test_cli_fetch_refusals_change_nothing(monkeypatch, capsys, loaded, argv, pages, expected):
    requests = fake_api(monkeypatch, pages)
    assert main(["fetch", "estat", TABLE, *argv]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert loaded_state() == loaded
    assert not (store.user_dir() / "downloads").exists()
    assert len(requests) <= len(pages)      # a bad mapping is refused before anything is downloaded
