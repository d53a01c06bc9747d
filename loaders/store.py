"""The one place that opens DuckDB.

* The **serving database** is a file built from ``data/*.parquet`` plus the user's imports. It is
  written to a temporary file and swapped in with ``os.replace``, so a running server never sees a
  half-written database. Readers open it read-only through a fresh in-memory DuckDB instance that
  ATTACHes the file, with one cursor per thread. Why not ``duckdb.connect(path)``: DuckDB caches
  database instances by path, so after a swap it would hand back the *old* instance (and the old
  figures) for as long as any connection to it is open. A new instance opens the new file; requests
  still running keep the old one, and the kernel frees the replaced file when the last of them lets go,
  so no old serving file is ever left behind.
* Every web request **pins** one store (``begin_request``/``end_request``, or ``snapshot()``): all
  ``get_store()`` calls within it return the same snapshot, so one response never mixes two versions.
* The **user store** (``user.duckdb`` in the user data directory) holds imported observations and
  the import log. Only the importer writes it, inside one transaction per import, holding an
  exclusive lock file (``user.duckdb.lock``); readers of the user store take the lock shared. After
  every import a verified copy goes to ``backups/`` (the newest few are kept).
* Builds of one serving file are serialised by ``serving.duckdb.lock``; a build that fails (disk
  full, read-only directory) removes its temporary files and leaves the previous file in service.
* The bundled data always serves: a damaged user store is left out (and reported by ``health()``),
  and if the user directory cannot be written the serving file is built in the system's temporary
  directory instead.
* **Derived results** (findings, comparisons, profiles for every region) are computed once per build
  and stored in the serving file's ``derived`` table, so no worker pays for them on a user's first
  click. What to compute is registered by the metrics layer (``register_derived``); this module only
  runs it against the new file (pinned as the store, so everything it reads is the new data) and
  serves the stored bytes back by key. The registration's code fingerprint is part of the serving
  file's fingerprint: new metric code rebuilds the file instead of serving results of the old code.
* DuckDB's ``memory_limit`` and ``threads`` come from ``CHIIKI_DUCKDB_MEMORY_LIMIT`` (default 512MB)
  and ``CHIIKI_DUCKDB_THREADS`` (default 2) for every connection of the process; lock waits from
  ``CHIIKI_LOCK_TIMEOUT`` (seconds, default 60).

The bundled ``data/`` directory is never written by any of it.
"""

from __future__ import annotations

import contextvars
import errno
import hashlib
import itertools
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

try:
    import fcntl
except ImportError:   # Windows has no flock; a single-user `chiiki serve` there runs without the locks
    fcntl = None  # type: ignore[assignment]

from loaders.build import OPTIONAL_TABLES, TABLES
from loaders.catalog import static_indicators
from loaders.errors import DataError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

USER_SCHEMA = """
CREATE TABLE IF NOT EXISTS imports (
    import_id INTEGER PRIMARY KEY,
    kind VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    rows INTEGER NOT NULL,
    indicators VARCHAR NOT NULL,
    source_note VARCHAR
);
CREATE TABLE IF NOT EXISTS user_observations (
    indicator_id VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    unit VARCHAR,
    import_id INTEGER NOT NULL,
    PRIMARY KEY (indicator_id, region_code, year)
);
"""

ENV_MEMORY_LIMIT = "CHIIKI_DUCKDB_MEMORY_LIMIT"
ENV_THREADS = "CHIIKI_DUCKDB_THREADS"
ENV_LOCK_TIMEOUT = "CHIIKI_LOCK_TIMEOUT"
DEFAULT_MEMORY_LIMIT = "512MB"   # a 2-core city-hall server with a few workers and other services on it
DEFAULT_THREADS = 2
DEFAULT_LOCK_TIMEOUT = 60.0      # a build takes ≈ 8 s with its precomputed results; a queue of imports more
READ_WAIT = 2.0                  # a reader waits this long for an import before serving the current file
KEEP_BACKUPS = 5
_ALIAS = "serving"

DERIVED_SCHEMA = "CREATE TABLE derived (key VARCHAR PRIMARY KEY, size BIGINT NOT NULL, payload BLOB NOT NULL)"
# Payloads up to this size are read into memory together, once per snapshot: a point read of a blob
# costs DuckDB milliseconds (it decompresses the blocks around it), a dict lookup nothing. The few
# larger ones (municipal tables, MBs each) are read when first asked for.
DERIVED_PRELOAD_BYTES = 256 * 1024


@dataclass(frozen=True)
class DerivedBuilder:
    """What a build precomputes: ``build()`` yields (key, payload) pairs, run with the new file pinned
    as the store; ``code`` identifies the code that computes them (a change rebuilds the file)."""

    code: Callable[[], str]
    build: Callable[[], Iterable[tuple[str, bytes]]]


_derived_builder: DerivedBuilder | None = None


def register_derived(code: Callable[[], str], build: Callable[[], Iterable[tuple[str, bytes]]]) -> None:
    """Register what every serving-file build precomputes (the metrics layer calls this on import).

    ``code()`` is asked at every build and every freshness check, so a setting it depends on may
    change at run time. Registering again replaces the builder; a serving file built under another
    code fingerprint is stale and is rebuilt.
    """
    global _derived_builder
    _derived_builder = DerivedBuilder(code, build)


def derived_code() -> str:
    """The registered builder's code fingerprint, or ``"none"``."""
    return _derived_builder.code() if _derived_builder else "none"


class StoreError(DataError):
    """The store cannot be written or read (disk full, read-only directory, damaged file).

    The message says what happened, what stays in service and the command that repairs it.
    """


class StoreBusy(StoreError):
    """Another process holds the lock for longer than ``CHIIKI_LOCK_TIMEOUT``: retry in a moment."""


# --- paths and settings -----------------------------------------------------------------------------

def data_dir() -> Path:
    """The bundled dataset (``CHIIKI_DATA_DIR`` overrides, for tests)."""
    return Path(os.environ.get("CHIIKI_DATA_DIR", PROJECT_ROOT / "data"))


