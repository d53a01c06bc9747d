"""Results precomputed into the serving file (issue 15): the same figures as computed live, read instead
of computed on a worker's first request, rebuilt with every import and every change of the code, and a
damaged one computed again rather than served."""

from __future__ import annotations

import ast
import dataclasses
import logging
import math
import pickle
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import store
from loaders.errors import DataError
from loaders.importers import run_import
from metrics import cache, precompute, service


@pytest.fixture
def precomputed(monkeypatch):
    """A serving file built with its precomputed results, every memo empty."""
    monkeypatch.setenv(precompute.ENV, "1")
    store.reset_store()
    _clear_memos()
    s = store.get_store()
    assert s.meta["derived"] == precompute.code_fingerprint()
    yield s
    _clear_memos()


def _clear_memos() -> None:
    for fn in cache.REGISTRY.values():
        fn.cache_clear()


def _split(key: str) -> tuple[str, tuple]:
    name, _, rest = key.partition("(")
    return name, ast.literal_eval("(" + rest)


def same(a, b, where: str = "") -> None:
    """Deep equality of results: frames and series exactly (NaN = NaN), containers element-wise."""
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=where)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, obj=where)
    elif isinstance(a, pd.Index):
        pd.testing.assert_index_equal(a, b, obj=where)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    elif dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), where
    elif hasattr(a, "__dict__") and not isinstance(a, type):
        assert type(a) is type(b), where
        same(vars(a), vars(b), where)
    else:
        assert a == b, where


def test_every_precomputed_result_equals_the_live_computation(precomputed, monkeypatch):
    blobs = dict(precomputed.cursor().execute("SELECT key, payload FROM derived").fetchall())
    names = {_split(k)[0] for k in blobs}
    # What the pages' cold paths need is there: one of each kind, the 47 prefecture profiles, and
    # every prefecture indicator's comparison.
    assert {"prefecture_profile", "comparison", "_findings", "_finding_tables", "profile_deviations",
            "region_peers_default", "_lq", "_municipal_base", "municipal_peer_profile", "_index",
            "index_table", "series_all", "findings_table"} <= names
    assert sum(_split(k)[0] == "prefecture_profile" for k in blobs) == 47
    cat = service._cached_catalog()
    loaded = {i for i, k, y in zip(cat["id"], cat["kind"], cat["prefecture_years"], strict=True)
              if k != "lq" and service._has_years(y)}
    assert {_split(k)[1][0] for k in blobs if _split(k)[0] == "comparison"} == loaded
    assert "lq_rows_by_code" not in names          # rebuilt from the stored tables, not stored twice
    # Now compute everything live: the same file, its stored results out of reach.
    monkeypatch.setattr(store.ReadOnlyStore, "derived", lambda self, key: None)
    _clear_memos()
    for key, blob in blobs.items():
        name, args = _split(key)
        same(pickle.loads(blob), cache.REGISTRY[name](*args), key)


def test_a_first_visit_reads_what_was_precomputed(precomputed):
    with cache.recording() as computed:
        service.cached_prefecture_profile("27")
        service.cached_comparison("aging_rate", None)
        service.cached_findings_table("40", "en")
        service.cached_lq_table("employees", None, "municipality", "nation")
        profile = service.cached_municipal_profile("27100", "ja")
    # Only the one municipality's profile is computed (from the stored base, its LQ rows rebuilt).
    assert set(computed) == {"_municipal_profile('27100', 'ja')"}
    assert profile["code"] == "27100"


def test_without_precomputed_results_everything_is_computed(monkeypatch):
    monkeypatch.setenv(precompute.ENV, "0")
    store.reset_store()
    _clear_memos()
    s = store.get_store()
    assert s.cursor().execute("SELECT count(*) FROM derived").fetchone()[0] == 0
    with cache.recording() as computed:
        service.cached_prefecture_profile("27")
    assert "prefecture_profile('27',)" in computed and "_finding_tables()" in computed


