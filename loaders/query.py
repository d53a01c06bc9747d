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
                     level: str = "prefecture", meta: dict | None = None) -> pd.DataFrame:
    """Values of one indicator for every region of a level.

    Returns columns region_code, region_name_ja, region_name_en, year, value, unit, dataset_id; the
    national row (code 00) comes first for the prefecture level. Without ``year`` the latest year
    available at that level is used. Regions with no value for that year are included with a
    missing value so a caller can show them as "no data", not drop them. ``meta``: the indicator's
    catalog row if the caller has just read it (:func:`indicator`), to save reading it again.
    """
    if level not in LEVELS:
        raise DataError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    if meta is None or meta.get("id") != indicator_id:
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


def regions(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every region (nation, blocks, groups, prefectures, municipalities) in display order."""
    return cur.execute("SELECT * FROM regions ORDER BY sort_order").df()


def region(cur: duckdb.DuckDBPyConnection, code: str) -> dict | None:
    """One region with its block's names (block_name_ja, block_name_en), or None for an unknown code."""
    df = cur.execute("""
        SELECT r.*, b.name_ja AS block_name_ja, b.name_en AS block_name_en
        FROM regions r LEFT JOIN regions b ON b.code = r.block_code
        WHERE r.code = ?""", [code]).df()
    return None if df.empty else df.iloc[0].to_dict()


def region_members(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """group_code, prefecture_code: the members of each block and of 三大都市圏 / 地方圏."""
    return cur.execute("SELECT * FROM region_members").df()


def industries(cur: duckdb.DuckDBPyConnection, classification: str) -> pd.DataFrame:
    """industry_code, name_ja, name_en, sort_order of one classification (``jsic`` or ``sna``)."""
    return cur.execute("SELECT industry_code, name_ja, name_en, sort_order FROM industries "
                       "WHERE classification = ?", [classification]).df()


def activity_years(cur: duckdb.DuckDBPyConnection, measure: str) -> list[int]:
    """Years that have a measure (employees, establishments, value_added) by industry."""
    return [int(r[0]) for r in cur.execute(
        "SELECT DISTINCT year FROM industry_activity WHERE measure = ? ORDER BY year", [measure]).fetchall()]


def industry_activity(cur: duckdb.DuckDBPyConnection, measure: str, year: int) -> pd.DataFrame:
    """region_code, industry_code, value, level, prefecture_code of one measure and year (all levels)."""
    return cur.execute("""
        SELECT a.region_code, a.industry_code, a.value, r.level, r.prefecture_code
        FROM industry_activity a JOIN regions r ON r.code = a.region_code
        WHERE a.measure = ? AND a.year = ?
    """, [measure, year]).df()


def components(cur: duckdb.DuckDBPyConnection, indicator_id: str, year: int) -> pd.DataFrame:
    """region_code, numerator, denominator of one indicator and year (NULL where not a ratio)."""
    return cur.execute("SELECT region_code, numerator, denominator FROM obs WHERE indicator_id = ? AND year = ?",
                       [indicator_id, year]).df()


def index_indicator_ids(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The catalog's default composite-index indicators (``in_index``), loaded or not."""
    return [r[0] for r in cur.execute("SELECT id FROM catalog WHERE in_index ORDER BY id").fetchall()]


def indicator_series(cur: duckdb.DuckDBPyConnection, indicator_id: str) -> pd.DataFrame:
    """region_code, year, value, numerator, denominator of the nation and prefectures, every year."""
    return cur.execute("""
        SELECT o.region_code, o.year, o.value, o.numerator, o.denominator FROM obs o
        JOIN regions r ON r.code = o.region_code
        WHERE o.indicator_id = ? AND r.level IN ('nation', 'prefecture') ORDER BY o.year, o.region_code
    """, [indicator_id]).df()


# --- municipal comparison (issue 13) ---
def region_values(cur: duckdb.DuckDBPyConnection, indicator_id: str, codes: list[str]) -> pd.DataFrame:
    """region_code, year, value of one indicator for the given region codes (any level), every year."""
    return cur.execute("""
        SELECT region_code, year, value FROM obs
        WHERE indicator_id = ? AND list_contains(?, region_code) ORDER BY year, region_code
    """, [indicator_id, list(codes)]).df().astype({"year": "int64", "value": "float64"})


def nearest_values(cur: duckdb.DuckDBPyConnection, indicator_id: str, level: str, year: int) -> pd.Series:
    """Value per region code (the nation and one level) at the year nearest ``year`` (earlier on a tie)."""
    df = cur.execute("""
        SELECT o.region_code, o.value FROM obs o JOIN regions r ON r.code = o.region_code
        WHERE o.indicator_id = ? AND r.level IN ('nation', ?)
        QUALIFY row_number() OVER (PARTITION BY o.region_code ORDER BY abs(o.year - ?), o.year) = 1
    """, [indicator_id, level, year]).df()
    return df.set_index("region_code")["value"]


def national_value(cur: duckdb.DuckDBPyConnection, indicator_id: str, year: int) -> tuple[float, str | None]:
    """The nation's (code 00) value of one indicator and year, and its dataset; (NaN, None) when none."""
    row = cur.execute("SELECT value, dataset_id FROM obs WHERE indicator_id = ? AND region_code = '00' AND year = ?",
                      [indicator_id, year]).fetchone()
    return (float(row[0]), row[1]) if row and row[0] is not None else (float("nan"), None)


def data_version(cur: duckdb.DuckDBPyConnection) -> str:
    """A short fingerprint of the serving database's contents (bundled data and imports)."""
    row = cur.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    return row[0][:16] if row else "unknown"


def datasets(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every dataset with its publisher, edition, publication, licence and credit."""
    return cur.execute("SELECT * FROM datasets ORDER BY dataset_id").df()


def region_counts(cur: duckdb.DuckDBPyConnection, indicator_id: str) -> dict[str, int]:
    """How many regions of each level have at least one value of an indicator."""
    rows = cur.execute("""
        SELECT r.level, count(DISTINCT o.region_code) FROM obs o JOIN regions r ON r.code = o.region_code
        WHERE o.indicator_id = ? GROUP BY r.level""", [indicator_id]).fetchall()
    return {level: int(n) for level, n in rows}


def peer_types(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every municipality's 類似団体 type with the inputs used (the serving database's ``peer_types``).

    Built by ``chiiki build`` (``loaders/ruiji.py``) into ``data/peer_types.parquet`` and loaded
    with the other tables. Columns are ``loaders.ruiji.PEER_TYPE_COLUMNS``, one row per
    municipality, sorted by code. DataError when the data folder had no such table.
    """
    # Asked first, not caught: a missing table would make DuckDB look for a Python variable of that name.
    if not cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'peer_types'").fetchone()[0]:
        raise DataError("no 類似団体 table in the serving data; run `chiiki build --raw PATH`")
    return cur.execute("SELECT * FROM peer_types ORDER BY code").df()


def latest_level_values(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str], level: str) -> pd.DataFrame:
    """region_code, indicator_id, year, value of every region of ``level`` at each indicator's latest year there.

    For profiles across many indicators at once (peers); ids the data lacks simply have no rows.
    """
    if level not in LEVELS:
        raise DataError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    return cur.execute("""
        SELECT o.region_code, o.indicator_id, o.year, o.value FROM obs o JOIN regions r ON r.code = o.region_code
        WHERE r.level = ? AND list_contains(?, o.indicator_id)
        QUALIFY o.year = max(o.year) OVER (PARTITION BY o.indicator_id)
        ORDER BY o.indicator_id, o.region_code
    """, [level, list(indicator_ids)]).df()


def municipal_observations(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str]) -> pd.DataFrame:
    """region_code, indicator_id, year, value, dataset_id of every municipality for some indicators, every year.

    One query for all the figures of the municipal profile, so a page never scans the table per figure.
    """
    return cur.execute("""
        SELECT o.region_code, o.indicator_id, o.year::INTEGER AS year, o.value::DOUBLE AS value, o.dataset_id
        FROM obs o JOIN regions r ON r.code = o.region_code
        WHERE r.level = 'municipality' AND list_contains(?, o.indicator_id)
        ORDER BY o.indicator_id, o.year, o.region_code
    """, [list(indicator_ids)]).df()


def cluster_programmes(cur: duckdb.DuckDBPyConnection, region_code: str | None = None) -> pd.DataFrame:
    """Seed 004 map ⑤'s cluster programmes (``data/clusters.parquet``), optionally those placed in one region.

    ``region_code`` is a prefecture ("13") or block ("block-kanto") code; a block also returns the
    programmes placed in its prefectures. Columns are ``loaders.clusters.PROGRAMME_COLUMNS``, by number.
    DataError when the data folder had no such table.
    """
    if not cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'clusters'").fetchone()[0]:
        raise DataError("no cluster programme table in the serving data; run `chiiki build --raw PATH`")
    if region_code is None:
        return cur.execute("SELECT * FROM clusters ORDER BY no").df()
    return cur.execute("""
        SELECT c.* FROM clusters c
        WHERE list_contains(string_split(c.area_codes, ','), ?)
           OR EXISTS (SELECT 1 FROM regions r
                      WHERE r.block_code = ? AND list_contains(string_split(c.area_codes, ','), r.code))
        ORDER BY c.no
    """, [region_code, region_code]).df()
