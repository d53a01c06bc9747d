"""Importers for the user's official downloads.

Every import is all-or-nothing: the file is parsed and validated completely first, then written to
the user store in one transaction together with its log entry (file name, time, sha256). Values
already imported for other keys stay as they were; values for the same indicator, region and year
are replaced. The bundled ``data/`` is never touched. After the commit the serving database is
rebuilt and swapped in.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from loaders.build import sha256
from loaders.errors import DataError
from loaders.importers import estat, gnt, koyo, tidy
from loaders.importers.common import RegionResolver, check_size
from loaders.store import build_serving_db, data_dir, open_user_store, reset_store

PARSERS = {"estat": estat.parse, "koyo": koyo.parse, "gnt": gnt.parse, "tidy": tidy.parse}


def region_resolver() -> RegionResolver:
    """A resolver over the bundled regions (codes, Japanese and English names)."""
    return RegionResolver(pd.read_parquet(data_dir() / "regions.parquet",
                                          columns=["code", "level", "name_ja", "name_en"]))


def parse_file(kind: str, path: Path, *, indicator: str | None = None,
               mapping: dict | None = None) -> pd.DataFrame:
    """Parse and validate a file without writing anything.

    Returns indicator_id, region_code, year, value, unit rows; raises DataError naming file, row
    and column for the first problem.
    """
    if kind not in PARSERS:
        raise DataError(f"unknown import kind {kind!r}; expected one of {', '.join(PARSERS)}")
    path = Path(path)
    check_size(path)
    d = data_dir()
    catalog = pd.read_parquet(d / "catalog.parquet", columns=["id", "unit", "kind"])
    return PARSERS[kind](path, catalog, region_resolver(), indicator=indicator, mapping=mapping)


def run_import(kind: str, path: Path, *, indicator: str | None = None, mapping: str | dict | None = None,
               source: str | None = None) -> str:
    """Import one file; returns a one-line report. Raises DataError and writes nothing on bad input."""
    if isinstance(mapping, str):
        try:
            mapping = json.loads(mapping)
        except json.JSONDecodeError as exc:
            raise DataError(f"--mapping is not valid JSON: {exc}") from None
        if not isinstance(mapping, dict):
            raise DataError("--mapping must be a JSON object")
    path = Path(path)
    rows = parse_file(kind, path, indicator=indicator, mapping=mapping)
    digest = sha256(path)
    con = open_user_store()
    try:
        con.execute("BEGIN TRANSACTION")
        import_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
        indicators = ",".join(sorted(rows["indicator_id"].unique()))
        con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [import_id, kind, path.name, digest, datetime.now(UTC).replace(tzinfo=None),
                     len(rows), indicators, source])
        frame = rows.assign(import_id=import_id)[["indicator_id", "region_code", "year", "value", "unit",
                                                  "import_id"]]
        con.register("incoming", frame)
        con.execute("INSERT OR REPLACE INTO user_observations SELECT * FROM incoming")
        con.unregister("incoming")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    reset_store()
    build_serving_db()
    return (f"imported {len(rows)} values of {indicators} from {path.name} "
            f"(import {import_id}, sha256 {digest[:12]}…)")
