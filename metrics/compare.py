"""Normalisations and comparisons of one indicator across the 47 prefectures.

All functions are pure. Missing values stay missing: a region without a value gets no rank, no
deviation score and no percentile, and is never treated as zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def ratio(numerator: pd.Series | float, denominator: pd.Series | float, scale: float = 1.0) -> pd.Series | float:
    """``numerator / denominator × scale``; a zero or missing denominator gives NaN.

    ``scale`` = 1 for per capita, 1,000 for per 1,000 people, 100 for per 100 establishments or a
    percentage share, 100,000 for per 100,000.
    """
    if isinstance(denominator, pd.Series):
        den = denominator.astype("float64").where(denominator != 0)
        return numerator / den * scale
    if denominator is None or denominator == 0 or pd.isna(denominator):
        return float("nan")
    return numerator / denominator * scale


def per_capita(values, population, per: float = 1.0):
    """Values per ``per`` people (1, 1,000, 100,000 …)."""
    return ratio(values, population, per)


def shares(values: pd.Series) -> pd.Series:
    """Each value's share of the total (sums to 1; NaN everywhere when the total is 0)."""
    total = values.sum(min_count=1)
    return ratio(values, pd.Series(total, index=values.index))


def growth(first, last):
    """Percentage change from ``first`` to ``last``; NaN when ``first`` is 0 or missing."""
    return ratio(last - first, first, 100.0)


def rank(values: pd.Series, higher_is_better: bool | None) -> pd.Series:
    """Rank 1 = best. Ties share the best rank of the tie (1, 2, 2, 4); missing values get no rank.

    Without a direction (``None``) the largest value is ranked 1.
    """
    ascending = higher_is_better is False
    return values.rank(method="min", ascending=ascending, na_option="keep")


def deviation_score(values: pd.Series) -> pd.Series:
    """偏差値 = 50 + 10·(x − mean) / sd, where sd is the **population** standard deviation (divisor n,
    as Japanese 偏差値 are conventionally computed), over the values given; 50 for all when sd is 0.

    >>> deviation_score(pd.Series([1.0, 3.0])).tolist()
    [40.0, 60.0]
    """
    v = values.astype("float64")
    sd = v.std(ddof=0)
    if not sd or np.isnan(sd):
        return v.where(v.isna(), 50.0)
    return 50 + 10 * (v - v.mean()) / sd


def percentile(ranks: pd.Series) -> pd.Series:
    """Share of the other ranked regions this one is at least as good as: 100 for rank 1, 0 for last."""
    n = ranks.notna().sum()
    if n <= 1:
        return ranks.where(ranks.isna(), 100.0)
    return (n - ranks) / (n - 1) * 100


GROUP_METHODS = {"ratio": "pooled", "mean": "unweighted_mean"}


def group_method(aggregation: str) -> str:
    """How a group value was formed, as shown beside it: ``pooled`` (Σ numerators / Σ denominators)
    or ``unweighted_mean`` (the plain mean of the member prefectures).

    >>> group_method("ratio"), group_method("mean")
    ('pooled', 'unweighted_mean')
    """
    return GROUP_METHODS[aggregation]


def group_value(values: pd.DataFrame, members: list[str], aggregation: str, scale: float = 1.0) -> float:
    """One value for a group of prefectures.

    ``values`` has region_code, value and, for ratio indicators, numerator and denominator.
    ``aggregation == "ratio"``: Σ numerators / Σ denominators × ``scale`` over the members that have
    both components and a non-zero denominator (NaN if none has).
    ``"mean"``: the unweighted mean of the members' values (NaN if none has a value).
    """
    sub = values[values["region_code"].isin(members)]
    if aggregation == "ratio":
        sub = sub.dropna(subset=["numerator", "denominator"])
        sub = sub[sub["denominator"] != 0]
        if sub.empty:
            return float("nan")
        return float(sub["numerator"].sum() / sub["denominator"].sum() * scale)
    v = sub["value"].dropna()
    return float(v.mean()) if len(v) else float("nan")


