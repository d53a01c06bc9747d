"""Location quotients (特化係数) and the figures that make them readable.

For region r, industry i, a measure x (employees, establishments or value added) and a reference
area R (the nation, or a municipality's own prefecture)::

    share_ri = x_ri / x_r,total                  # the industry's share of the region
    ref_share_i = x_Ri / x_R,total               # the industry's share of the reference area
    LQ_ri = share_ri / ref_share_i
    share_of_reference_ri = x_ri / x_Ri          # the region's share of the reference industry

Denominators are the all-industry total row of the *same source* (``industry_code == "total"``):
for the 2016 census the published prefecture and national totals; for the 2021 census the sums of
SSDSE-A municipalities (totals included) for prefectures and nation; for value added the sum of the
16 sectors. A sum of industries is never divided by a published total.

A zero or missing denominator gives a missing LQ (NaN), never 0 or infinity.

A *strength* needs all three: LQ ≥ ``LQ_STRENGTH`` (1.2), a share of the region's total ≥
``MIN_SHARE`` (1 %) and an absolute size ≥ ``MIN_SIZE[measure]`` (100 employees, 10 establishments).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LQ_STRENGTH = 1.2
MIN_SHARE = 0.01
MEASURES = ("employees", "establishments", "value_added")
# Smallest absolute size of a strength, per measure: an industry of one employee (渡名喜村's
# utilities, LQ 7.96) is an accident of small numbers, not a specialisation. Value added has no
# absolute floor because 1 % of a prefecture's value added is always tens of billions of yen.
MIN_SIZE: dict[str, float] = {"employees": 100, "establishments": 10, "value_added": 0}


def location_quotients(regional: pd.DataFrame, reference: pd.DataFrame, *, lq_threshold: float = LQ_STRENGTH,
                       min_share: float = MIN_SHARE, min_value: float = 0.0) -> pd.DataFrame:
    """LQ, shares and a size-aware strength flag for every region and industry.

    Parameters
    ----------
    regional : DataFrame
        region_code, ref_code, industry_code, value. Must include an ``industry_code == "total"``
        row per region. ``ref_code`` names the reference area of each region.
    reference : DataFrame
        ref_code, industry_code, value for the reference areas, with their ``total`` rows.
    lq_threshold : float
        LQ at or above which an industry can count as a strength (default 1.2).
    min_share : float
        Smallest share of the region's total for a strength (default 1 %): a tiny industry with a
        high LQ is not a strength.
    min_value : float
        Smallest absolute size for a strength (same unit as ``value``); callers pass
        ``MIN_SIZE[measure]``. The default 0 applies no size floor.

    Returns
    -------
    DataFrame
        region_code, ref_code, industry_code, value, region_total, share, ref_value, ref_total,
        ref_share, share_of_reference, lq, strength — one row per region and industry (the total
        row excluded).
    """
    totals = (regional[regional["industry_code"] == "total"][["region_code", "value"]]
              .rename(columns={"value": "region_total"}))
    ref_totals = (reference[reference["industry_code"] == "total"][["ref_code", "value"]]
                  .rename(columns={"value": "ref_total"}))
    ref = (reference[reference["industry_code"] != "total"][["ref_code", "industry_code", "value"]]
           .rename(columns={"value": "ref_value"}).merge(ref_totals, on="ref_code", how="left"))
    out = (regional[regional["industry_code"] != "total"][["region_code", "ref_code", "industry_code", "value"]]
           .merge(totals, on="region_code", how="left")
           .merge(ref, on=["ref_code", "industry_code"], how="left"))
    out["share"] = _ratio(out["value"], out["region_total"])
    out["ref_share"] = _ratio(out["ref_value"], out["ref_total"])
    out["share_of_reference"] = _ratio(out["value"], out["ref_value"])
    out["lq"] = _ratio(out["share"], out["ref_share"])
    out["strength"] = ((out["lq"] >= lq_threshold) & (out["share"] >= min_share)
                       & (out["value"] >= min_value)).fillna(False).astype(bool)
    return out.reset_index(drop=True)


def strength_rule(measure: str) -> dict[str, float]:
    """The thresholds of a strength for one measure, as keyword arguments of :func:`location_quotients`.

    >>> strength_rule("employees")
    {'lq_threshold': 1.2, 'min_share': 0.01, 'min_value': 100}
    """
    return {"lq_threshold": LQ_STRENGTH, "min_share": MIN_SHARE, "min_value": MIN_SIZE[measure]}


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype("float64").where(den != 0)
    return (num.astype("float64") / den).replace([np.inf, -np.inf], np.nan)


def lq_change(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Change between two LQ tables of the same regions (e.g. 2016 → 2021).

    Returns region_code, industry_code, value_from, value_to, value_growth (%, NaN when the first
    value is 0 or missing), lq_from, lq_to, lq_change (difference). Only industries present in
    both years are kept.
    """
    cols = ["region_code", "industry_code", "value", "lq"]
    merged = first[cols].merge(second[cols], on=["region_code", "industry_code"], suffixes=("_from", "_to"))
    merged["value_growth"] = _ratio(merged["value_to"] - merged["value_from"], merged["value_from"]) * 100
    merged["lq_change"] = merged["lq_to"] - merged["lq_from"]
    return merged