def test_an_import_rebuilds_the_precomputed_results(precomputed, tmp_path):
    with pytest.raises(DataError, match="not loaded"):
        service.cached_comparison("vc_investment", None)
    src = tmp_path / "vc.csv"
    src.write_text("region,indicator_id,year,value\n東京都,vc_investment,2022,5\n", encoding="utf-8")
    run_import("tidy", src)
    s = store.get_store()
    assert s.version != precomputed.version
    with cache.recording() as computed:
        after = service.cached_comparison("vc_investment", None)
    assert computed == {}                             # read from the rebuilt file, not computed
    tokyo = after.set_index("region_code").loc["13"]
    assert int(after["year"].iloc[0]) == 2022 and tokyo["value"] == 5


def test_new_metric_code_rebuilds_and_a_reader_without_it_keeps_the_file(precomputed, monkeypatch):
    path = store.serving_db_path()
    built = store._serving_meta(path)["built_at"], path.stat().st_mtime_ns
    # A process that only reads tables (no builder registered) serves the file as it is.
    with monkeypatch.context() as m:
        m.setattr(store, "_derived_builder", None)
        assert store.ensure_serving_db() == path
        assert (store._serving_meta(path)["built_at"], path.stat().st_mtime_ns) == built
    # Another version of the metric code: its results would differ, so the file is rebuilt.
    monkeypatch.setattr(precompute, "_sources_digest", lambda: "0123456789abcdef")
    store.ensure_serving_db()
    assert store._serving_meta(path)["derived"] == "0123456789abcdef:on"
    assert path.stat().st_mtime_ns != built[1]


def test_a_damaged_payload_is_computed_again(precomputed, tmp_path, caplog):
    key = "comparison('A1101', None)"
    expected = service.cached_comparison("A1101", None)
    copy = tmp_path / "damaged.duckdb"
    shutil.copy(precomputed.path, copy)
    con = duckdb.connect(str(copy))
    con.execute("UPDATE derived SET payload = 'not a pickle'::BLOB WHERE key = ?", [key])
    con.close()
    damaged = store.ReadOnlyStore(copy)
    token = store._pin.set([damaged])
    try:
        with caplog.at_level(logging.WARNING, logger="metrics.cache"), cache.recording() as computed:
            got = service.cached_comparison("A1101", None)
    finally:
        store._pin.reset(token)
        damaged.close()
    pd.testing.assert_frame_equal(got, expected)
    assert key in computed and "could not be read" in caplog.text


@settings(max_examples=100, deadline=None)
@given(codes=st.lists(st.sampled_from(["01", "02", "13", "47"]), max_size=30))
def test_rows_by_code_equal_groupby(codes):
    frame = pd.DataFrame({"region_code": codes, "v": range(len(codes))})
    rows = service.RowsByCode(frame, "region_code")
    parts = dict(tuple(frame.groupby("region_code", sort=False)))
    assert set(rows.ranges) == set(parts)
    for code, part in parts.items():
        pd.testing.assert_frame_equal(rows.get(code), part)
    assert rows.get("99") is None


def test_first_uses_from_many_threads_agree_with_one_thread():
    # A worker now runs its keep-warm thread beside the request thread (and `chiiki serve` is threaded):
    # memoised tables computed concurrently on first use must equal those computed alone.
    import threading

    def work(i: int) -> dict:
        return {"lq": service.cached_lq_table(("employees", "establishments", "value_added")[i % 3], None),
                "profile": service.cached_prefecture_profile(f"{i % 47 + 1:02d}")["headline"],
                "comparison": service.cached_comparison("aging_rate", None),
                "series": service.cached_series("A1101", ["13", "00", "block-kanto"])}

    _clear_memos()
    alone = {i: work(i) for i in range(6)}
    _clear_memos()
    together: dict[int, dict] = {}
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            together[i] = work(i)
        except BaseException as exc:   # reported below with the thread's case
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i in alone:
        same(together[i], alone[i], f"case {i}")