def group_values(values: pd.DataFrame, members: pd.DataFrame, aggregation: str,
                 scale: float = 1.0) -> dict[str, float]:
    """:func:`group_value` of every group in ``members`` (group_code, prefecture_code) at once.

    Same rules: ``ratio`` pools Σ numerators / Σ denominators × ``scale`` over the members with both
    components and a non-zero denominator, ``mean`` averages the members' non-missing values; a group
    with nothing to pool or average is NaN. One merge and one groupby instead of a filter per group.
    """
    cols = ["region_code", "value", *(["numerator", "denominator"] if aggregation == "ratio" else [])]
    joined = members[["group_code", "prefecture_code"]].merge(
        values[cols], left_on="prefecture_code", right_on="region_code", how="left")
    groups = pd.Index(members["group_code"].unique())
    if aggregation == "ratio":
        ok = joined["numerator"].notna() & joined["denominator"].notna() & (joined["denominator"] != 0)
        sums = joined[ok].groupby("group_code")[["numerator", "denominator"]].sum().reindex(groups)
        out = sums["numerator"] / sums["denominator"] * scale
    else:
        out = joined.groupby("group_code")["value"].mean().reindex(groups)
    return {str(g): float(v) for g, v in out.items()}


def comparison_table(values: pd.DataFrame, regions: pd.DataFrame, members: pd.DataFrame, *,
                     higher_is_better: bool | None, aggregation: str, national_value: float,
                     scale: float = 1.0) -> pd.DataFrame:
    """The comparison of every prefecture on one indicator and year.

    Parameters
    ----------
    values : DataFrame
        region_code, value (numerator, denominator for ratios) for the 47 prefectures.
    regions : DataFrame
        code, name_ja, name_en, block_code, metro_code for the prefectures.
    members : DataFrame
        group_code, prefecture_code.
    higher_is_better, aggregation, scale
        From the catalog (``scale`` only matters for ratio indicators).
    national_value : float
        The published (or derived) national value.

    Returns
    -------
    DataFrame
        region_code, region_name_ja, region_name_en, value, rank, national_value, deviation_score,
        percentile, metro_value, non_metro_value, block_value and the gaps (value minus group
        value) gap_national, gap_metro, gap_non_metro, gap_block, and group_method (``pooled`` or
        ``unweighted_mean``, see :func:`group_method`) so no mean is ever shown unlabelled.
    """
    prefs = regions[regions["level"] == "prefecture"] if "level" in regions else regions
    df = prefs[["code", "name_ja", "name_en", "block_code"]].rename(
        columns={"code": "region_code", "name_ja": "region_name_ja", "name_en": "region_name_en"})
    cols = [c for c in ("region_code", "value", "numerator", "denominator") if c in values.columns]
    values = values[cols]
    df = df.merge(values, on="region_code", how="left")
    df["rank"] = rank(df["value"], higher_is_better)
    df["national_value"] = national_value
    df["deviation_score"] = deviation_score(df["value"])
    df["percentile"] = percentile(df["rank"])
    by_group = group_values(values, members, aggregation, scale)
    df["metro_value"] = by_group.get("metro-all", np.nan)
    df["non_metro_value"] = by_group.get("non-metro", np.nan)
    df["block_value"] = df["block_code"].map(by_group)
    for col, ref in (("gap_national", "national_value"), ("gap_metro", "metro_value"),
                     ("gap_non_metro", "non_metro_value"), ("gap_block", "block_value")):
        df[col] = df["value"] - df[ref]
    keep = ["region_code", "region_name_ja", "region_name_en", "value", "rank", "national_value",
            "deviation_score", "percentile", "metro_value", "non_metro_value", "block_code", "block_value",
            "gap_national", "gap_metro", "gap_non_metro", "gap_block"]
    out = df[keep].reset_index(drop=True)
    out["group_method"] = group_method(aggregation)
    return out


def median_by_year(values: pd.DataFrame) -> pd.DataFrame:
    """year, value, n: the median of ``values``' non-missing values each year and how many there were
    (a 類似団体 group's median: half of its members are above, half below; missing values are left out).

    >>> median_by_year(pd.DataFrame({"year": [1, 1, 1, 2], "value": [3.0, 1.0, None, 5.0]})).values.tolist()
    [[1.0, 2.0, 2.0], [2.0, 5.0, 1.0]]
    """
    v = values.dropna(subset=["value"])
    out = v.groupby("year", as_index=False)["value"].agg(value="median", n="count")
    return out.astype({"year": "int64", "value": "float64", "n": "int64"})
