"""Serving database: derived indicators by hand, edition priority, read-only, atomic swap."""

from __future__ import annotations

import duckdb
import pytest

from loaders import query, store
from loaders.errors import DataError
from tests.helpers import make_data_dir

OBS = [
    # indicator, region, year, value, dataset
    ("E6302", "01", 2020, 30.0, "test-a"),
    ("A1101", "01", 2020, 1000.0, "test-a"),
    ("E6302", "13", 2020, 50.0, "test-a"),
    ("A1101", "13", 2020, 0.0, "test-a"),        # zero denominator → no value, not inf
    ("E6302", "00", 2020, 80.0, "test-a"),
    ("A1101", "00", 2020, 1000.0, "test-a"),
    ("A1101", "00", 2020, 2000.0, "test-b"),     # later edition wins for the same key
    ("C2108", "01", 2016, 40.0, "test-a"),
    ("C2108", "01", 2021, 50.0, "test-a"),
    ("A1101", "01", 2019, 800.0, "test-a"),
    ("A1101", "01", 2022, 1200.0, "test-a"),
]


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    d = make_data_dir(tmp_path / "data", OBS, datasets={"test-a": 10, "test-b": 20})
    monkeypatch.setenv("CHIIKI_DATA_DIR", str(d))
    store.reset_store()
    return store.get_store().cursor()


def values(cur, ind, year=None):
    df = query.indicator_values(cur, ind, year=year)
    return dict(zip(df["region_code"], df["value"], strict=True))


def test_same_year_ratio_by_hand(tiny):
    v = values(tiny, "univ_students_per_1000", 2020)
    assert v["01"] == pytest.approx(30 / 1000 * 1000)      # 30.0
    assert v["00"] == pytest.approx(80 / 2000 * 1000)      # 40.0: test-b's population wins
    assert v["13"] != v["13"]                               # NaN: zero denominator gives no value


def test_nearest_year_denominator_by_hand(tiny):
    # estab_per_1000 uses the population of the nearest year. 2021: 2020 and 2022 are equally near and
    # the earlier one is used (1000); 2016: 2019 is nearest (800).
    assert values(tiny, "estab_per_1000", 2021)["01"] == pytest.approx(50 / 1000 * 1000)
    assert values(tiny, "estab_per_1000", 2016)["01"] == pytest.approx(40 / 800 * 1000)


def test_latest_year_is_default_and_missing_regions_stay(tiny):
    df = query.indicator_values(tiny, "A1101")
    assert set(df["year"]) == {2022}
    assert list(df["region_code"]) == ["00", "01", "13"]
    assert df.set_index("region_code")["value"].isna().to_dict() == {"00": True, "01": False, "13": True}


