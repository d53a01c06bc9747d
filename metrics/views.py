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

import numpy as np
import pandas as pd

from loaders.errors import DataError
from metrics import compare

NORMALISATIONS = ("none", "per_1000", "per_km2", "share", "relative", "deviation")
COUNT_ONLY = ("per_1000", "per_km2", "share")


@dataclass(frozen=True)
class View:
    """Values of one indicator as shown."""

    table: pd.DataFrame      # region_code, name_ja, name_en, prefecture_code, raw, value, rank, dataset
    national: float          # the national value after the same normalisation (NaN if none)
    unit_ja: str
    unit_en: str
    year: int
    meta: dict
    national_dataset: str | None = None   # the edition the national value came from


def allowed_normalisations(meta: dict) -> tuple[str, ...]:
    if meta.get("additive"):
        return NORMALISATIONS
    return tuple(n for n in NORMALISATIONS if n not in COUNT_ONLY)


def check_normalisation(meta: dict, normalisation: str) -> None:
    """DataError unless ``normalisation`` is known and applies to the indicator (counts only for some)."""
    if normalisation not in NORMALISATIONS:
        raise DataError(f"unknown normalisation {normalisation!r}; expected one of {', '.join(NORMALISATIONS)}")
    if normalisation not in allowed_normalisations(meta):
        raise DataError(f"{normalisation} applies to counts and amounts; {meta['id']} is not one")


def make_view(values: pd.DataFrame, regions: pd.DataFrame, meta: dict, *, level: str = "prefecture",
              normalisation: str = "none", prefecture: str | None = None, national_raw: float = float("nan"),
              denominator: pd.Series | None = None, national_dataset: str | None = None) -> View:
    """Values for a map, ranking and table, from what the query layer returned.

    Parameters
    ----------
    values : DataFrame
        region_code, year, value of one indicator and year (the nation, code 00, may be among them).
    regions : DataFrame
        code, name_ja, name_en, prefecture_code of every region.
    meta : dict
        The catalog row (unit, unit_en, additive, higher_is_better).
    level, normalisation, prefecture
        As in :func:`metrics.service.indicator_view`.
    national_raw : float
        Japan's value as published, used for municipalities of a non-additive indicator; for
        prefectures it is read from the 00 row of ``values``, for municipalities of an additive
        indicator it is the sum of all municipalities (so shares add to 100 % within one source).
    denominator : Series, optional
        For ``per_1000`` / ``per_km2``: population / area in ha per region code, including 00.
    national_dataset : str, optional
        The dataset of ``national_raw``.

    The table keeps each value's ``dataset`` (the edition it came from), and the view the
    national value's, so every map hover and export row can name its source edition.

    Ranks are among the regions shown, 1 = best by the catalog's direction (largest first without
    one). A zero or missing denominator gives a missing value, never 0.
    """
    check_normalisation(meta, normalisation)
    year = int(values["year"].iloc[0])
    regions = regions.set_index("code")[["name_ja", "name_en", "prefecture_code"]]
    if "dataset_id" not in values:
        values = values.assign(dataset_id=None)
    t = values[values["region_code"] != "00"][["region_code", "value", "dataset_id"]].rename(
        columns={"value": "raw", "dataset_id": "dataset"})
    if level == "prefecture":
        nat = values.loc[values["region_code"] == "00"]
        nat_raw = float(nat["value"].iloc[0]) if len(nat) else float("nan")
        nat_dataset = nat["dataset_id"].iloc[0] if len(nat) else None
    elif meta["additive"]:
        nat_raw = float(t["raw"].sum(min_count=1))
        nat_dataset = "Σ municipalities"
    else:
        nat_raw = float(national_raw)
        nat_dataset = national_dataset
    if prefecture:
        if prefecture not in regions.index or level != "municipality":
            raise DataError(f"a prefecture filter needs level=municipality and a code 01–47, got {prefecture!r}")
        t = t[t["region_code"].str[:2] == prefecture]
    t = t.join(regions, on="region_code")
    unit_ja, unit_en = meta["unit"], meta["unit_en"]
    national = nat_raw
    if normalisation in ("per_1000", "per_km2"):
        scale, suffix_ja, suffix_en = ((1000, "/千人", " per 1,000 people") if normalisation == "per_1000"
                                       else (100, "/km²", " per km²"))
        den = denominator if denominator is not None else pd.Series(dtype="float64")
        t["value"] = compare.ratio(t["raw"], t["region_code"].map(den), scale)
        national = compare.ratio(nat_raw, den.get("00", np.nan), scale)
        unit_ja, unit_en = f"{unit_ja}{suffix_ja}", f"{unit_en}{suffix_en}"
        per = f" ÷ {DENOMINATORS[normalisation]} (nearest year)"
        t["dataset"] = t["dataset"].map(lambda d: None if d is None else f"{d}{per}")
        nat_dataset = None if nat_dataset is None else f"{nat_dataset}{per}"
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
                year=year, meta=meta, national_dataset=nat_dataset)


