"""Read queries over the serving database.

Identifiers never come from user text: indicator ids, levels and years are checked against the
catalog and passed as parameters.
"""

from __future__ import annotations

import difflib

import duckdb
import pandas as pd

from loaders.errors import DataError

LEVELS = ("prefecture", "municipality")


def catalog(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The catalog with status and years available per level."""
    return cur.execute("SELECT * FROM catalog_status ORDER BY theme, id").df()


def indicator(cur: duckdb.DuckDBPyConnection, indicator_id: str) -> dict:
    """One catalog row as a dict; DataError with a suggestion for an unknown id."""
    row = cur.execute("SELECT * FROM catalog_status WHERE id = ?", [indicator_id]).df()
    if row.empty:
        ids = [r[0] for r in cur.execute("SELECT id FROM catalog").fetchall()]
        close = difflib.get_close_matches(indicator_id, ids, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `chiiki indicators` lists them"
        raise DataError(f"unknown indicator {indicator_id!r}{hint}")
    return row.iloc[0].to_dict()


def indicator_values(cur: duckdb.DuckDBPyConnection, indicator_id: str, *, year: int | None = None,
                     level: str = "prefecture") -> pd.DataFrame:
    """Values of one indicator for every region of a level.

    Returns columns region_code, region_name_ja, region_name_en, year, value, unit, dataset_id; the
    national row (code 00) comes first for the prefecture level. Without ``year`` the latest year
    available at that level is used. Regions with no value for that year are included with a
    missing value so a caller can show them as "no data", not drop them.
    """
    if level not in LEVELS:
        raise DataError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    meta = indicator(cur, indicator_id)
    if meta["kind"] == "lq":
        raise DataError(f"{indicator_id} has one value per industry; use `chiiki export lq` "
                        f"--measure {indicator_id.removeprefix('lq_')}")
    years = meta[f"{level}_years"]
    if years is None or len(years) == 0:
        if meta["status"] == "not loaded":
            raise DataError(f"indicator {indicator_id} is not loaded; load it with: {meta['how_to_load']}")
        raise DataError(f"indicator {indicator_id} has no {level} data")
    years = [int(y) for y in years]
    if year is None:
        year = years[-1]
    elif year not in years:
        raise DataError(f"indicator {indicator_id} has no {level} data for {year}; "
                        f"years available: {', '.join(map(str, years))}")
    levels = ["nation", level] if level == "prefecture" else [level]
    df = cur.execute("""
        SELECT r.code AS region_code, r.name_ja AS region_name_ja, r.name_en AS region_name_en,
               ?::INTEGER AS year, o.value, ? AS unit, o.dataset_id
        FROM regions r
        LEFT JOIN obs o ON o.region_code = r.code AND o.indicator_id = ? AND o.year = ?
        WHERE list_contains(?, r.level)
        ORDER BY r.sort_order
    """, [year, meta["unit"], indicator_id, year, levels]).df()
    df["value"] = df["value"].astype("float64")
    return df
