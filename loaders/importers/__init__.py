"""Importers for the user's official downloads.

Every import is all-or-nothing: the file is parsed and validated completely first, then written to
the user store in one transaction together with its log entry (file name, time, sha256). Values
already imported for other keys stay as they were; values for the same indicator, region and year
are replaced. The bundled ``data/`` is never touched. After the commit the serving database is
rebuilt and swapped in.

An import may add indicators, regions and years; it may not change a figure the bundled data
already has (see ``loaders.importers.official``) unless the administrator passes
``replace_official=True`` (``--replace-official``), and then the import log says so.
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
from loaders.importers.official import REPLACED_NOTE, official_overlap, refuse_computed, refuse_official
from loaders.store import build_serving_db, data_dir, open_user_store, reset_store

PARSERS = {"estat": estat.parse, "koyo": koyo.parse, "gnt": gnt.parse, "tidy": tidy.parse}


def region_resolver() -> RegionResolver:
    """A resolver over the bundled regions (codes, Japanese and English names)."""
    return RegionResolver(pd.read_parquet(data_dir() / "regions.parquet",
                                          columns=["code", "level", "name_ja", "name_en"]))


def decode_mapping(mapping: str | dict | None) -> dict | None:
    """The ``--mapping`` value as a dict, validated (see ``estat.check_mapping``).

    Raises
    ------
    DataError
        Not JSON, or not the shape of a mapping: the message names the key and the expected type.
    """
    if isinstance(mapping, str):
        try:
            mapping = json.loads(mapping)
        except json.JSONDecodeError as exc:
            raise DataError(f"--mapping is not valid JSON: {exc}") from None
        if mapping is None:  # an explicit null is a mistake, unlike giving no mapping at all
            raise DataError(f"--mapping must be a JSON object such as {estat.MAPPING_EXAMPLE}; found null")
    return estat.check_mapping(mapping)


def _validate(kind: str, path: Path, *, indicator: str | None, mapping: dict | None,
              replace_official: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parsed rows (with the parser's ``row`` column when it has one) and the official keys they hit."""
    if kind not in PARSERS:
        raise DataError(f"unknown import kind {kind!r}; expected one of {', '.join(PARSERS)}")
    mapping = decode_mapping(mapping)
    if mapping is not None and kind != "estat":
        raise DataError(f"--mapping is for e-Stat tables (kind estat); a {kind} file needs none")
    path = Path(path)
    check_size(path)
    d = data_dir()
    catalog = pd.read_parquet(d / "catalog.parquet",
                              columns=["id", "unit", "kind", "numerator", "denominator", "how_to_load"])
    rows = PARSERS[kind](path, catalog, region_resolver(), indicator=indicator, mapping=mapping)
    # Whatever a parser does, computed indicators and official figures are guarded here, once.
    refuse_computed(rows, catalog, file=path.name)
    overlap = official_overlap(rows, d)
    if not replace_official:
        refuse_official(overlap, file=path.name, data=d)
    return rows, overlap


def parse_file(kind: str, path: Path, *, indicator: str | None = None, mapping: str | dict | None = None,
               replace_official: bool = False) -> pd.DataFrame:
    """Parse and validate a file without writing anything.

    Returns indicator_id, region_code, year, value, unit rows.

    Raises
    ------
    DataError
        Naming file, row and column for the first problem. Refused, besides malformed files: files
        over the byte, row or column limits; a malformed ``mapping``; values for computed indicators
        (derived, location quotients), which would duplicate or contradict the computation; and,
        unless ``replace_official``, values for a key the bundled official data already has, so an
        upload can never quietly change a published figure.
    """
    rows, _ = _validate(kind, path, indicator=indicator, mapping=mapping, replace_official=replace_official)
    return rows[["indicator_id", "region_code", "year", "value", "unit"]]


def run_import(kind: str, path: Path, *, indicator: str | None = None, mapping: str | dict | None = None,
               source: str | None = None, replace_official: bool = False) -> str:
    """Import one file into the user store; returns a one-line report.

    Parameters
    ----------
    kind
        ``estat``, ``koyo``, ``gnt`` or ``tidy``.
    path
        The file; its name and sha256 go into the import log.
    indicator, mapping
        For e-Stat tables: the catalog indicator and the mapping (a dict or its JSON text).
    source
        A note stored with the import.
    replace_official
        Allow values for keys the bundled official data already has. Only an administrator on the
        command line sets it (``--replace-official``); the upload form never does. The import log's
        ``source_note`` then starts with ``replaced official values: N`` and the report says so.

    Raises
    ------
    DataError
        Everything ``parse_file`` refuses; nothing is written then, and what was loaded before stays.
    """
    path = Path(path)
    rows, overlap = _validate(kind, path, indicator=indicator, mapping=mapping, replace_official=replace_official)
    note = source
    if len(overlap):
        note = REPLACED_NOTE.format(n=len(overlap)) + (f"; {source}" if source else "")
    digest = sha256(path)
    con = open_user_store()
    try:
        con.execute("BEGIN TRANSACTION")
        import_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
        indicators = ",".join(sorted(rows["indicator_id"].unique()))
        con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [import_id, kind, path.name, digest, datetime.now(UTC).replace(tzinfo=None),
                     len(rows), indicators, note])
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
    replaced = f"; replaced {len(overlap)} official values, marked as import {import_id}" if len(overlap) else ""
    # What a parser left out on purpose (missing markers, 特別区部, その他) is said, never silent.
    skipped = "".join(f"; {n}" for n in rows.attrs.get("notes", []))
    return (f"imported {len(rows)} values of {indicators} from {path.name} "
            f"(import {import_id}, sha256 {digest[:12]}…){replaced}{skipped}")
