"""The one place that opens DuckDB.

* The **serving database** is a file built from ``data/*.parquet`` plus the user's imports. It is
  written to a temporary file and swapped in with ``os.replace``, so a running server never sees a
  half-written database, and it is opened read-only with one cursor per thread.
* The **user store** (``user.duckdb`` in the user data directory) holds imported observations and
  the import log. Only the importer writes it, inside one transaction per import.

The bundled ``data/`` directory is never written by either.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

import duckdb

from loaders.build import TABLES
from loaders.catalog import static_indicators

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


def data_dir() -> Path:
    """The bundled dataset (``CHIIKI_DATA_DIR`` overrides, for tests)."""
    return Path(os.environ.get("CHIIKI_DATA_DIR", PROJECT_ROOT / "data"))


def user_dir() -> Path:
    """Where imports and the serving database live (``CHIIKI_USER_DIR``, else XDG data home)."""
    if "CHIIKI_USER_DIR" in os.environ:
        d = Path(os.environ["CHIIKI_USER_DIR"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
        d = base / "chiiki"
    d.mkdir(parents=True, exist_ok=True)
    return d


def user_db_path() -> Path:
    return user_dir() / "user.duckdb"


def serving_db_path() -> Path:
    return user_dir() / "serving.duckdb"


def open_user_store() -> duckdb.DuckDBPyConnection:
    """Read-write connection to the user store, schema ensured. Callers must close it."""
    con = duckdb.connect(str(user_db_path()))
    con.execute(USER_SCHEMA)
    return con


def _fingerprint(data: Path) -> str:
    h = hashlib.sha256()
    for name in [*(f"{t}.parquet" for t in TABLES), "manifest.json"]:
        p = data / name
        h.update(name.encode())
        h.update(p.read_bytes() if p.exists() else b"-")
    user = user_db_path()
    if user.exists():
        con = duckdb.connect(str(user), read_only=True)
        try:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if "imports" in tables:
                h.update(repr(con.execute("SELECT max(import_id), count(*) FROM imports").fetchone()).encode())
                h.update(repr(con.execute("SELECT count(*) FROM user_observations").fetchone()).encode())
        finally:
            con.close()
    return h.hexdigest()


def build_serving_db(target: Path | None = None, data: Path | None = None) -> Path:
    """Build the serving database into a temporary file and atomically replace ``target``."""
    target = Path(target or serving_db_path())
    data = Path(data or data_dir())
    missing = [t for t in TABLES if not (data / f"{t}.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"bundled data incomplete in {data}: missing {', '.join(missing)}; "
                                "run `chiiki build --raw PATH`")
    fingerprint = _fingerprint(data)
    fd, tmp = tempfile.mkstemp(prefix=".serving-", suffix=".duckdb", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB must create the file itself
    con = duckdb.connect(tmp)
    try:
        for t in TABLES:
            con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet(?)", [str(data / f"{t}.parquet")])
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT INTO meta VALUES ('fingerprint', ?)", [fingerprint])
        con.execute(USER_SCHEMA)
        if user_db_path().exists():
            con.execute("ATTACH ? AS u (READ_ONLY)", [str(user_db_path())])
            names = {r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'u'").fetchall()}
            if {"imports", "user_observations"} <= names:
                con.execute("INSERT INTO imports SELECT * FROM u.imports")
                con.execute("INSERT INTO user_observations SELECT * FROM u.user_observations")
            con.execute("DETACH u")
        _create_views(con)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        Path(tmp).unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, target)
    return target


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
                SELECT indicator_id, region_code, year, value, 'import-' || import_id, 1000 + import_id
                FROM user_observations
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
    con.execute("""
        CREATE VIEW catalog_status AS
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


def ensure_serving_db() -> Path:
    """Build the serving database if it is missing or older than ``data/`` or the user store."""
    path = serving_db_path()
    if path.exists():
        try:
            con = duckdb.connect(str(path), read_only=True)
            try:
                stored = con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            finally:
                con.close()
            if stored and stored[0] == _fingerprint(data_dir()):
                return path
        except duckdb.Error:
            pass  # unreadable or from an older schema: rebuild
    return build_serving_db(path)


class ReadOnlyStore:
    """A read-only serving connection shared by a process, with one cursor per thread."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        st = self.path.stat()
        # Identifies the file opened: a rebuild swaps in a new inode, so caches keyed on it expire.
        self.version = (st.st_ino, st.st_mtime_ns)
        self._con = duckdb.connect(str(self.path), read_only=True)
        self._local = threading.local()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    def close(self) -> None:
        self._con.close()


_store: ReadOnlyStore | None = None
_store_lock = threading.Lock()


def get_store() -> ReadOnlyStore:
    """The process-wide serving store, built on first use if needed.

    If another process (an import from the data page in another worker, or the command line) has
    swapped in a new serving file, the next call opens the new file; a stat is all it costs.
    """
    global _store
    with _store_lock:
        if _store is not None:
            try:
                st = _store.path.stat()
                if (st.st_ino, st.st_mtime_ns) != _store.version:
                    _store = ReadOnlyStore(_store.path)
            except FileNotFoundError:
                _store = None
        if _store is None:
            _store = ReadOnlyStore(ensure_serving_db())
        return _store


def reset_store() -> None:
    """Drop the process-wide store (after an import, or between tests)."""
    global _store
    with _store_lock:
        if _store is not None:
            _store.close()
        _store = None
