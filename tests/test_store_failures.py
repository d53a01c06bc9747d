"""A full disk, a damaged user store or a read-only user directory never takes the bundled data down,
never leaves temporary files behind, and is reported in one message saying how to repair it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from loaders import query, store
from loaders.errors import DataError
from loaders.importers import run_import

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict | None = None, file_limit: int | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """``chiiki ARGS`` in a new process (with this test's user directory); ``file_limit`` caps the size
    of every file it writes, which is how a full disk looks to the program (EFBIG instead of ENOSPC)."""
    def cap() -> None:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # fail the write instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run([sys.executable, "-m", "chiiki_cli", *args], cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout,
                          preexec_fn=cap if file_limit else None)


def tidy(tmp_path: Path, value: float, region: str = "東京都", name: str | None = None) -> Path:
    p = tmp_path / (name or f"vc-{region}-{value:g}.csv")
    p.write_text(f"region,indicator_id,year,value\n{region},vc_investment,2022,{value:g}\n", encoding="utf-8")
    return p


def tokyo() -> float | None:
    """Tokyo's imported figure as served now; None when no import is served."""
    try:
        df = query.indicator_values(store.get_store().cursor(), "vc_investment", year=2022)
    except DataError as exc:
        assert "is not loaded" in str(exc)
        return None
    value = df.set_index("region_code")["value"].get("13")
    return None if value != value else value


def user_log() -> list[tuple]:
    con = duckdb.connect(str(store.user_db_path()), read_only=True)
    try:
        return (con.execute("SELECT import_id, source_file FROM imports ORDER BY 1").fetchall()
                + con.execute("SELECT * FROM user_observations ORDER BY ALL").fetchall())
    finally:
        con.close()


def leftovers(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir() if p.name.startswith(".serving-") or p.name.endswith(".part"))


# --- disk full --------------------------------------------------------------------------------------------

def test_failed_build_keeps_the_previous_serving_file(tmp_path, monkeypatch, request):
    run_import("tidy", tidy(tmp_path, 5))
    serving = store.serving_db_path()
    before = serving.read_bytes()
    seen_temporary: list[str] = []
    real = store._create_views

    def disk_full(con):
        con.execute("CREATE TABLE filler AS SELECT range AS i FROM range(100000)")
        seen_temporary.extend(leftovers(serving.parent))
        raise duckdb.IOException(f'IO Error: Could not write file "{serving.parent}/x": No space left on device')

    monkeypatch.setattr(store, "_create_views", disk_full)
    # The dashboard also tries a copy in the temporary directory, which fails the same way.
    request.addfinalizer(lambda: shutil.rmtree(store.fallback_serving_path().parent, ignore_errors=True))
    with pytest.raises(DataError, match="No space left on device") as err:
        run_import("tidy", tidy(tmp_path, 8))
    message = str(err.value)
    assert "previous serving data stays in service" in message and "chiiki doctor --rebuild" in message
    assert any(n.endswith(".wal") for n in seen_temporary)      # the build had a log to clean up
    assert leftovers(serving.parent) == []
    assert serving.read_bytes() == before

    # Every later request still gets the previous figures instead of a 500, and health says why.
    store.reset_store()
    assert tokyo() == 5.0
    h = store.health()
    assert h["status"] == "degraded" and "No space left on device" in h["reason"]
    assert any(p["repair"].endswith("`chiiki doctor --rebuild`") for p in h["problems"])

    monkeypatch.setattr(store, "_create_views", real)
    store.build_serving_db()   # what `chiiki doctor --rebuild` does once there is room again
    assert tokyo() == 8.0 and store.health()["status"] == "ok"


def test_disk_full_in_a_real_import_process(tmp_path):
    run_import("tidy", tidy(tmp_path, 5))
    serving = store.serving_db_path()
    before = serving.read_bytes()
    # 4 MB holds the user store and its backup but not the 13 MB serving database.
    done = run_cli("import", "tidy", str(tidy(tmp_path, 8)), file_limit=4_000_000)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("chiiki: error: could not build the serving database")
    assert "File too large" in done.stderr and "chiiki doctor --rebuild" in done.stderr
    assert leftovers(serving.parent) == [] and serving.read_bytes() == before
    # The import itself was saved; only the serving database is behind.
    assert [r[:2] for r in user_log()[:2]] == [(1, "vc-東京都-5.csv"), (2, "vc-東京都-8.csv")]

    h = store.health(current=False)
    assert h["status"] == "degraded" and "older than" in h["reason"]
    assert run_cli("doctor", "--rebuild").returncode == 0
    store.reset_store()
    assert tokyo() == 8.0


def test_a_failed_user_store_write_changes_nothing(tmp_path):
    run_import("tidy", tidy(tmp_path, 5))
    before = user_log()
    rows = ["region,indicator_id,year,value"] + [f"{p:02d},vc_investment,{y},{y + p}"
                                                 for y in range(1900, 1940) for p in range(1, 48)]
    big = tmp_path / "big.csv"
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    # The store exists and is backed up, so the import only has its log to write; 1,880 values need
    # more than 20 KB of it.
    done = run_cli("import", "tidy", str(big), file_limit=20_000)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "could not write the user store" in done.stderr and "Nothing was imported" in done.stderr
    assert user_log() == before
    assert run_cli("import", "tidy", str(tidy(tmp_path, 8))).returncode == 0   # and it takes the next import


def test_leftovers_of_a_killed_build_are_removed(user_dir):
    for name in (".serving-dead1.duckdb", ".serving-dead1.duckdb.wal", ".serving-dead2.duckdb.wal"):
        (user_dir / name).write_bytes(b"x" * 100)
    store.build_serving_db()
    assert leftovers(user_dir) == []


# --- a damaged user store --------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_user_store_serves_the_bundled_data_and_is_restored(tmp_path, damage):
    run_import("tidy", tidy(tmp_path, 5))
    run_import("tidy", tidy(tmp_path, 8))
    path = store.user_db_path()
    if damage == "garbage":
        path.write_bytes(b"not a database " * 1000)
    else:
        path.write_bytes(path.read_bytes()[:300_000])
    store.reset_store()

    assert tokyo() is None                                       # the bundled data serves, without imports
    assert query.indicator_values(store.get_store().cursor(), "A1101").shape[0] > 40
    h = store.health()
    assert h["status"] == "degraded" and h["user_store"]["status"] == "unreadable"
    assert [p["repair"] for p in h["problems"] if p["code"] == "user_store"] == ["chiiki doctor --restore-backup"]

    with pytest.raises(DataError, match="chiiki doctor --restore-backup"):
        run_import("tidy", tidy(tmp_path, 9))                    # never writes into a damaged store
    if damage == "garbage":   # the command line, once: the same functions as above
        export = run_cli("export", "indicator", "A1101")
        assert export.returncode == 0 and export.stdout.startswith("region_code,")
        doctor = run_cli("doctor")
        assert doctor.returncode == 1
        assert "cannot be read" in doctor.stdout and "repair: chiiki doctor --restore-backup" in doctor.stdout
        repaired = run_cli("doctor", "--restore-backup")
        assert repaired.returncode == 0, repaired.stdout + repaired.stderr
        report = repaired.stderr
    else:
        report = store.restore_backup()
    assert "restored the user store" in report and "2 imports" in report
    assert list(store.backup_dir().glob("set-aside-*.duckdb"))   # the damaged file is kept, not deleted
    store.reset_store()
    assert tokyo() == 8.0 and store.health()["status"] == "ok"


def test_restore_without_a_backup_says_so(tmp_path):
    store.user_db_path().write_bytes(b"junk" * 100)
    h = store.health()
    repair = next(p["repair"] for p in h["problems"] if p["code"] == "user_store")
    assert repair.startswith(f"mv '{store.user_db_path()}'")
    with pytest.raises(DataError, match="no readable backup"):
        store.restore_backup()


# --- a read-only user directory --------------------------------------------------------------------------

@contextmanager
def read_only(d: Path):
    """``d`` read-only for this process: by permissions, or for root (which ignores them) by a read-only
    bind mount."""
    if os.geteuid() != 0:
        d.chmod(0o555)
        try:
            yield
        finally:
            d.chmod(0o755)
        return
    if not shutil.which("mount") or subprocess.run(["mount", "--bind", d, d], capture_output=True).returncode:
        pytest.skip("running as root without permission to mount: cannot make a read-only directory")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", d, d], capture_output=True).returncode:
            pytest.skip("cannot remount read-only")
        yield
    finally:
        subprocess.run(["umount", d], check=True)


def test_read_only_user_directory_serves_and_refuses_imports_clearly(tmp_path, user_dir):
    run_import("tidy", tidy(tmp_path, 5))
    store.serving_db_path().unlink()          # e.g. a new release: the serving file must be rebuilt
    store.reset_store()
    try:
        with read_only(user_dir):
            assert tokyo() == 5.0                                        # data and imports, from a copy
            h = store.health()
            assert h["status"] == "degraded" and h["serving"]["fallback"]
            assert any("CHIIKI_USER_DIR" in p["repair"] for p in h["problems"])
            export = run_cli("export", "indicator", "vc_investment")
            assert export.returncode == 0 and "13,東京都,2022,5.0" in export.stdout
            imp = run_cli("import", "tidy", str(tidy(tmp_path, 8)))
            assert imp.returncode == 2 and "Traceback" not in imp.stderr and "not writable" in imp.stderr
    finally:
        store.reset_store()
        shutil.rmtree(store.fallback_serving_path().parent, ignore_errors=True)
