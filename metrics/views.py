"""What a map, ranking or table shows for one indicator: values after normalisation, ranks and the
national reference, for prefectures or municipalities.

Normalisations (``NORMALISATIONS``):

* ``none``: the value as published;
* ``per_1000``: value / total population × 1,000 (population of the nearest year), counts only;
* ``per_km2``: value / total area in km² (area in ha / 100, nearest year), counts only;
* ``share``: value / national value × 100 (% of Japan), counts only;
* ``relative``: value / national value × 100 (Japan = 100);
* ``deviation``: 偏差値 = 50 + 10·z over the regions shown.

A zero or missing denominator gives a missing value, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import duckdb
import numpy as np
import pandas as pd

from loaders import query
from loaders.errors import DataError
from metrics import compare

NORMALISATIONS = ("none", "per_1000", "per_km2", "share", "relative", "deviation")
COUNT_ONLY = ("per_1000", "per_km2", "share")


@dataclass(frozen=True)
class View:
    """Values of one indicator as shown."""

    table: pd.DataFrame      # region_code, name_ja, name_en, prefecture_code, raw, value, rank
    national: float          # the national value after the same normalisation (NaN if none)
    unit_ja: str
    unit_en: str
    year: int
    meta: dict


def allowed_normalisations(meta: dict) -> tuple[str, ...]:
    if meta.get("additive"):
        return NORMALISATIONS
    return tuple(n for n in NORMALISATIONS if n not in COUNT_ONLY)


def _nearest(cur, indicator_id: str, level: str, year: int) -> pd.Series:
    df = cur.execute("""
        SELECT o.region_code, o.value FROM obs o JOIN regions r ON r.code = o.region_code
        WHERE o.indicator_id = ? AND r.level IN ('nation', ?)
        QUALIFY row_number() OVER (PARTITION BY o.region_code ORDER BY abs(o.year - ?), o.year) = 1
    """, [indicator_id, level, year]).df()
    return df.set_index("region_code")["value"]


def indicator_view(cur: duckdb.DuckDBPyConnection, indicator_id: str, year: int | None = None,
                   level: str = "prefecture", normalisation: str = "none", prefecture: str | None = None) -> View:
    """Values for a map, ranking and table.

    ``prefecture`` limits municipalities to one prefecture (two-digit code). Ranks are among the
    regions shown, 1 = best by the catalog's direction (largest first without one).
    """
    meta = query.indicator(cur, indicator_id)
    if normalisation not in NORMALISATIONS:
        raise DataError(f"unknown normalisation {normalisation!r}; expected one of {', '.join(NORMALISATIONS)}")
    if normalisation not in allowed_normalisations(meta):
        raise DataError(f"{normalisation} applies to counts and amounts; {indicator_id} is not one")
    vals = query.indicator_values(cur, indicator_id, year=year, level=level)
    year = int(vals["year"].iloc[0])
    regions = cur.execute("SELECT code, name_ja, name_en, prefecture_code FROM regions").df().set_index("code")
    t = vals[vals["region_code"] != "00"][["region_code", "value"]].rename(columns={"value": "raw"})
    if level == "prefecture":
        nat = vals.loc[vals["region_code"] == "00", "value"]
        nat_raw = float(nat.iloc[0]) if len(nat) else float("nan")
    elif meta["additive"]:
        # The nation as the sum of all municipalities, so shares come from one source and add to 100 %.
        nat_raw = float(t["raw"].sum(min_count=1))
    else:
        row = cur.execute("SELECT value FROM obs WHERE indicator_id = ? AND region_code = '00' AND year = ?",
                          [indicator_id, year]).fetchone()
        nat_raw = float(row[0]) if row else float("nan")
    if prefecture:
        if prefecture not in regions.index or level != "municipality":
            raise DataError(f"a prefecture filter needs level=municipality and a code 01–47, got {prefecture!r}")
        t = t[t["region_code"].str[:2] == prefecture]
    t = t.join(regions, on="region_code")
    unit_ja, unit_en = meta["unit"], meta["unit_en"]
    national = nat_raw
    if normalisation in ("per_1000", "per_km2"):
        ind, scale, suffix_ja, suffix_en = (("A1101", 1000, "/千人", " per 1,000 people") if normalisation == "per_1000"
                                            else ("B1101", 100, "/km²", " per km²"))
        den = _nearest(cur, ind, level, year)
        t["value"] = compare.ratio(t["raw"], t["region_code"].map(den), scale)
        national = compare.ratio(nat_raw, den.get("00", np.nan), scale)
        unit_ja, unit_en = f"{unit_ja}{suffix_ja}", f"{unit_en}{suffix_en}"
    elif normalisation in ("share", "relative"):
        t["value"] = compare.ratio(t["raw"], pd.Series(nat_raw, index=t.index), 100.0)
        national = 100.0
        unit_ja, unit_en = ("%（全国=100%）", "% of Japan") if normalisation == "share" else ("全国=100", "Japan = 100")
    elif normalisation == "deviation":
        t["value"] = compare.deviation_score(t["raw"])
        national = 50.0
        unit_ja, unit_en = "偏差値", "deviation score"
    else:
        t["value"] = t["raw"]
    hib = meta["higher_is_better"]
    hib = None if hib is None or pd.isna(hib) else bool(hib)
    t["rank"] = compare.rank(t["value"], hib)
    return View(table=t.reset_index(drop=True), national=float(national), unit_ja=unit_ja, unit_en=unit_en,
                year=year, meta=meta)


@lru_cache(maxsize=512)
def cached_view(version: tuple, indicator_id: str, year: int | None, level: str, normalisation: str,
                prefecture: str | None) -> View:
    """:func:`indicator_view` memoised per serving-database version (see ``ReadOnlyStore.version``)."""
    from loaders.store import get_store

    return indicator_view(get_store().cursor(), indicator_id, year, level, normalisation, prefecture)
