"""Fuzzing the edges: URLs, callback inputs, importer files and injection strings.

Whatever comes in, the answer is a page with a notice or a DataError naming the problem; nothing
raises anything else and the data stays as it was.
"""

from __future__ import annotations

import contextlib
import json

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from callbacks import (
    compare_callbacks,
    data_callbacks,
    index_callbacks,
    industry_callbacks,
    map_callbacks,
    profile_callbacks,
    start_callbacks,
)
from loaders import query, store
from loaders.errors import DataError
from loaders.importers import parse_file, run_import

INJECTIONS = ["'; DROP TABLE obs; --", "1 OR 1=1", "A1101' UNION SELECT * FROM imports --", "../../etc/passwd",
              "<script>alert(1)</script>", "\x00", "東京都'); DELETE FROM user_observations; --", "%27%20OR%201=1",
              "lq_employees", "${jndi:ldap://x}", "9" * 400]
PAGES = [map_callbacks.page_layout, profile_callbacks.page_layout, compare_callbacks.page_layout,
         industry_callbacks.page_layout, index_callbacks.page_layout, data_callbacks.page_layout,
         start_callbacks.page_layout]
KEYS = ["ind", "year", "level", "pref", "norm", "cls", "k", "bins", "pal", "region", "regions", "x", "y", "series",
        "measure", "sort", "inds", "w", "lang", "present", "zzz"]

texts = st.one_of(st.text(max_size=30), st.sampled_from(INJECTIONS), st.integers().map(str),
                  st.lists(st.text(max_size=5), max_size=3))
settings_fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                                HealthCheck.too_slow])


def obs_count() -> int:
    return store.get_store().cursor().execute("SELECT count(*) FROM obs").fetchone()[0]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.__module__.split(".")[-1])
@given(params=st.dictionaries(st.sampled_from(KEYS), texts, max_size=6))
@settings_fuzz
def test_any_url_gives_a_page(page, params):
    tree = page(**params)
    assert tree is not None
    json.dumps(tree.to_plotly_json(), default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o))


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_through_every_page_and_query(value):
    before = obs_count()
    for page in PAGES:
        for key in KEYS:
            page(**{key: value})
    for level in ("prefecture", "municipality", value):
        with pytest.raises(DataError):
            query.indicator_values(store.get_store().cursor(), value, level=level)
    assert obs_count() == before


@given(ind=texts, year=st.one_of(st.none(), st.integers(-5, 3000), st.text(max_size=6)), level=texts,
       norm=texts, cls=texts, k=st.one_of(st.integers(-5, 50), texts), bins=texts)
@settings_fuzz
def test_map_callbacks_accept_junk(ind, year, level, norm, cls, k, bins):
    fig, _message, _source, query_string = map_callbacks.update_map(
        ind, year, level, None, norm, cls, k, bins, "viridis", "ja", "", "", triggered={"map-indicator"})
    assert fig is not None and isinstance(query_string, str)
    ranking, table = map_callbacks.update_side(ind, year, level, None, norm, cls, k, bins, "viridis", "en")
    assert hasattr(table, "to_plotly_json") and isinstance(ranking, dict)
    turned = map_callbacks.turn_table_page(1, 0, k, ind, year, level, None, norm, cls, k, bins, "viridis", "en",
                                           triggered="map-table-pager-prev")
    assert hasattr(turned, "to_plotly_json")


@given(regions=st.lists(texts, max_size=4), ind=texts, x=texts, y=texts)
@settings_fuzz
def test_compare_industry_index_accept_junk(regions, ind, x, y):
    compare_callbacks.update([str(r) for r in regions], ind, x, y, "ja")
    industry_callbacks.update(ind, x, y, "en")
    index_callbacks.update([str(r) for r in regions], [ind], [{"type": "index-weight", "id": str(x)}], "ja")


# --- importer files --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["tidy", "gnt", "koyo", "estat"])
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".json", ".txt"]))
@example(data=b"\r\x01", suffix=".csv")     # once raised csv.Error from the e-Stat CSV reader
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_importers_on_random_bytes(tmp_path_factory, kind, data, suffix):
    p = tmp_path_factory.mktemp("fz") / f"f{suffix}"
    p.write_bytes(data)
    with contextlib.suppress(DataError):
        parse_file(kind, p, indicator="vc_investment")


@given(doc=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                        max_leaves=20))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_estat_json_of_any_shape(tmp_path_factory, doc):
    p = tmp_path_factory.mktemp("fz") / "e.json"
    p.write_text(json.dumps({"GET_STATS_DATA": doc}), encoding="utf-8")
    with contextlib.suppress(DataError):
        parse_file("estat", p, indicator="patent_applications")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("sjis.csv", "region,indicator_id,year,value\n東京都,vc_investment,2022,壱\n".encode("cp932"), "expected a number"),
    ("utf16-nobom.csv", "region,indicator_id,year,value\n".encode("utf-16-le"), "neither UTF-8 nor Shift_JIS"),
    ("utf16.csv", "region,indicator_id,year,value\n".encode("utf-16"), "no data rows under the header"),
    ("cols.csv", b"a,b,c\n1,2,3\n", "missing column for region"),
    ("dup.csv", "region,indicator_id,year,value\n大阪府,vc_investment,2022,1\n大阪,vc_investment,2022,2\n".encode(),
     "duplicate rows"),
    ("where.csv", "region,indicator_id,year,value\nアトランティス,vc_investment,2022,1\n".encode(), "unknown region"),
    ("fake.xlsx", b"PK\x03\x04 not really a workbook", "cannot parse as a table"),
])
def test_malformed_files_are_refused_and_nothing_changes(tmp_path, name, content, message):
    run_import("tidy", _write(tmp_path, "ok.csv", "region,indicator_id,year,value\n東京都,vc_investment,2022,5\n"))
    before = _user_rows()
    with pytest.raises(DataError, match=message):
        run_import("tidy", _write(tmp_path, name, content))
    assert _user_rows() == before


def test_huge_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "huge.csv"
    with open(big, "wb") as f:
        f.truncate(60 * 1024 * 1024)
    with pytest.raises(DataError, match="the limit is"):
        run_import("tidy", big)


def _write(tmp_path, name, content):
    p = tmp_path / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return p


def _user_rows():
    con = duckdb.connect(str(store.user_db_path()), read_only=True)
    try:
        return sorted(con.execute("SELECT * FROM user_observations").fetchall())
    finally:
        con.close()
