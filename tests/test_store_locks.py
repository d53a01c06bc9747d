"""Reads during an import wait briefly or say "busy, retry"; two imports at once both land, intact."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import duckdb

from bench.server import ROOT
from loaders import store
from loaders.importers import run_import
from tests.test_store_failures import leftovers, run_cli, tidy


def served(indicator: str = "vc_investment") -> dict[str, float]:
    from loaders import query

    df = query.indicator_values(store.get_store().cursor(), indicator, year=2022)
    return {k: v for k, v in zip(df["region_code"], df["value"], strict=True) if v == v}


def imports_logged() -> list[int]:
    con = duckdb.connect(str(store.user_db_path()), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT import_id FROM imports ORDER BY 1").fetchall()]
    finally:
        con.close()


def test_an_export_during_an_import_waits_briefly_then_answers(tmp_path):
    run_import("tidy", tidy(tmp_path, 5))
    con = store.open_user_store()        # an import in the middle of its transaction
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM user_observations")
        t0 = time.monotonic()
        done = run_cli("export", "indicator", "vc_investment", env={"CHIIKI_LOCK_TIMEOUT": "10"})
        waited = time.monotonic() - t0
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "13,東京都,2022,5.0" in done.stdout          # the data as it was before the import
    assert waited < 10                                   # it did not wait for the whole timeout


def test_a_read_with_nothing_built_yet_says_busy_retry(tmp_path):
    run_import("tidy", tidy(tmp_path, 5))
    store.serving_db_path().unlink()
    con = store.open_user_store()
    try:
        t0 = time.monotonic()
        done = run_cli("export", "indicator", "vc_investment", env={"CHIIKI_LOCK_TIMEOUT": "1"})
        waited = time.monotonic() - t0
    finally:
        con.close()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("chiiki: error: busy:") and "retry" in done.stderr
    assert 1 <= waited < 30
    assert served() == {"13": 5.0}                       # and once the import is done, it answers


def test_two_import_processes_at_once(tmp_path):
    files = [tidy(tmp_path, 5, "東京都"), tidy(tmp_path, 7, "大阪府"), tidy(tmp_path, 9, "北海道")]
    procs = [subprocess.Popen([sys.executable, "-m", "chiiki_cli", "import", "tidy", str(f)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outs]
    assert imports_logged() == [1, 2, 3]
    store.reset_store()
    assert served() == {"13": 5.0, "27": 7.0, "01": 9.0}   # the file swapped in last was read last
    assert leftovers(store.user_dir()) == []


def test_two_imports_at_once_in_one_process(tmp_path):
    """Two uploads in two threads of one worker."""
    files = [tidy(tmp_path, 5, "東京都"), tidy(tmp_path, 7, "大阪府")]
    start = threading.Barrier(len(files))
    errors: list[BaseException] = []

    def upload(path):
        start.wait()
        try:
            run_import("tidy", path)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert imports_logged() == [1, 2]
    store.reset_store()
    assert served() == {"13": 5.0, "27": 7.0}