def user_dir() -> Path:
    """Where imports and the serving database live (``CHIIKI_USER_DIR``, else XDG data home).

    Created if missing. If it cannot be created the path is still returned: readers then serve the
    bundled data and writers raise ``StoreError`` saying so.
    """
    if "CHIIKI_USER_DIR" in os.environ:
        d = Path(os.environ["CHIIKI_USER_DIR"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
        d = base / "chiiki"
    with suppress(OSError):
        d.mkdir(parents=True, exist_ok=True)
    return d


def user_db_path() -> Path:
    return user_dir() / "user.duckdb"


def serving_db_path() -> Path:
    return user_dir() / "serving.duckdb"


def backup_dir() -> Path:
    """Verified copies of the user store, one per import state, the newest ``KEEP_BACKUPS`` kept."""
    return user_dir() / "backups"


def _user_lock_path() -> Path:
    return user_dir() / "user.duckdb.lock"


def _build_lock_path(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def fallback_serving_path() -> Path:
    """Where the serving file goes when the user directory cannot be written: a private folder in the
    system's temporary directory, one per user directory."""
    key = hashlib.sha256(str(user_dir().absolute()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"chiiki-{_uid()}-{key}" / "serving.duckdb"


_notes: dict[str, dict[str, str]] = {}
_notes_lock = threading.Lock()


def _note(code: str, what: str, repair: str) -> None:
    """Remember a problem this process ran into, for ``health()`` (cleared when it is resolved)."""
    with _notes_lock:
        _notes[code] = {"code": code, "what": what, "repair": repair}


def _clear(*codes: str) -> None:
    with _notes_lock:
        for code in codes:
            _notes.pop(code, None)


_MEMORY_RE = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)$", re.IGNORECASE)


def duckdb_limits() -> dict[str, object]:
    """``memory_limit`` and ``threads`` for every DuckDB connection of this process.

    ``CHIIKI_DUCKDB_MEMORY_LIMIT`` (e.g. ``512MB``, ``2GB``; default 512MB) and
    ``CHIIKI_DUCKDB_THREADS`` (a whole number ≥ 1; default 2). They apply per process, so a server
    with N gunicorn workers uses up to N × the memory limit for queries.

    A value DuckDB would not accept never stops the data from serving: the default is used instead
    and ``health()`` names the variable. Never raises.
    """
    memory = os.environ.get(ENV_MEMORY_LIMIT, "").strip() or DEFAULT_MEMORY_LIMIT
    raw = os.environ.get(ENV_THREADS, "").strip() or str(DEFAULT_THREADS)
    threads = int(raw) if raw.isdigit() else 0
    wrong = []
    if not _MEMORY_RE.match(memory):
        wrong.append(f"{ENV_MEMORY_LIMIT}={memory!r} is not a memory size (use e.g. 512MB or 2GB)")
        memory = DEFAULT_MEMORY_LIMIT
    if threads < 1:
        wrong.append(f"{ENV_THREADS}={raw!r} is not a whole number of at least 1")
        threads = DEFAULT_THREADS
    if wrong:
        _note("limits", "; ".join(wrong) + f"; using {memory} and {threads} threads",
              f"correct or unset {ENV_MEMORY_LIMIT} / {ENV_THREADS} and restart the server")
    else:
        _clear("limits")
    return {"memory_limit": memory, "threads": threads}


def lock_timeout() -> float:
    """Seconds to wait for a lock (``CHIIKI_LOCK_TIMEOUT``, default 60).

    Raises
    ------
    DataError
        The variable is not a non-negative number.
    """
    raw = os.environ.get(ENV_LOCK_TIMEOUT, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise DataError(f"{ENV_LOCK_TIMEOUT}={raw!r} must be a number of seconds (0 or more)")
    return value


_instances = itertools.count()


def _config(*, in_memory: bool) -> dict[str, object]:
    config = dict(duckdb_limits())
    if in_memory:
        # An in-memory instance would spill to ./.tmp, shared by every worker started in the same
        # folder; give each instance its own (DuckDB creates it only when it spills, removes it on close).
        config["temp_directory"] = str(Path(tempfile.gettempdir())
                                       / f"chiiki-duckdb-{_uid()}-{os.getpid()}-{next(_instances)}")
    return config


# --- errors and what the process has noticed -----------------------------------------------------------

_IO_PATTERNS = ("no space left", "file too large", "could not write", "could not fsync", "could not truncate",
                "read-only file system", "permission denied", "disk quota", "database has been invalidated")


def _is_io_error(exc: BaseException) -> bool:
    if isinstance(exc, (OSError, duckdb.IOException)):
        return True
    return isinstance(exc, duckdb.Error) and any(p in str(exc).lower() for p in _IO_PATTERNS)


def _is_lock_conflict(exc: BaseException) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def _cause(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}" + (f": {exc.filename}" if exc.filename else "")
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^(IO|TransactionContext|Invalid Input|FATAL) Error: ", "", first)


def _free_bytes(d: Path) -> int | None:
    try:
        return shutil.disk_usage(d).free
    except OSError:
        return None


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def _space_note(d: Path) -> str:
    free = _free_bytes(d)
    return f" ({_mb(free)} free in {d})" if free is not None else ""


# --- locks ----------------------------------------------------------------------------------------------

class _FileLock:
    """An advisory ``flock`` on a lock file, shared or exclusive, waited for with a timeout.

    ``flock`` belongs to the open file, so two threads of one process exclude each other as two
    processes do (unlike ``fcntl`` record locks, which DuckDB uses on its own files).
    """

    def __init__(self, path: Path, *, shared: bool) -> None:
        self.path = path
        self.shared = shared
        self._fd: int | None = None

    def _open(self) -> int | None:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            pass
        try:
            return os.open(self.path, os.O_RDONLY)
        except OSError:
            # No lock file and none can be made: the directory is not writable, so nobody can
            # import into it either and there is nothing to exclude.
            return None

    def acquire(self, timeout: float) -> bool:
        fd = self._open() if fcntl is not None else None
        if fd is None:
            return True
        mode = (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, mode)
                self._fd = fd
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.02)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)   # closing the file releases the flock
            self._fd = None


@contextmanager
def _locked(path: Path, *, shared: bool, timeout: float, busy: str) -> Iterator[None]:
    lock = _FileLock(path, shared=shared)
    if not lock.acquire(timeout):
        raise StoreBusy(busy)
    try:
        yield
    finally:
        lock.release()


def _busy_user_store(waited: float) -> StoreBusy:
    return StoreBusy(f"busy: an import is writing the user store {user_db_path()} (waited {waited:g} s); "
                     "retry in a moment")


# --- reading files' metadata ------------------------------------------------------------------------------

_probe: tuple[int, duckdb.DuckDBPyConnection] | None = None
_probe_lock = threading.Lock()
_forked_probes: list[duckdb.DuckDBPyConnection] = []


@contextmanager
def _attached(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """``path`` attached read-only as ``f`` to the process's probe instance, one file at a time.

    A new DuckDB instance costs about 20 ms and ATTACH about 1 ms; ``/healthz`` reads two files.
    The file is detached afterwards, so the probe never holds a file an import wants to write.
    """
    global _probe
    with _probe_lock:
        if _probe is None or _probe[0] != os.getpid():
            if _probe is not None:
                _forked_probes.append(_probe[1])   # a parent's instance: never use or finalise it
            _probe = (os.getpid(), duckdb.connect(":memory:", config=_config(in_memory=True)))
        con = _probe[1]
        con.execute("ATTACH ? AS f (READ_ONLY)", [str(path)])
        try:
            yield con
        finally:
            con.execute("DETACH f")


# --- the user store as seen by readers ----------------------------------------------------------------------

@dataclass(frozen=True)
class UserState:
    """What the user store holds, as far as a reader can tell.

    ``status`` is ``ok``, ``missing``, ``unreadable`` (``detail`` says why) or ``busy`` (an import
    holds it).
    """

    status: str
    imports: int = 0
    last_import: int = 0
    observations: int = 0
    last_at: str = ""
    detail: str = ""
    stamp: str = ""

    def key(self) -> str:
        """Identifies the contents for the serving fingerprint (a repaired store gets a new key)."""
        if self.status == "ok":
            return f"ok:{self.imports}:{self.last_import}:{self.observations}:{self.last_at}"
        if self.status == "unreadable":
            return f"unreadable:{self.stamp}"
        return self.status


_state_cache: dict[tuple, UserState] = {}


def _read_user_state(path: Path) -> UserState:
    """Open ``path`` read-only and read all of it (a truncated file can still answer counts from its
    first blocks). The caller holds the user-store lock. Cached per process until the file changes.

    Raises
    ------
    StoreBusy
        Another program (not following the lock file) has the file open for writing.
    """
    key = (str(path), _stat_key(path), _stat_key(Path(f"{path}.wal")))
    if key[1] is None:
        return UserState("missing")
    if key in _state_cache:
        return _state_cache[key]
    try:
        with _attached(path) as con:
            tables = {r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'f'").fetchall()}
            if not {"imports", "user_observations"} <= tables:
                state = UserState("ok")
            else:
                n, last, at, _ = con.execute("""
                    SELECT count(*), coalesce(max(import_id), 0), coalesce(CAST(max(imported_at) AS VARCHAR), ''),
                           sum(length(kind) + length(source_file) + length(sha256) + rows + length(indicators)
                               + coalesce(length(source_note), 0))
                    FROM f.imports""").fetchone()
                obs, _ = con.execute("""
                    SELECT count(*), sum(length(indicator_id) + length(region_code) + year + value
                                         + coalesce(length(unit), 0) + import_id)
                    FROM f.user_observations""").fetchone()
                state = UserState("ok", imports=int(n), last_import=int(last), observations=int(obs), last_at=at)
    except (duckdb.Error, OSError) as exc:
        if _is_lock_conflict(exc):
            raise _busy_user_store(0) from None
        state = UserState("unreadable", detail=_cause(exc), stamp=repr(key[1:]))
    if len(_state_cache) > 32:
        _state_cache.clear()
    _state_cache[key] = state
    return state


def user_store_state(wait: float = 0.0) -> UserState:
    """The user store's state, waiting up to ``wait`` seconds for an import to finish.

    Never raises: a store held by an import for longer is reported as ``busy``, a damaged one as
    ``unreadable``.
    """
    lock = _FileLock(_user_lock_path(), shared=True)
    if not lock.acquire(wait):
        return UserState("busy", detail="an import is writing the user store")
    try:
        return _read_user_state(user_db_path())
    except StoreBusy as exc:
        return UserState("busy", detail=str(exc))
    finally:
        lock.release()


def _data_digest(data: Path) -> hashlib._Hash:
    h = hashlib.sha256()
    for name in [*(f"{t}.parquet" for t in (*TABLES, *OPTIONAL_TABLES)), "manifest.json"]:
        p = data / name
        h.update(name.encode())
        h.update(p.read_bytes() if p.exists() else b"-")
    return h


def _fingerprint(data: Path, user: UserState, derived: str | None = None) -> str:
    h = _data_digest(data)
    h.update(user.key().encode())
    h.update((derived if derived is not None else derived_code()).encode())
    return h.hexdigest()


def _fresh(meta: dict[str, str] | None, data: Path, user: UserState) -> bool:
    """Whether a serving file (its ``meta``) is of this data, user store and derived-results code.

    A process that registered no builder (a script that only reads tables) takes the file's derived
    results as they are: rebuilding without them would take them away from the server.
    """
    if meta is None:
        return False
    derived = None if _derived_builder is not None else meta.get("derived", "none")
    return meta.get("fingerprint") == _fingerprint(data, user, derived)


# --- building the serving database ------------------------------------------------------------------------

def _check_data(data: Path) -> None:
    missing = [t for t in TABLES if not (data / f"{t}.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"bundled data incomplete in {data}: missing {', '.join(missing)}; "
                                "run `chiiki build --raw PATH`")


def _remove_temp(tmp: str | Path) -> None:
    """A failed build's file with its write-ahead log and spill folder."""
    for suffix in ("", ".wal", ".tmp"):
        p = Path(f"{tmp}{suffix}")
        with suppress(OSError):
            if p.is_dir():
                shutil.rmtree(p)
            else:
                p.unlink(missing_ok=True)


def _remove_orphans(target: Path) -> None:
    # Called with the build lock held: no other build is writing, so any temporary file of this
    # target is left over from a build that was killed.
    for p in target.parent.glob(f".{target.stem}-*"):
        _remove_temp(p)


def _build_error(exc: BaseException, target: Path) -> StoreError:
    if isinstance(exc, duckdb.OutOfMemoryException):
        return StoreError(f"could not build the serving database: {_cause(exc)}; raise {ENV_MEMORY_LIMIT} "
                          f"(now {duckdb_limits()['memory_limit']}), then run `chiiki doctor --rebuild`")
    kept = ("the previous serving data stays in service" if target.exists()
            else "the bundled data will be served from a temporary copy")
    return StoreError(f"could not build the serving database in {target.parent}: {_cause(exc)}"
                      f"{_space_note(target.parent)}. Nothing was swapped in: {kept}; any import was saved "
                      "in the user store. Free disk space (or make the directory writable), then run "
                      "`chiiki doctor --rebuild`")


def build_serving_db(target: Path | None = None, data: Path | None = None) -> Path:
    """Build the serving database into a temporary file and atomically replace ``target``.

    Builds of one target wait for each other, so the file swapped in last was also read last.

    Raises
    ------
    FileNotFoundError
        ``data`` lacks one of the bundled tables.
    StoreError
        The file cannot be written (disk full, read-only directory, memory limit). The temporary
        file and its ``.wal`` are removed and ``target`` is left as it was.
    StoreBusy
        Another build held the lock for longer than ``CHIIKI_LOCK_TIMEOUT``.
    """
    target = Path(target or serving_db_path())
    data = Path(data or data_dir())
    _check_data(data)
    timeout = lock_timeout()
    with _locked(_build_lock_path(target), shared=False, timeout=timeout,
                 busy=f"busy: another process has been rebuilding {target} for {timeout:g} s; retry in a moment"):
        _remove_orphans(target)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".duckdb", dir=target.parent)
        except OSError as exc:
            err = _build_error(exc, target)
            _note("build", str(err), _repair_for(str(err), target.parent))
            raise err from exc
        os.close(fd)
        os.unlink(tmp)  # DuckDB must create the file itself
        try:
            con = duckdb.connect(tmp, config=_config(in_memory=False))
            try:
                _fill(con, data)
            finally:
                con.close()
            os.replace(tmp, target)
        except BaseException as exc:
            _remove_temp(tmp)
            if _is_io_error(exc) or isinstance(exc, duckdb.OutOfMemoryException):
                err = _build_error(exc, target)
                _note("build", str(err), _repair_for(str(err), target.parent))
                raise err from exc
            raise
    _clear("build")
    return target


def _fill(con: duckdb.DuckDBPyConnection, data: Path) -> None:
    for t in TABLES:
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet(?)", [str(data / f"{t}.parquet")])
    # Optional tables are served when the data folder has them (test folders may predate them);
    # without one, the query that needs it says how to build it.
    for t in OPTIONAL_TABLES:
        if (data / f"{t}.parquet").exists():
            con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet(?)", [str(data / f"{t}.parquet")])
    con.execute(USER_SCHEMA)
    user = _copy_user_store(con)
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("fingerprint", _fingerprint(data, user)),
        ("built_at", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("user_store", user.status),
        ("user_store_detail", user.detail),
        ("user_state", user.key()),
        ("imports", str(user.imports)),
        ("last_import", str(user.last_import)),
        ("derived", derived_code()),
    ])
    _create_views(con)
    _fill_derived(con)
    con.execute("CHECKPOINT")


class _BuildSnapshot:
    """The file being built, standing in for the serving store while its derived results are computed."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._local = threading.local()
        # Unique to this build: memo entries computed from it are never found under a served version.
        self.version = ("build", id(self), time.monotonic_ns())
        self.meta: dict[str, str] = dict(con.execute("SELECT key, value FROM meta").fetchall())
        self.path = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._local.cursor = self._con.cursor()
        return cur

    @property
    def data_version(self) -> str:
        return self.meta.get("fingerprint", "unknown")[:16]

    def derived(self, key: str) -> bytes | None:
        return None


def _fill_derived(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DERIVED_SCHEMA)
    if _derived_builder is None:
        return
    build = _BuildSnapshot(con)
    token = _pin.set([build])
    try:
        rows = list(_derived_builder.build())
    finally:
        _pin.reset(token)
    if rows:
        con.executemany("INSERT INTO derived VALUES (?, ?, ?)", [(k, len(b), b) for k, b in rows])


def _copy_user_store(con: duckdb.DuckDBPyConnection) -> UserState:
    """Copy the imports into the build, under the shared lock so the copy and its state agree.

    A damaged user store is left out (the bundled data still serves) and noted for ``health()``.
    """
    path = user_db_path()
    timeout = lock_timeout()
    with _locked(_user_lock_path(), shared=True, timeout=timeout, busy=str(_busy_user_store(timeout))):
        state = _read_user_state(path)
        if state.status == "unreadable":
            _note("user_store", _unreadable_message(state), _restore_command())
            return state
        _clear("user_store")
        if state.status == "ok" and state.imports:
            con.execute("ATTACH ? AS u (READ_ONLY)", [str(path)])
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute("INSERT INTO imports SELECT * FROM u.imports")
                con.execute("INSERT INTO user_observations SELECT * FROM u.user_observations")
                con.execute("COMMIT")
            except duckdb.Error as exc:
                con.execute("ROLLBACK")
                if str(path) not in str(exc):
                    raise   # writing the build failed: the caller reports it
                # Reading the user store failed: leave it out, like a store that does not open.
                state = UserState("unreadable", detail=_cause(exc), stamp=f"copy:{_stat_key(path)}")
                _note("user_store", _unreadable_message(state), _restore_command())
            finally:
                con.execute("DETACH u")
        return state


def _serving_meta(path: Path) -> dict[str, str] | None:
    """The ``meta`` table of a serving file, or None if it is missing or cannot be opened."""
    if not path.exists():
        return None
    try:
        with _attached(path) as con:
            return dict(con.execute("SELECT key, value FROM f.meta").fetchall())
    except (duckdb.Error, OSError):
        return None


def _owned_dir(d: Path) -> None:
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A folder with our name in a shared /tmp that someone else made is not ours to serve from.
    if d.stat().st_uid != _uid():
        raise StoreError(f"{d} belongs to another user; remove it or set TMPDIR")


def ensure_serving_db() -> Path:
    """The serving file to open: built if missing or older than ``data/`` or the user store.

    Never takes the bundled data down for a problem elsewhere: while an import holds the user store
    the current file is served (the import rebuilds it); if the file cannot be rebuilt where it
    belongs (disk full, read-only directory) a copy is built in the system's temporary directory, or
    else the previous file keeps serving. Each such fallback is noted for ``health()``.

    Raises
    ------
    FileNotFoundError
        The bundled data is incomplete and there is no serving file to fall back on.
    StoreError
        Nothing can be served: no serving file exists and none can be built (the message says why).
    StoreBusy
        An import holds the user store for longer than ``CHIIKI_LOCK_TIMEOUT`` and there is no
        serving file yet.
    """
    data = data_dir()
    primary = serving_db_path()
    meta = _serving_meta(primary)
    state = user_store_state(wait=min(READ_WAIT, lock_timeout()) if meta else lock_timeout())
    if state.status == "busy":
        if meta is not None:
            return primary
        raise _busy_user_store(lock_timeout())
    if state.status == "unreadable":
        _note("user_store", _unreadable_message(state), _restore_command())
    else:
        _clear("user_store")
    if _fresh(meta, data, state):
        _clear("fallback", "data")
        return primary
    try:
        path = build_serving_db(primary, data)
        _clear("fallback", "data")
        return path
    except StoreBusy:
        if meta is not None:
            return primary
        raise
    except FileNotFoundError as exc:
        if meta is None:
            raise
        _note("data", f"the bundled data cannot be read ({exc}); serving the previous serving file",
              "reinstall chiiki or run `chiiki build --raw PATH`")
        return primary
    except StoreError as exc:
        first = exc
    # The serving file cannot be written where it belongs: a private copy in the temporary directory
    # keeps the current data serving (and is the only way when the user directory is read-only).
    fallback = fallback_serving_path()
    try:
        _owned_dir(fallback.parent)
        fb_meta = _serving_meta(fallback)
        if not _fresh(fb_meta, data, state):
            build_serving_db(fallback, data)
        _note("fallback", f"serving from a temporary copy {fallback} because {first}",
              _repair_for(str(first), primary.parent))
        return fallback
    except (StoreError, OSError) as second:
        # What went wrong where the file belongs is what needs repair, not the fallback's failure.
        _note("build", str(first), _repair_for(str(first), primary.parent))
        if meta is not None:
            return primary
        raise StoreError(f"{first}; a temporary copy in {fallback.parent} could not be built either: "
                         f"{_cause(second.__cause__ or second)}") from second


def _writable_repair(d: Path) -> str:
    return (f"make {d} writable for the server's user (e.g. `chmod u+w {d}`) or set CHIIKI_USER_DIR to a "
            "writable directory, then run `chiiki doctor --rebuild`")


def _repair_for(error: str, d: Path) -> str:
    """The repair for a failed write, by its cause."""
    text = error.lower()
    if any(w in text for w in ("no space left", "file too large", "disk quota")):
        return f"free disk space in {d}, then run `chiiki doctor --rebuild`"
    if any(w in text for w in ("read-only", "permission denied", "not writable")):
        return _writable_repair(d)
    return "chiiki doctor --rebuild"


def _stat_key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)


class ReadOnlyStore:
    """A read-only serving snapshot shared by a process, with one cursor per thread.

    Opened through its own in-memory DuckDB instance (see the module docstring), so a snapshot is
    the file as it was when it was opened, however often it is swapped afterwards.

    Raises
    ------
    duckdb.Error, OSError
        The file cannot be opened.
    """

    def __init__(self, path: Path, *, watch: Path | None = None) -> None:
        self.path = Path(path)
        # A fallback copy also watches the regular serving file, to move back when that is rebuilt.
        self.watch = Path(watch or path)
        self.pid = os.getpid()
        # Stat before opening: if the file is swapped in between, the next call sees a change and
        # reopens, instead of keeping new data under an old version forever.
        st = self.path.stat()
        # Identifies the file opened: a rebuild swaps in a new inode, so caches keyed on it expire.
        self.version = (st.st_ino, st.st_mtime_ns)
        self._watching = self.watch != self.path
        self._watch_key = _stat_key(self.watch) if self._watching else None
        self._refused: tuple[int, int] | None = None
        self._con = duckdb.connect(":memory:", config=_config(in_memory=True))
        try:
            self._con.execute(f"ATTACH ? AS {_ALIAS} (READ_ONLY)", [str(self.path)])
            self._con.execute(f"USE {_ALIAS}")
            try:
                self.meta: dict[str, str] = dict(self._con.execute("SELECT key, value FROM meta").fetchall())
            except duckdb.Error:
                self.meta = {}
        except BaseException:
            self._con.close()
            raise
        self._local = threading.local()
        self._derived_index: dict[str, bytes | None] | None = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor, in the serving database (read-only: writes raise ``duckdb.Error``)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            cur.execute(f"USE {_ALIAS}")   # a cursor starts in the in-memory database
            self._local.cursor = cur
        return cur

    @property
    def data_version(self) -> str:
        """The short fingerprint the API and ``/healthz`` show (``query.data_version``)."""
        return self.meta.get("fingerprint", "unknown")[:16]

    def derived(self, key: str) -> bytes | None:
        """The payload the build stored under ``key``, or None (not precomputed, or by other code).

        The first call reads every key and the small payloads at once; asking for a key that was not
        precomputed then costs a dict lookup, not a query.
        """
        if self.meta.get("derived") != derived_code() or derived_code() == "none":
            return None
        index = self._derived_index
        if index is None:
            index = self._load_derived_index()
        if key not in index:
            return None
        blob = index[key]
        if blob is None:   # a large one: read when asked for
            row = self.cursor().execute("SELECT payload FROM derived WHERE key = ?", [key]).fetchone()
            blob = bytes(row[0]) if row else None
        return blob

    def _load_derived_index(self) -> dict[str, bytes | None]:
        try:
            rows = self.cursor().execute(
                "SELECT key, CASE WHEN size <= ? THEN payload END FROM derived", [DERIVED_PRELOAD_BYTES]).fetchall()
            index = {k: (bytes(b) if b is not None else None) for k, b in rows}
        except duckdb.Error:
            index = {}
        self._derived_index = index
        return index

    def _change(self) -> str:
        key = _stat_key(self.path)
        if key is None:
            return "gone"
        if key != self.version and key != self._refused:
            return "replaced"
        if self._watching and _stat_key(self.watch) != self._watch_key:
            return "gone"
        return "same"

    def close(self) -> None:
        self._con.close()


_store: ReadOnlyStore | None = None
_store_lock = threading.Lock()
_forked: list[ReadOnlyStore] = []
_pin: contextvars.ContextVar[list[ReadOnlyStore] | None] = contextvars.ContextVar("chiiki_store_pin",
                                                                                   default=None)


def _current_store() -> ReadOnlyStore:
    global _store
    with _store_lock:
        s = _store
        if s is not None and s.pid != os.getpid():
            # Opened before a fork (gunicorn --preload): DuckDB's threads did not come along, so the
            # copy must neither be used nor closed; keep a reference so it is never finalised.
            _forked.append(s)
            s = _store = None
        if s is not None:
            change = s._change()
            if change == "replaced":
                try:
                    s = _store = ReadOnlyStore(s.path, watch=s.watch)
                    _clear("reopen")
                except (duckdb.Error, OSError) as exc:
                    # Keep answering from the snapshot we have; try again when the file changes again.
                    s._refused = _stat_key(s.path)
                    _note("reopen", f"the new serving file {s.path} cannot be opened ({_cause(exc)}); still "
                                    "serving the previous one", "chiiki doctor --rebuild")
            elif change == "gone":
                s = _store = None
        if s is None:
            s = _store = ReadOnlyStore(ensure_serving_db(), watch=serving_db_path())
        return s


def get_store() -> ReadOnlyStore:
    """The serving store: the one pinned to the current request, else the process-wide one.

    If another process (an import from the data page in another worker, or the command line) has
    swapped in a new serving file, the next call outside a pinned request opens the new file; a stat
    is all it costs.

    Raises
    ------
    StoreError, StoreBusy, FileNotFoundError
        Nothing can be served (see ``ensure_serving_db``).
    """
    slot = _pin.get()
    if slot:
        return slot[0]
    s = _current_store()
    if slot is not None:
        slot.append(s)
    return s


def begin_request() -> contextvars.Token:
    """Pin a store to the current request: every ``get_store()`` until ``end_request`` returns the same
    snapshot (taken lazily, at the first call), so one response never mixes two data versions."""
    return _pin.set([])


def end_request(token: contextvars.Token) -> None:
    """Release the request's store (it closes when no request uses it any more)."""
    try:
        _pin.reset(token)
    except ValueError:   # reset from another context: there is nothing of ours to restore there
        _pin.set(None)


@contextmanager
def snapshot() -> Iterator[ReadOnlyStore]:
    """``with snapshot() as s``: one store for the block (the request's, if one is pinned)."""
    if _pin.get() is not None:
        yield get_store()
        return
    token = _pin.set([])
    try:
        yield get_store()
    finally:
        _pin.reset(token)


def reset_store() -> None:
    """Forget the process's store (after an import, or between tests); the next call looks again.

    Requests still running on the old store finish on it, and it closes when the last one lets go;
    closing it here would break them. The caller's own pinned request moves on too, since it has just
    changed the data and wants to see the change.
    """
    global _store
    with _store_lock:
        _store = None
    slot = _pin.get()
    if slot:
        slot.clear()


# --- writing the user store ---------------------------------------------------------------------------------

def _unreadable_message(state: UserState) -> str:
    return (f"the user store {user_db_path()} cannot be read ({state.detail}); the bundled data is served "
            "without your imports")


def _restore_command() -> str:
    if list_backups():
        return "chiiki doctor --restore-backup"
    p = user_db_path()
    return f"mv '{p}' '{p}.damaged'   # then import your files again (there is no backup)"


def _check_writable(d: Path) -> None:
    if not d.is_dir() or not os.access(d, os.W_OK):
        raise StoreError(f"the user directory {d} is not writable, so nothing can be imported; "
                         f"{_writable_repair(d)}")


def _space_needed() -> int:
    sizes = [p.stat().st_size if p.exists() else 0 for p in (user_db_path(), serving_db_path())]
    # The import's log and a backup of the user store, then a new serving file beside the old one.
    return 2 * sizes[0] + max(sizes[1], 16_000_000) + 8_000_000


def _check_space() -> None:
    free, need = _free_bytes(user_dir()), _space_needed()
    if free is not None and free < need:
        raise StoreError(f"not enough free disk space in {user_dir()}: {_mb(free)} free, an import needs about "
                         f"{_mb(need)} (user store, its backup and a new serving database). Nothing was "
                         "changed; free some space and import again")


class UserStore:
    """A read-write connection to the user store that holds the import lock until ``close()``.

    It behaves like the DuckDB connection it wraps, except that a write failing for lack of space
    raises ``StoreError`` (the transaction is rolled back, the store stays as it was), a ``ROLLBACK``
    after a failed ``COMMIT`` is harmless, and ``close()`` backs up the store after a commit.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, lock: _FileLock, path: Path) -> None:
        self._con = con
        self._lock = lock
        self.path = path
        self._committed = False
        self._closed = False

    def execute(self, query: str, parameters: object = None) -> duckdb.DuckDBPyConnection:
        verb = query.strip().split(None, 1)[0].upper() if query.strip() else ""
        try:
            result = self._con.execute(query) if parameters is None else self._con.execute(query, parameters)
        except duckdb.Error as exc:
            if verb == "ROLLBACK" and "no transaction is active" in str(exc):
                return self._con   # DuckDB already rolled back the COMMIT that failed
            if _is_io_error(exc):
                raise StoreError(f"could not write the user store {self.path}: {_cause(exc)}"
                                 f"{_space_note(self.path.parent)}. Nothing was imported: the store is as it was "
                                 "before. Free some disk space and import again") from exc
            raise
        if verb in ("COMMIT", "END"):
            self._committed = True
        return result

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def __enter__(self) -> UserStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._con.close()
        finally:
            try:
                if self._committed:
                    _backup_quietly()
            finally:
                self._lock.release()


def open_user_store() -> UserStore:
    """Read-write connection to the user store, schema ensured, holding the import lock.

    Callers must close it (that releases the lock, after backing up the store if they committed)
    before rebuilding the serving database: the build reads the store under a shared lock and would
    wait for this one. The store is backed up first if its current state has no backup yet.

    Raises
    ------
    StoreBusy
        Another import holds the store for longer than ``CHIIKI_LOCK_TIMEOUT``.
    StoreError
        The user directory is not writable, the disk is too full for an import, the store is damaged
        (with the command that restores it) or cannot be backed up. Nothing has been changed.
    """
    d, path = user_dir(), user_db_path()
    _check_writable(d)
    timeout = lock_timeout()
    lock = _FileLock(_user_lock_path(), shared=False)
    if not lock.acquire(timeout):
        raise StoreBusy(f"busy: another import has held the user store {path} for {timeout:g} s; "
                        "retry when it has finished")
    try:
        _check_space()
        state = _read_user_state(path)
        if state.status == "unreadable":
            raise StoreError(f"{_unreadable_message(state)}. Nothing was imported; repair it with: "
                             f"{_restore_command()}")
        _backup_user_store(state)
        try:
            con = duckdb.connect(str(path), config=_config(in_memory=False))
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the user store {path}: {_cause(exc)}") from exc
        try:
            con.execute(USER_SCHEMA)
        except BaseException as exc:
            con.close()
            if _is_io_error(exc):
                raise StoreError(f"could not write the user store {path}: {_cause(exc)}"
                                 f"{_space_note(d)}. Nothing was imported") from exc
            raise
    except BaseException:
        lock.release()
        raise
    return UserStore(con, lock, path)


# --- backups -----------------------------------------------------------------------------------------------

_BACKUP_RE = re.compile(r"^user-(\d{8}T\d{6}\d*)-imports(\d+)-last(\d+)\.duckdb$")


@dataclass(frozen=True)
class Backup:
    """One verified copy of the user store: its file, when it was made and the imports it holds."""

    path: Path
    created: str
    imports: int
    last_import: int
    size_bytes: int


def list_backups() -> list[Backup]:
    """Backups of the user store, newest first (never raises)."""
    found = []
    try:
        entries = list(backup_dir().iterdir())
    except OSError:
        return []
    for p in entries:
        m = _BACKUP_RE.match(p.name)
        if not m:
            continue
        with suppress(OSError):
            stamp = m.group(1)
            created = datetime.strptime(stamp[:15], "%Y%m%dT%H%M%S").strftime("%Y-%m-%d %H:%M:%S UTC")
            found.append(Backup(p, created, int(m.group(2)), int(m.group(3)), p.stat().st_size))
    return sorted(found, key=lambda b: b.path.name, reverse=True)


def _backup_user_store(state: UserState) -> Path | None:
    """Copy the user store to ``backups/`` unless its state is already there. Caller holds the lock
    exclusively.

    Raises
    ------
    StoreError
        The copy cannot be written or does not read back; the store itself is untouched.
    """
    if state.status != "ok" or not state.imports:
        return None
    backups = list_backups()
    if backups and (backups[0].imports, backups[0].last_import) == (state.imports, state.last_import):
        return backups[0].path
    path = user_db_path()
    wal = Path(f"{path}.wal")
    d = backup_dir()
    name = f"user-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-imports{state.imports}-last{state.last_import}.duckdb"
    part = d / f".{name}.part"
    try:
        if wal.exists() and wal.stat().st_size:
            # Committed data still in the log: fold it into the file, so the file alone is the store.
            con = duckdb.connect(str(path), config=_config(in_memory=False))
            try:
                con.execute("CHECKPOINT")
            finally:
                con.close()
        d.mkdir(exist_ok=True)
        with open(path, "rb") as src, open(part, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        copy = _read_user_state(part)
        if (copy.status, copy.imports, copy.last_import) != ("ok", state.imports, state.last_import):
            raise OSError(errno.EIO, f"the copy does not read back ({copy.detail or copy.status})")
        os.replace(part, d / name)
    except (OSError, duckdb.Error) as exc:
        _remove_temp(part)
        raise StoreError(f"could not back up the user store to {d}: {_cause(exc)}{_space_note(user_dir())}. "
                         "Nothing was imported; free some disk space and import again") from exc
    for old in list_backups()[KEEP_BACKUPS:]:
        with suppress(OSError):
            old.path.unlink()
    _clear("backup")
    return d / name


def _backup_quietly() -> None:
    # After a commit the import has happened; a failed backup must not turn it into an error, so it
    # is noted for health() and repeated before the next import.
    try:
        _backup_user_store(_read_user_state(user_db_path()))
    except (StoreError, duckdb.Error, OSError) as exc:
        _note("backup", f"the latest import has no backup: {exc}", "chiiki doctor --backup")


def backup_user_store() -> str:
    """Back up the user store now (``chiiki doctor --backup``); returns a one-line report.

    Raises
    ------
    StoreBusy
        An import holds the store.
    StoreError
        The store is damaged, or the copy cannot be written.
    """
    timeout = lock_timeout()
    with _locked(_user_lock_path(), shared=False, timeout=timeout, busy=str(_busy_user_store(timeout))):
        state = _read_user_state(user_db_path())
        if state.status == "unreadable":
            raise StoreError(f"{_unreadable_message(state)}; repair it with: {_restore_command()}")
        if state.status == "missing" or not state.imports:
            return "nothing to back up: there are no imports yet"
        path = _backup_user_store(state)
    return f"backed up {state.imports} imports to {path}"


def restore_backup(backup: Path | str | None = None) -> str:
    """Put a backup back as the user store (the newest that reads, unless ``backup`` names one) and
    rebuild the serving database; returns a report.

    The store it replaces is kept in ``backups/`` as ``set-aside-<time>.duckdb``; imports made after the
    backup have to be imported again (the report says how many the backup has).

    Raises
    ------
    StoreError
        There is no readable backup, or the files cannot be written; the current store is then left
        where it was.
    StoreBusy
        An import holds the store.
    """
    path = user_db_path()
    _check_writable(user_dir())
    timeout = lock_timeout()
    with _locked(_user_lock_path(), shared=False, timeout=timeout, busy=str(_busy_user_store(timeout))):
        candidates = [Path(backup)] if backup is not None else [b.path for b in list_backups()]
        chosen, state = None, None
        for c in candidates:
            state = _read_user_state(c)
            if state.status == "ok":
                chosen = c
                break
        if chosen is None or state is None:
            raise StoreError(f"no readable backup in {backup_dir()}" if backup is None
                             else f"{backup} is not a readable chiiki user store")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        aside = backup_dir() / f"set-aside-{stamp}.duckdb"
        part = user_dir() / ".user-restore.part"
        try:
            backup_dir().mkdir(exist_ok=True)
            shutil.copyfile(chosen, part)
            if path.exists():
                os.replace(path, aside)
            wal = Path(f"{path}.wal")
            if wal.exists():
                os.replace(wal, Path(f"{aside}.wal"))
            os.replace(part, path)
        except OSError as exc:
            _remove_temp(part)
            raise StoreError(f"could not restore {chosen}: {_cause(exc)}{_space_note(user_dir())}") from exc
    _clear("user_store", "backup")
    reset_store()
    build_serving_db()
    kept = f"; the store it replaced is kept as {aside}" if aside.exists() else ""
    return (f"restored the user store from {chosen} ({state.imports} imports, the last #{state.last_import}){kept}. "
            "Import again any file imported after that backup")


# --- health ----------------------------------------------------------------------------------------------

def _build_running(target: Path) -> bool:
    lock = _FileLock(_build_lock_path(target), shared=True)
    if lock.acquire(0):
        lock.release()
        return False
    return True


def health(*, current: bool = True) -> dict:
    """What is serving, what is wrong and how to repair it; for ``/healthz``, ``chiiki doctor`` and the
    data page. Never raises.

    Parameters
    ----------
    current
        Describe the store this process serves (the request's, opening it if needed). False looks at
        the files only and builds nothing (``chiiki doctor``).

    Returns
    -------
    dict
        ``status`` ("ok", "degraded": something needs repair but data serves, "down": nothing can be
        served), ``ok`` (status is "ok"), ``reason`` (the problems in one line, "" when ok), ``message``
        (the problems with their repairs in one line, for a notice), ``problems`` (list of dicts
        ``code``, ``what``, ``repair``: the exact command or action), ``data_version`` and ``imports``
        of the serving data, ``serving`` (path, built_at, size_bytes, fallback), ``user_store`` (path,
        status ok/missing/unreadable/busy, imports, detail), ``backups`` (path, created, imports,
        size_bytes; newest first), ``disk`` (path, free_bytes, needed_for_import_bytes), ``user_dir``
        (path, writable), ``limits`` (memory_limit, threads) and ``worker`` (process id).
    """
    problems: dict[str, dict[str, str]] = {}

    def problem(code: str, what: str, repair: str) -> None:
        problems[code] = {"code": code, "what": what, "repair": repair}

    d = user_dir()
    primary = serving_db_path()
    out: dict = {"status": "ok", "reason": "", "problems": [], "data_version": None, "imports": None,
                 "serving": None, "worker": os.getpid(),
                 "user_dir": {"path": str(d), "writable": d.is_dir() and os.access(d, os.W_OK)}}
    out["limits"] = duckdb_limits()

    meta: dict[str, str] | None = None
    serving_path: Path | None = None
    if current:
        try:
            s = get_store()
            meta, serving_path = s.meta, s.path
        except Exception as exc:   # whatever it is, it is why nothing serves
            problem("down", f"nothing can be served: {exc}", "chiiki doctor")
    else:
        for p in (primary, fallback_serving_path()):
            meta = _serving_meta(p)
            if meta is not None:
                serving_path = p
                break
        if meta is None:
            try:
                _check_data(data_dir())   # then it is simply not built yet: the first request builds it
            except FileNotFoundError as exc:
                problem("down", f"nothing can be served: there is no serving database and {exc}",
                        "reinstall chiiki or run `chiiki build --raw PATH`")
    if meta is not None and serving_path is not None:
        out["data_version"] = meta.get("fingerprint", "unknown")[:16]
        out["imports"] = int(meta["imports"]) if meta.get("imports", "").isdigit() else None
        with suppress(OSError):
            out["serving"] = {"path": str(serving_path), "built_at": meta.get("built_at"),
                              "size_bytes": serving_path.stat().st_size, "fallback": serving_path != primary}
        if serving_path != primary:
            with _notes_lock:
                noted = _notes.get("fallback")
            if noted:
                problem("fallback", noted["what"], noted["repair"])
            else:
                problem("fallback", f"serving from a temporary copy {serving_path}: the serving database cannot "
                        f"be written in {primary.parent}", f"free disk space in {primary.parent} or "
                        f"{_writable_repair(primary.parent)}")

    out["user_store"] = {"path": str(user_db_path()), "status": None, "imports": None, "detail": ""}
    out["backups"], out["disk"] = [], {"path": str(d), "free_bytes": None, "needed_for_import_bytes": None}
    try:
        state = user_store_state(wait=0)
        out["user_store"] = {"path": str(user_db_path()), "status": state.status,
                             "imports": state.imports if state.status == "ok" else None, "detail": state.detail}
        if state.status == "unreadable":
            problem("user_store", _unreadable_message(state), _restore_command())
        if meta is not None and state.status in ("ok", "missing", "unreadable"):
            try:
                fresh = _fresh(meta, data_dir(), state)
            except OSError:
                fresh = True   # data/ unreadable: reported by the build when it is needed
            if not fresh and not _build_running(serving_path or primary):
                behind = ""
                if meta.get("user_state") != state.key() and state.status == "ok":
                    behind = f" (it has {meta.get('imports', '?')} imports, the user store {state.imports})"
                problem("stale", f"the serving data is older than the bundled data or the user store{behind}; the last "
                        "rebuild did not finish", "free disk space if it is short, then run `chiiki doctor --rebuild`")

        backups = list_backups()
        out["backups"] = [{"path": str(b.path), "created": b.created, "imports": b.imports,
                           "size_bytes": b.size_bytes} for b in backups]
        if state.status == "ok" and state.imports and not (
                backups and (backups[0].imports, backups[0].last_import) == (state.imports, state.last_import)):
            problem("backup", f"the user store's latest state ({state.imports} imports) has no backup",
                    "chiiki doctor --backup")

        free = _free_bytes(d if d.is_dir() else d.parent)
        need = _space_needed()
        out["disk"] = {"path": str(d), "free_bytes": free, "needed_for_import_bytes": need}
        if free is not None and free < need:
            problem("disk", f"little free disk space in {d}: {_mb(free)} free, an import needs about {_mb(need)}",
                    f"free disk space in {d} (old files in {backup_dir()} can go)")
    except Exception as exc:   # the health check itself must never be what fails a load balancer's probe
        problem("health", f"part of the health check failed: {_cause(exc)}", "chiiki doctor")

    with _notes_lock:
        noted = list(_notes.values())
    for n in noted:
        # What this process ran into, unless a live check above says the same more precisely.
        if n["code"] not in problems and n["code"] not in ("user_store", "fallback", "stale", "backup"):
            problems[n["code"]] = dict(n)
    if "stale" in problems and "build" in problems:
        build = problems.pop("build")
        problems["stale"].update(what=f"{problems['stale']['what']}: {build['what']}", repair=build["repair"])

    out["problems"] = list(problems.values())
    out["reason"] = "; ".join(p["what"] for p in out["problems"])
    out["status"] = "down" if "down" in problems else "degraded" if problems else "ok"
    out["ok"] = out["status"] == "ok"
    out["message"] = "; ".join(f"{p['what']} (repair: {p['repair']})" for p in out["problems"])
    return out


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    # Imported values win over bundled ones for the same key: importing is an explicit, later act.
    con.execute("""
        CREATE TABLE base_obs AS
        SELECT indicator_id, region_code, year, value, dataset_id FROM (
            SELECT o.indicator_id, o.region_code, o.year, o.value, o.dataset_id,
                   row_number() OVER (PARTITION BY o.indicator_id, o.region_code, o.year
                                      ORDER BY o.priority DESC, o.dataset_id DESC) AS rn
            FROM (
                SELECT ob.*, d.priority FROM observations ob JOIN datasets d USING (dataset_id)
                UNION ALL
                -- An import that replaced an official figure (only possible with --replace-official)
                -- says so in its dataset, wherever the value is shown or exported.
                SELECT u.indicator_id, u.region_code, u.year, u.value,
                       'import-' || u.import_id
                       || CASE WHEN off.dataset_id IS NULL THEN ''
                               ELSE ' (replaces official ' || off.dataset_id || ')' END,
                       1000 + u.import_id
                FROM user_observations u
                LEFT JOIN (SELECT ob.indicator_id, ob.region_code, ob.year,
                                  arg_max(ob.dataset_id, d.priority) AS dataset_id
                           FROM observations ob JOIN datasets d USING (dataset_id)
                           GROUP BY ob.indicator_id, ob.region_code, ob.year) off
                  USING (indicator_id, region_code, year)
            ) o
        ) WHERE rn = 1
    """)
    # Derived values keep their numerator and denominator so groups can be summarised as
    # Σ numerators / Σ denominators instead of a mean of ratios.
    con.execute("CREATE TABLE derived_obs (indicator_id VARCHAR, region_code VARCHAR, year INTEGER, "
                "value DOUBLE, dataset_id VARCHAR, numerator DOUBLE, denominator DOUBLE)")
    for ind in static_indicators():
        if ind.kind != "derived":
            continue
        if ":" in ind.numerator:
            _insert_industry_share(con, ind)
            continue
        same = ind.denominator_year == "same"
        # Zero or missing denominators give no value (NULLIF → NULL, then dropped), never 0 or inf.
        # The dataset names both editions, and the denominator's year where it differs.
        con.execute(f"""
            INSERT INTO derived_obs
            SELECT ?, n.region_code, n.year, n.value / NULLIF(d.value, 0) * ?,
                   n.dataset_id || ' ÷ ' || d.dataset_id
                   || CASE WHEN d.year <> n.year THEN ' (' || d.year || ')' ELSE '' END,
                   n.value, d.value
            FROM base_obs n JOIN base_obs d
              ON d.indicator_id = ? AND d.region_code = n.region_code {"AND d.year = n.year" if same else ""}
            WHERE n.indicator_id = ? AND NULLIF(d.value, 0) IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY n.region_code, n.year
                                       ORDER BY abs(d.year - n.year), d.year) = 1
        """, [ind.id, ind.scale, ind.denominator, ind.numerator])
    # Published ratios whose components are loaded carry them too (same region and year), so their
    # group values pool exactly like derived ones. An "implied" denominator is recovered from the
    # published ratio itself: numerator × scale / value.
    con.execute("""
        CREATE TABLE ratio_obs AS
        SELECT b.indicator_id, b.region_code, b.year, b.value, b.dataset_id, n.value AS numerator,
               CASE WHEN c.denominator = 'implied' THEN n.value * c.scale / NULLIF(b.value, 0)
                    ELSE d.value END AS denominator
        FROM base_obs b
        JOIN catalog c ON c.id = b.indicator_id AND c.kind = 'source' AND c.aggregation = 'ratio'
        LEFT JOIN base_obs n ON n.indicator_id = c.numerator AND n.region_code = b.region_code AND n.year = b.year
        LEFT JOIN base_obs d ON d.indicator_id = c.denominator AND d.region_code = b.region_code
                             AND d.year = b.year
    """)
    con.execute("""CREATE TEMP VIEW obs_published AS
        SELECT b.*, NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator FROM base_obs b
        WHERE b.indicator_id NOT IN (SELECT DISTINCT indicator_id FROM ratio_obs)
        UNION ALL SELECT * FROM ratio_obs
        UNION ALL SELECT * FROM derived_obs""")
    # 全国 where no national value is published (SSDSE-B has no national row): Σ numerator /
    # Σ denominator of the 47 prefectures of the same year, only when all 47 have both components.
    scales = [(i.id, float(i.scale)) for i in static_indicators() if i.kind == "derived"]
    con.execute("CREATE TEMP TABLE ratio_scale (indicator_id VARCHAR, scale DOUBLE)")
    if scales:
        con.executemany("INSERT INTO ratio_scale VALUES (?, ?)", scales)
    con.execute("""INSERT INTO ratio_scale
        SELECT id, scale FROM catalog WHERE kind = 'source' AND aggregation = 'ratio'""")
    con.execute("""
        CREATE TABLE pooled_national_obs AS
        SELECT o.indicator_id, '00' AS region_code, o.year,
               sum(o.numerator) / sum(o.denominator) * any_value(s.scale) AS value,
               'pooled: Σ47 prefectures' AS dataset_id, sum(o.numerator) AS numerator,
               sum(o.denominator) AS denominator
        FROM obs_published o
        JOIN regions r ON r.code = o.region_code AND r.level = 'prefecture'
        JOIN ratio_scale s ON s.indicator_id = o.indicator_id
        WHERE o.numerator IS NOT NULL AND o.denominator IS NOT NULL
        GROUP BY o.indicator_id, o.year
        HAVING count(*) = 47 AND sum(o.denominator) <> 0
           AND NOT EXISTS (SELECT 1 FROM obs_published x WHERE x.indicator_id = o.indicator_id
                           AND x.year = o.year AND x.region_code = '00')
    """)
    # Materialised (sorted for DuckDB's zone maps) so that every page query reads one table.
    con.execute("""CREATE TABLE obs AS
        SELECT * FROM (SELECT * FROM obs_published UNION ALL SELECT * FROM pooled_national_obs)
        ORDER BY indicator_id, year, region_code""")
    con.execute("""
        CREATE TABLE indicator_years AS
        SELECT o.indicator_id, r.level, list(DISTINCT o.year ORDER BY o.year) AS years, count(*) AS n
        FROM obs o JOIN regions r ON r.code = o.region_code
        GROUP BY o.indicator_id, r.level
        UNION ALL
        SELECT 'lq_' || a.measure, r.level, list(DISTINCT a.year ORDER BY a.year), count(*)
        FROM industry_activity a JOIN regions r ON r.code = a.region_code
        WHERE r.level IN ('prefecture', 'municipality')
        GROUP BY a.measure, r.level
    """)
    # A table, not a view: every figure reads its indicator's row, and the join cost milliseconds a read.
    con.execute("""
        CREATE TABLE catalog_status AS
        SELECT c.*,
               CASE WHEN y.years IS NULL AND m.years IS NULL THEN 'not loaded' ELSE 'loaded' END AS status,
               y.years AS prefecture_years, m.years AS municipality_years
        FROM catalog c
        LEFT JOIN indicator_years y ON y.indicator_id = c.id AND y.level = 'prefecture'
        LEFT JOIN indicator_years m ON m.indicator_id = c.id AND m.level = 'municipality'
    """)


def _insert_industry_share(con: duckdb.DuckDBPyConnection, ind) -> None:
    """Share of one industry in a measure's total, both from the same dataset and year."""
    measure, industry = ind.numerator.split(":")
    d_measure, d_industry = ind.denominator.split(":")
    con.execute("""
        INSERT INTO derived_obs
        SELECT ?, n.region_code, n.year, n.value / NULLIF(d.value, 0) * ?, n.dataset_id, n.value, d.value
        FROM industry_activity n JOIN industry_activity d
          ON d.measure = ? AND d.industry_code = ? AND d.region_code = n.region_code AND d.year = n.year
             AND d.dataset_id = n.dataset_id
        WHERE n.measure = ? AND n.industry_code = ? AND NULLIF(d.value, 0) IS NOT NULL
    """, [ind.id, ind.scale, d_measure, d_industry, measure, industry])