# The indicator whose nearest-year value divides a count for each per-unit normalisation.
DENOMINATORS = {"per_1000": "A1101", "per_km2": "B1101"}


def group_series(obs: pd.DataFrame, members: pd.DataFrame, codes: list[str], *, aggregation: str,
                 scale: float = 1.0) -> pd.DataFrame:
    """year, region_code, value over time for prefectures, 全国 (00) and groups.

    ``obs`` has region_code, year, value, numerator, denominator for the nation and prefectures;
    ``members`` group_code, prefecture_code. Group values are formed exactly as
    :func:`metrics.compare.group_value` forms them for one year: ``ratio`` = Σ numerators /
    Σ denominators × ``scale`` over members with both components and a non-zero denominator;
    ``mean`` = the unweighted mean of members with a value. A code with no data gives no rows.
    """
    group_codes = [c for c in codes if c != "00" and c in set(members["group_code"])]
    g = obs.merge(members[members["group_code"].isin(group_codes)], left_on="region_code",
                  right_on="prefecture_code")
    if aggregation == "ratio":
        g = g.dropna(subset=["numerator", "denominator"])
        g = g[g["denominator"] != 0]
        agg = g.groupby(["group_code", "year"], as_index=False)[["numerator", "denominator"]].sum()
        agg["value"] = agg["numerator"] / agg["denominator"] * scale
    else:
        agg = g.dropna(subset=["value"]).groupby(["group_code", "year"], as_index=False)["value"].mean()
    parts = []
    for code in codes:
        sub = agg[agg["group_code"] == code] if code in group_codes else obs[obs["region_code"] == code]
        parts.append(pd.DataFrame({"year": sub["year"].astype(int).to_numpy(), "region_code": code,
                                   "value": sub["value"].astype("float64").to_numpy()}))
    if not parts:
        return pd.DataFrame(columns=["year", "region_code", "value"])
    return pd.concat(parts, ignore_index=True)


def deviation_of(value: float, values: pd.Series) -> float:
    """50 + 10 · (value − mean) / sd of ``values`` (population sd): where ``value`` would sit on the
    偏差値 scale of ``values``. NaN when ``value`` is missing or the values have no spread.

    >>> deviation_of(3.0, pd.Series([1.0, 3.0]))
    60.0
    """
    sd = values.std(ddof=0)
    if not sd or pd.isna(value):
        return float("nan")
    return float(50 + 10 * (value - values.mean()) / sd)


# --- views without values (map year slider) -------------------------------------------------------

def empty_reason(view: View, normalisation: str) -> str | None:
    """Why a view has nothing to draw, or None when some region has a value.

    ``no_national``: the regions have values but Japan's value they are divided by is missing
    (``share`` / ``relative`` in a year without a national figure); ``no_denominator``: likewise for
    the population or area of ``per_1000`` / ``per_km2``; ``no_values``: no region has a value.
    """
    if view.table["value"].notna().any():
        return None
    if view.table["raw"].notna().any():
        if normalisation in ("share", "relative"):
            return "no_national"
        if normalisation in DENOMINATORS:
            return "no_denominator"
    return "no_values"


def nearest_year(year: int, years, has_values) -> int | None:
    """The year of ``years`` closest to ``year`` for which ``has_values(y)`` holds, the later one on a tie
    (newer figures); None when no other year qualifies.

    >>> nearest_year(2015, [2011, 2015, 2019, 2020], lambda y: y >= 2019)
    2019
    >>> nearest_year(2016, [2014, 2016, 2018], lambda y: y != 2016)
    2018
    """
    for y in sorted((int(y) for y in years if int(y) != year), key=lambda y: (abs(y - year), -y)):
        if has_values(y):
            return y
    return None