@pytest.mark.parametrize(("ind", "kwargs", "message"), [
    ("A110", {}, "unknown indicator 'A110'; did you mean"),
    ("A1101", {"year": 1999}, "no prefecture data for 1999; years available: 2019, 2020, 2022"),
    ("gnt_per_100k_estab", {}, "is not loaded; load it with: chiiki import gnt FILE"),
    ("A1101", {"level": "planet"}, "unknown level 'planet'"),
    ("A1101", {"level": "municipality"}, "has no municipality data"),
    ("lq_employees", {}, "has one value per industry; use `chiiki export lq` --measure employees"),
])
def test_query_errors_name_the_problem(tiny, ind, kwargs, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(")):
        query.indicator_values(tiny, ind, **kwargs)


def test_catalog_status(tiny):
    cat = query.catalog(tiny).set_index("id")
    assert cat.loc["univ_students_per_1000", "status"] == "loaded"
    assert cat.loc["opening_rate", "status"] == "not loaded"
    assert list(cat.loc["A1101", "prefecture_years"]) == [2019, 2020, 2022]


def test_serving_database_is_read_only(tiny):
    with pytest.raises(duckdb.Error):
        tiny.execute("CREATE TABLE x (a INT)")
    with pytest.raises(duckdb.Error):
        tiny.execute("DELETE FROM observations")


def test_rebuild_swaps_file_while_reader_keeps_old_snapshot(tiny):
    before = tiny.execute("SELECT count(*) FROM observations").fetchone()[0]
    path = store.serving_db_path()
    inode = path.stat().st_ino
    store.build_serving_db()
    assert path.stat().st_ino != inode                 # a new file was swapped in
    assert tiny.execute("SELECT count(*) FROM observations").fetchone()[0] == before
    assert not list(path.parent.glob(".serving-*"))    # no temporary left behind


def test_serving_db_rebuilt_when_data_changes(tmp_path, monkeypatch):
    d = make_data_dir(tmp_path / "d1", OBS[:2])
    monkeypatch.setenv("CHIIKI_DATA_DIR", str(d))
    first = store.ensure_serving_db()
    mtime = first.stat().st_mtime_ns
    assert store.ensure_serving_db().stat().st_mtime_ns == mtime     # unchanged data: reused
    make_data_dir(d, OBS[:3])
    store.ensure_serving_db()
    con = duckdb.connect(str(first), read_only=True)
    assert con.execute("SELECT count(*) FROM observations").fetchone()[0] == 3
    con.close()


def test_cursor_per_thread(tiny):
    import threading

    s = store.get_store()
    seen = []
    t = threading.Thread(target=lambda: seen.append(s.cursor()))
    t.start()
    t.join()
    assert seen[0] is not s.cursor()
    assert s.cursor() is s.cursor()


# --- snapshots, swaps and limits ---------------------------------------------------------------------------

def _tokyo_vc(cur) -> float | None:
    rows = cur.execute("SELECT value FROM obs WHERE indicator_id = 'vc_investment' AND region_code = '13'").fetchall()
    return rows[0][0] if rows else None


def _write_user_value(value: float) -> None:
    """What an import in another process leaves behind: a committed user store and a new serving file."""
    con = store.open_user_store()
    try:
        n = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
        con.execute("INSERT INTO imports VALUES (?, 'tidy', 'x.csv', 'x', now()::TIMESTAMP, 1, 'vc_investment', NULL)",
                    [n])
        con.execute("INSERT OR REPLACE INTO user_observations VALUES ('vc_investment', '13', 2022, ?, NULL, ?)",
                    [value, n])
    finally:
        con.close()
    store.build_serving_db()


def test_a_swapped_serving_file_is_served_while_old_snapshots_stay_open():
    old = store.get_store().cursor()        # a request still running on the old file
    _write_user_value(5.0)
    new = store.get_store().cursor()        # no reset: this is how another process's import arrives
    assert _tokyo_vc(new) == 5.0            # not the old file again from DuckDB's instance cache
    assert _tokyo_vc(old) is None           # and the old snapshot still answers, unchanged
    _write_user_value(8.0)
    assert _tokyo_vc(store.get_store().cursor()) == 8.0


def test_one_request_sees_one_snapshot():
    from app import server

    with server.test_request_context("/api/v1/values"):
        server.preprocess_request()          # the before-request hook pins the store
        first = store.get_store()
        _write_user_value(5.0)               # an import finishes in the middle of the request
        assert store.get_store() is first and _tokyo_vc(store.get_store().cursor()) is None
    with server.test_request_context("/api/v1/values"):
        server.preprocess_request()
        assert _tokyo_vc(store.get_store().cursor()) == 5.0    # the next request has the new data


def test_reset_store_never_breaks_a_request_in_flight():
    cur = store.get_store().cursor()
    store.reset_store()                     # an upload in another thread of the same worker
    assert cur.execute("SELECT count(*) FROM obs").fetchone()[0] > 0


def test_duckdb_limits_come_from_the_environment(monkeypatch):
    def settings(con):
        return con.execute("SELECT current_setting('memory_limit'), current_setting('threads')").fetchone()

    assert settings(store.get_store().cursor()) == ("488.2 MiB", 2)     # 512MB and 2 threads by default
    monkeypatch.setenv("CHIIKI_DUCKDB_MEMORY_LIMIT", "256MB")
    monkeypatch.setenv("CHIIKI_DUCKDB_THREADS", "1")
    store.reset_store()
    assert settings(store.get_store().cursor()) == ("244.1 MiB", 1)
    con = store.open_user_store()
    try:
        assert settings(con) == ("244.1 MiB", 1)
    finally:
        con.close()
