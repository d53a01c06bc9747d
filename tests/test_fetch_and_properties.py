"""e-Stat fetch with a recorded response, and property tests on region codes and the importers."""

from __future__ import annotations

import contextlib
import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.build import read_tables
from loaders.errors import DataError
from loaders.estat_fetch import fetch_table
from loaders.importers import parse_file
from loaders.importers.common import RegionResolver
from loaders.store import PROJECT_ROOT
from tests.conftest import FIXTURES

RECORDED = json.loads((FIXTURES / "estat_getstatsdata.json").read_text(encoding="utf-8"))


def test_fetch_pages_and_saves(tmp_path):
    # Two pages: the recorded response split in the API's documented way (RESULT_INF.NEXT_KEY).
    values = RECORDED["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"]
    pages = []
    for chunk, next_key in ((values[:4], 5), (values[4:], None)):
        doc = json.loads(json.dumps(RECORDED))
        doc["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"] = chunk
        doc["GET_STATS_DATA"]["STATISTICAL_DATA"]["RESULT_INF"] = {"NEXT_KEY": next_key} if next_key else {}
        pages.append(doc)
    urls = []

    def fake_get(url):
        urls.append(url)
        return pages[len(urls) - 1]

    path = fetch_table("0003398337", tmp_path, app_id="KEY", get=fake_get)
    assert "statsDataId=0003398337" in urls[0] and "appId=KEY" in urls[0]
    assert "startPosition=5" in urls[1]
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert len(saved["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"]) == len(values)
    # The saved file is the whole table, so it must not say it is page 1 (the importer refuses pages).
    assert saved["GET_STATS_DATA"]["STATISTICAL_DATA"]["RESULT_INF"] == {"FROM_NUMBER": 1, "TO_NUMBER": 9,
                                                                         "TOTAL_NUMBER": 9}
    assert len(parse_file("estat", path)) == 5
    assert [p.name for p in tmp_path.iterdir()] == [path.name]     # no temporary file beside it


def _page(values, next_key):
    doc = json.loads(json.dumps(RECORDED))
    doc["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"] = values
    doc["GET_STATS_DATA"]["STATISTICAL_DATA"]["RESULT_INF"] = {"NEXT_KEY": next_key} if next_key else {}
    return doc


@pytest.mark.parametrize(("answers", "limits", "message"), [
    # The API repeats a NEXT_KEY: stop instead of fetching the same page 50 times.
    ([_page([{"@area": "00000", "$": "1"}], 2), _page([{"@area": "00000", "$": "1"}], 2)], {},
     "returned the same NEXT_KEY=2 twice"),
    ([_page([{"$": "1"}] * 3, 4), _page([{"$": "1"}] * 3, None)], {"MAX_ROWS": 5}, "more than 5 values"),
    ([_page([{"$": "1"}], 2), OSError("timed out")], {}, "could not reach the e-Stat API: timed out"),
    ([{"unexpected": []}], {}, "e-Stat API error None"),
    ([_page([{"$": "1"}], k) for k in (2, 3, 4)], {"MAX_PAGES": 2}, "more than 2 pages"),
])
def test_fetch_refusals_write_nothing(tmp_path, monkeypatch, answers, limits, message):
    import loaders.estat_fetch as ef

    for name, value in limits.items():
        monkeypatch.setattr(ef, name, value)
    calls = []

    def fake_get(url):
        calls.append(url)
        answer = answers[len(calls) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    with pytest.raises(DataError, match=message):
        fetch_table("0003398337", tmp_path / "downloads", app_id="K", get=fake_get)
    assert not (tmp_path / "downloads").exists()


@pytest.mark.parametrize(("table", "env", "message"), [
    ("0003398337", None, "set ESTAT_APP_ID"),
    ("33983", "KEY", "statsDataId is 10 digits"),
])
def test_fetch_errors(tmp_path, monkeypatch, table, env, message):
    monkeypatch.delenv("ESTAT_APP_ID", raising=False)
    with pytest.raises(DataError, match=message):
        fetch_table(table, tmp_path, app_id=env, get=lambda url: RECORDED)


def test_fetch_api_error_status(tmp_path):
    err = {"GET_STATS_DATA": {"RESULT": {"STATUS": 100, "ERROR_MSG": "認証に失敗しました。"}}}
    with pytest.raises(DataError, match="e-Stat API error 100"):
        fetch_table("0003398337", tmp_path, app_id="K", get=lambda url: err)


@pytest.fixture(scope="module")
def resolver():
    return RegionResolver(read_tables(PROJECT_ROOT / "data")["regions"])


@given(n=st.integers(min_value=1, max_value=47), form=st.sampled_from(["int", "2", "5", "R", "6", "ja", "en"]))
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_spelling_of_a_prefecture_resolves_to_its_code(resolver, n, form):
    regions = read_tables_cached()
    code = f"{n:02d}"
    row = regions[regions.code == code].iloc[0]
    text = {"int": str(n), "2": code, "5": f"{code}000", "R": f"R{code}000", "6": f"{code}0000",
            "ja": row.name_ja, "en": row.name_en.upper()}[form]
    assert resolver.resolve(text, file="f", row=1, column="c") == code


_cache: dict = {}


def read_tables_cached() -> pd.DataFrame:
    if "regions" not in _cache:
        _cache["regions"] = read_tables(PROJECT_ROOT / "data")["regions"]
    return _cache["regions"]


@given(st.binary(max_size=400))
@settings(max_examples=150, deadline=None)
def test_tidy_import_of_arbitrary_bytes_only_ever_raises_data_error(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("fuzz") / "f.csv"
    p.write_bytes(data)
    # Anything else (UnicodeError, pandas' ParserError, KeyError...) escapes and fails the test.
    with contextlib.suppress(DataError):
        parse_file("tidy", p)


@given(rows=st.lists(st.tuples(st.sampled_from(["東京都", "大阪府", "13", "Hokkaido", "全国"]),
                               st.sampled_from(["vc_investment", "rd_firm_share"]),
                               st.integers(min_value=2000, max_value=2030),
                               st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)),
                     min_size=1, max_size=20))
@settings(max_examples=100, deadline=None)
def test_tidy_values_round_trip_or_duplicate_error(tmp_path_factory, rows):
    p = tmp_path_factory.mktemp("tidy") / "t.csv"
    p.write_text("region,indicator_id,year,value\n" + "".join(f"{r},{i},{y},{v!r}\n" for r, i, y, v in rows),
                 encoding="utf-8")
    canon = {"東京都": "13", "13": "13", "大阪府": "27", "Hokkaido": "01", "全国": "00"}
    keys = [(i, canon[r], y) for r, i, y, _ in rows]
    if len(set(keys)) < len(keys):
        with pytest.raises(DataError, match="duplicate rows"):
            parse_file("tidy", p)
        return
    got = {(r.indicator_id, r.region_code, r.year): r.value for r in parse_file("tidy", p).itertuples()}
    assert got == {k: v for k, (_, _, _, v) in zip(keys, rows, strict=True)}
