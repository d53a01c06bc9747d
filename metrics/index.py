"""A composite innovation index following the Regional Innovation Scoreboard's published method.

Steps, per indicator, across the 47 prefectures (the national value is carried through the same
steps so that the index can be expressed relative to Japan, as the RIS expresses regions relative
to the EU):

1. Outliers: values above mean + k·sd or below mean − k·sd (k = 2, population sd) are replaced by
   the largest / smallest value that is not an outlier.
2. Skewed indicators (sample skewness above 1, all values ≥ 0) take a square-root transformation.
3. Min-max rescaling to 0–1 across prefectures; an indicator where lower is better is flipped
   (1 − x). The national value is rescaled with the same min and max (clipped to 0–1).
4. The index of a region is the weighted mean of its rescaled scores over the indicators it has
   (equal weights unless given). Relative performance = region index / national index × 100.
5. Groups: leader above 125 %, strong 100–125 %, moderate 70–100 %, emerging below 70 %.

Every step is scale-free, so multiplying an indicator by a positive constant leaves the index
unchanged. The rank band reruns the index leaving out each indicator in turn and reports the best
and worst rank seen, so a reader can tell a robust rank from one that hangs on a single indicator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class IndexResult:
    """Scores per prefecture and what went into them."""

    scores: pd.DataFrame            # region_code, index, relative, group, rank, rank_best, rank_worst
    normalised: pd.DataFrame        # prefectures × indicators, rescaled 0–1 (direction applied)
    national_index: float
    indicators: list[str]
    transformed: list[str] = field(default_factory=list)   # indicators that took the square root
    outliers: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def performance_group(relative: float) -> str | None:
    """RIS performance group for an index relative to the national level (in %)."""
    if relative is None or np.isnan(relative):
        return None
    if relative > 125:
        return "leader"
    if relative >= 100:
        return "strong"
    if relative >= 70:
        return "moderate"
    return "emerging"


def treat_outliers(col: pd.Series, k: float = 2.0) -> tuple[pd.Series, list[str]]:
    """Cap values beyond mean ± k·sd at the largest/smallest non-outlier value."""
    v = col.dropna()
    if len(v) < 3:
        return col, []
    mean, sd = v.mean(), v.std(ddof=0)
    if not sd:
        return col, []
    high, low = v > mean + k * sd, v < mean - k * sd
    inside = v[~high & ~low]
    out = col.copy()
    out[col > mean + k * sd] = inside.max()
    out[col < mean - k * sd] = inside.min()
    return out, sorted(v.index[high | low])


def _skew(v: pd.Series) -> float:
    v = v.dropna()
    cube = v.std(ddof=0) ** 3
    if len(v) < 3 or not cube or not np.isfinite(cube):   # flat, or spread too small to measure
        return 0.0
    return float(((v - v.mean()) ** 3).mean() / cube)


def composite_index(matrix: pd.DataFrame, national: pd.Series, directions: dict[str, bool | None], *,
                    weights: dict[str, float] | None = None, outlier_sd: float = 2.0,
                    skew_threshold: float = 1.0, band: bool = True) -> IndexResult:
    """Compute the index.

    Parameters
    ----------
    matrix : DataFrame
        Index = prefecture codes, columns = indicator ids, raw values (NaN where missing).
    national : Series
        The national value of each indicator (index = indicator ids).
    directions : dict
        higher_is_better per indicator; ``False`` flips the rescaled score, ``None`` is treated as
        higher-is-better and noted.
    weights : dict, optional
        Relative weights; indicators absent from it get weight 0. Equal weights by default.

    Returns
    -------
    IndexResult
    """
    cols = [c for c in matrix.columns if matrix[c].notna().sum() >= 2]
    notes = [f"{c}: fewer than two prefectures have a value; left out" for c in matrix.columns if c not in cols]
    if weights is not None:
        cols = [c for c in cols if weights.get(c, 0) > 0]
    if not cols:
        raise ValueError("no indicator with data to build an index from")
    norm = pd.DataFrame(index=matrix.index)
    nat_norm = {}
    transformed, outliers = [], {}
    for c in cols:
        col, flagged = treat_outliers(matrix[c].astype("float64"), outlier_sd)
        if flagged:
            outliers[c] = flagged
        nat = float(national.get(c, np.nan))
        if (col.dropna() >= 0).all() and _skew(col) > skew_threshold:
            col = np.sqrt(col)
            nat = float(np.sqrt(nat)) if nat >= 0 else np.nan
            transformed.append(c)
        lo, hi = col.min(), col.max()
        if hi == lo:
            notes.append(f"{c}: every prefecture has the same value; scored 0.5")
            scaled, nat_scaled = col.where(col.isna(), 0.5), 0.5
        else:
            scaled = (col - lo) / (hi - lo)
            with np.errstate(over="ignore"):  # a national value far outside a tiny spread just clips
                nat_scaled = float(np.clip((nat - lo) / (hi - lo), 0, 1)) if not np.isnan(nat) else np.nan
        if directions.get(c) is False:
            scaled, nat_scaled = 1 - scaled, 1 - nat_scaled
        elif directions.get(c) is None:
            notes.append(f"{c}: no direction in the catalog; higher counted as better")
        norm[c] = scaled
        nat_norm[c] = nat_scaled
    w = pd.Series({c: float(weights[c]) if weights else 1.0 for c in cols})
    index = _weighted_mean(norm[cols], w)
    nat_series = pd.Series(nat_norm)
    national_index = float((nat_series * w).sum() / w[nat_series.notna()].sum()) if nat_series.notna().any() \
        else float("nan")
    if np.isnan(national_index):
        notes.append("no national values: relative scores use the mean of prefectures instead")
        national_index = float(index.mean())
    relative = index / national_index * 100 if national_index else index * np.nan
    scores = pd.DataFrame({"region_code": matrix.index, "index": index.values, "relative": relative.values})
    scores["group"] = scores["relative"].map(performance_group)
    scores["rank"] = scores["index"].rank(method="min", ascending=False)
    scores["rank_best"] = scores["rank"]
    scores["rank_worst"] = scores["rank"]
    if band and len(cols) > 1:
        for c in cols:
            r = _weighted_mean(norm[[x for x in cols if x != c]], w.drop(c)).rank(method="min", ascending=False)
            scores["rank_best"] = np.fmin(scores["rank_best"], r.values)
            scores["rank_worst"] = np.fmax(scores["rank_worst"], r.values)
    return IndexResult(scores=scores, normalised=norm, national_index=national_index, indicators=cols,
                       transformed=transformed, outliers=outliers, notes=notes)


def _weighted_mean(frame: pd.DataFrame, w: pd.Series) -> pd.Series:
    # A region's missing indicator is left out of its own mean rather than counted as 0.
    present = frame.notna()
    num = (frame.fillna(0) * w).sum(axis=1)
    den = (present * w).sum(axis=1)
    return num / den.where(den > 0)
