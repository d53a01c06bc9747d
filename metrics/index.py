"""A composite innovation index following the Regional Innovation Scoreboard's published method.

Steps, per indicator, across the 47 prefectures (the national value is carried through the same
steps so that the index can be expressed relative to Japan, as the RIS expresses regions relative
to the EU):

1. Outliers: values above mean + k·sd or below mean − k·sd (k = 2, population sd) are replaced by
   the largest / smallest value that is not an outlier. Two regions capped to the same value (or
   one capped to the value of the largest regular one) become equal on that indicator; such ties
   are reported with their reason (:class:`Tie`).
2. Skewed indicators (skewness g1 above 1, all values ≥ 0) take a square-root transformation. g1
   is the moment coefficient m3 / m2^1.5 with population moments m_j = Σ(x − x̄)^j / n — see
   :func:`skewness` for why this one and not the small-sample adjusted G1.
3. Min-max rescaling to 0–1 across prefectures; an indicator where lower is better is flipped
   (1 − x). The national value is rescaled with the same min and max (clipped to 0–1).
4. The index of a region is the weighted mean of its rescaled scores over the indicators it has
   (equal weights unless given); a missing value is left out of that region's mean, never counted
   as 0. The national index is the same weighted mean of the rescaled national values.
   Relative performance = region index / national index × 100.
5. Groups: leader above 125 %, strong 100–125 %, moderate 70–100 %, emerging below 70 %.

The national value of an indicator is Japan's value as a whole: the published national figure, or
Σ numerators / Σ denominators of the 47 prefectures (never a mean of the prefectures' ratios). The
caller supplies it; only when no indicator has one does the index fall back to the mean of the
prefectures' indices, and says so in the notes.

Every step is scale-free, so multiplying an indicator by a positive constant leaves the index
unchanged. The rank band reruns the index leaving out each indicator in turn and reports the best
and worst rank seen, so a reader can tell a robust rank from one that hangs on a single indicator.

>>> m = pd.DataFrame({"i1": [0.0, 5.0, 10.0]}, index=["a", "b", "c"])
>>> composite_index(m, pd.Series({"i1": 5.0}), {"i1": True}).scores["relative"].tolist()
[0.0, 100.0, 200.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SCORE_COLUMNS = ["region_code", "index", "relative", "group", "rank", "rank_best", "rank_worst", "tied_with",
                 "tie_reason"]


@dataclass(frozen=True)
class Tie:
    """Regions that share a rank, and why.

    ``reason`` is ``capped`` when outlier capping made the members equal on at least one indicator
    (``capped`` maps those indicators to the common value after capping, in the indicator's unit;
    ``capped_regions`` to the members whose value was replaced), ``same_scores`` when the members
    have the same rescaled score on every indicator without capping, and ``equal_index`` when
    different scores happen to average to the same index.
    """

    regions: tuple[str, ...]
    rank: int
    reason: str
    capped: dict[str, float] = field(default_factory=dict)
    capped_regions: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Coverage:
    """How much of the study's indicator set is in the index.

    ``loaded`` are study indicators in the index; ``missing`` the study indicators not in it;
    ``proxies`` indicators in the index that stand in for study indicators (named proxies);
    ``others`` indicators in the index that are neither; ``set_aside`` the proxies left out because a
    study indicator they stand in for is in the index, each with those study indicators.
    """

    study: tuple[str, ...]
    loaded: tuple[str, ...]
    missing: tuple[str, ...]
    proxies: tuple[str, ...]
    others: tuple[str, ...]
    set_aside: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def k(self) -> int:
        return len(self.loaded)

    @property
    def n(self) -> int:
        return len(self.study)

    @property
    def of_proxies(self) -> bool:
        """True when the index leans on indicators that are not the study's."""
        return bool(self.proxies or self.others)

    def summary(self, lang: str = "en", names: dict[str, str] | None = None) -> str:
        """One line: "k of n study indicators loaded (…); proxies: …; not in the study: …"."""
        nm = names or {}

        def ids(xs: Sequence[str]) -> str:
            return ", ".join(nm.get(x, x) for x in xs) if xs else "—"
        if lang == "en":
            parts = [f"{self.k} of {self.n} study indicators loaded ({ids(self.loaded)})"]
            if self.proxies:
                parts.append(f"proxies: {ids(self.proxies)}")
            if self.others:
                parts.append(f"not study indicators: {ids(self.others)}")
            if self.missing:
                parts.append(f"study indicators not loaded: {ids(self.missing)}")
            if self.set_aside:
                parts.append("proxies set aside for the study's own indicators: "
                             + ", ".join(f"{nm.get(p, p)} (→ {ids(by)})" for p, by in self.set_aside))
            return ("composite of proxies: " if self.of_proxies else "") + "; ".join(parts)
        parts = [f"研究の{self.n}指標のうち{self.k}指標を読み込み済み（{ids(self.loaded)}）"]
        if self.proxies:
            parts.append(f"代理指標: {ids(self.proxies)}")
        if self.others:
            parts.append(f"研究の指標でないもの: {ids(self.others)}")
        if self.missing:
            parts.append(f"未読み込みの研究指標: {ids(self.missing)}")
        if self.set_aside:
            parts.append("研究の指標が読み込まれたため外した代理指標: "
                         + "、".join(f"{nm.get(p, p)}（→ {ids(by)}）" for p, by in self.set_aside))
        return ("代理指標による合成: " if self.of_proxies else "") + "。".join(parts)


@dataclass
class IndexResult:
    """Scores per prefecture and what went into them."""

    scores: pd.DataFrame            # SCORE_COLUMNS
    normalised: pd.DataFrame        # prefectures × indicators, rescaled 0–1 (direction applied)
    national_index: float
    indicators: list[str]
    transformed: list[str] = field(default_factory=list)   # indicators that took the square root
    outliers: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    national_values: pd.Series = field(default_factory=lambda: pd.Series(dtype="float64"))  # raw, as given
    ties: list[Tie] = field(default_factory=list)
    outlier_sd: float = 2.0
    coverage: Coverage | None = None


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
    """Cap values beyond mean ± k·sd (population sd) at the largest/smallest non-outlier value.

    Fewer than three values, or no spread, are returned unchanged. Missing values stay missing.
    """
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


def skewness(values: pd.Series) -> float:
    """Moment coefficient of skewness g1 = m3 / m2^1.5, with m_j = Σ(x − x̄)^j / n (missing values dropped).

    This is the statistic the index uses to decide on a square-root transformation. It is not the
    small-sample adjusted G1 = g1 · √(n(n − 1)) / (n − 2) that spreadsheets call SKEW: g1 goes with
    the population standard deviation used for the outlier rule and for 偏差値 (the 47 prefectures
    are the whole population, not a sample), and on 47 values the two differ only by the factor
    √(47·46)/45 ≈ 1.033, so only an indicator with g1 between 0.968 and 1 would be treated
    differently. Fewer than three values or no spread give 0 (not skewed).

    >>> round(skewness(pd.Series([0.0, 0.0, 0.0, 1.0])), 4)   # 2 / √3
    1.1547
    """
    v = values.dropna().astype("float64")
    m2 = ((v - v.mean()) ** 2).mean()
    cube = m2 ** 1.5
    if len(v) < 3 or not cube or not np.isfinite(cube):   # flat, or spread too small to measure
        return 0.0
    return float(((v - v.mean()) ** 3).mean() / cube)


def coverage(indicators: Sequence[str], study_ids: Sequence[str], proxy_ids: Sequence[str],
             stands_for: dict[str, Sequence[str]] | None = None) -> Coverage:
    """Classify the indicators of an index against the study's list and the named proxies.

    ``stands_for`` maps a proxy to the study indicators it stands in for; a proxy not in the index
    whose study indicators are is reported as set aside.

    >>> c = coverage(["u", "p"], study_ids=["u", "g"], proxy_ids=["p"])
    >>> (c.k, c.n, c.proxies, c.missing)
    (1, 2, ('p',), ('g',))
    >>> coverage(["u", "g"], ["u", "g"], ["p"], {"p": ["g"]}).set_aside
    (('p', ('g',)),)
    """
    used = list(indicators)
    aside = tuple((p, tuple(s for s in by if s in used)) for p, by in (stands_for or {}).items()
                  if p not in used and any(s in used for s in by))
    return Coverage(study=tuple(study_ids), loaded=tuple(i for i in study_ids if i in used),
                    missing=tuple(i for i in study_ids if i not in used),
                    proxies=tuple(i for i in used if i in proxy_ids and i not in study_ids),
                    others=tuple(i for i in used if i not in proxy_ids and i not in study_ids), set_aside=aside)


def default_indicators(in_index: Sequence[str], loaded: Sequence[str] | set[str],
                       stands_for: dict[str, Sequence[str]]) -> list[str]:
    """The default index: the ``in_index`` indicators less each proxy whose study indicator is loaded.

    The study's own measure of a dimension replaces the stand-in for it as soon as it is loaded, so
    importing, say, VC investment swaps the ICT-employee share out of the default index. A proxy stays
    while none of the study indicators it stands for is loaded (the bundled data loads none of them).
    Indicators that are not loaded are kept; the caller leaves them out (and says so).

    >>> default_indicators(["g", "p", "q", "u", "v"], {"g", "p", "q", "u"}, {"p": ["g"], "q": ["v"]})
    ['g', 'q', 'u', 'v']
    """
    have = set(loaded)
    return sorted(i for i in in_index if not any(s in have for s in stands_for.get(i, ())))


def composite_index(matrix: pd.DataFrame, national: pd.Series, directions: dict[str, bool | None], *,
                    weights: dict[str, float] | None = None, outlier_sd: float = 2.0,
                    skew_threshold: float = 1.0, band: bool = True) -> IndexResult:
    """Compute the index.

    Parameters
    ----------
    matrix : DataFrame
        Index = prefecture codes, columns = indicator ids, raw values (NaN where missing).
    national : Series
        Japan's value of each indicator (index = indicator ids): the published national figure or
        Σ numerators / Σ denominators of all prefectures. Missing entries are left out of the
        national index.
    directions : dict
        higher_is_better per indicator; ``False`` flips the rescaled score, ``None`` is treated as
        higher-is-better and noted.
    weights : dict, optional
        Relative weights; indicators absent from it get weight 0. Equal weights by default.
    outlier_sd, skew_threshold : float
        k of the outlier rule (mean ± k·sd) and the g1 above which the square root is taken.
    band : bool
        Compute the leave-one-indicator-out rank band.

    Returns
    -------
    IndexResult
        ``scores`` has SCORE_COLUMNS; ``tied_with`` lists the other members of a region's tie
        (comma-separated codes, "" when not tied) and ``tie_reason`` says why (see :func:`tie_text`).
        An indicator with fewer than two values is left out with a note; a constant indicator scores
        0.5 everywhere. A national index of 0 gives missing relative scores rather than infinity.
    """
    cols = [c for c in matrix.columns if matrix[c].notna().sum() >= 2]
    notes = [f"{c}: fewer than two prefectures have a value; left out" for c in matrix.columns if c not in cols]
    if weights is not None:
        unweighted = [c for c in cols if not weights.get(c, 0) > 0]
        if unweighted:
            notes.append(f"no weight (or weight 0), left out: {', '.join(unweighted)}")
        cols = [c for c in cols if c not in unweighted]
    if not cols:
        raise ValueError("no indicator with data to build an index from")
    norm = pd.DataFrame(index=matrix.index)
    capped = pd.DataFrame(index=matrix.index)
    nat_norm = {}
    transformed, outliers = [], {}
    for c in cols:
        col, flagged = treat_outliers(matrix[c].astype("float64"), outlier_sd)
        capped[c] = col
        if flagged:
            outliers[c] = flagged
        nat = float(national.get(c, np.nan))
        if (col.dropna() >= 0).all() and skewness(col) > skew_threshold:
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
    scores["rank"] = _rank(index).values
    scores["rank_best"] = scores["rank"]
    scores["rank_worst"] = scores["rank"]
    if band and len(cols) > 1:
        for c in cols:
            r = _rank(_weighted_mean(norm[[x for x in cols if x != c]], w.drop(c)))
            scores["rank_best"] = np.fmin(scores["rank_best"], r.values)
            scores["rank_worst"] = np.fmax(scores["rank_worst"], r.values)
    ties = find_ties(scores, matrix[cols], capped[cols], norm[cols], outliers)
    scores["tied_with"] = ""
    scores["tie_reason"] = ""
    for tie in ties:
        for code in tie.regions:
            at = scores["region_code"] == code
            scores.loc[at, "tied_with"] = ",".join(r for r in tie.regions if r != code)
            scores.loc[at, "tie_reason"] = tie_text(tie, code, "en", outlier_sd=outlier_sd)
    used_national = pd.Series({c: float(national.get(c, np.nan)) for c in cols}, dtype="float64")
    return IndexResult(scores=scores[SCORE_COLUMNS], normalised=norm, national_index=national_index,
                       indicators=cols, transformed=transformed, outliers=outliers, notes=notes,
                       national_values=used_national, ties=ties, outlier_sd=outlier_sd)


def _rank(index: pd.Series) -> pd.Series:
    # Rounded so that regions equal up to floating-point noise share a rank (1, 1, 3, …).
    return index.round(12).rank(method="min", ascending=False)


def find_ties(scores: pd.DataFrame, raw: pd.DataFrame, capped: pd.DataFrame, normalised: pd.DataFrame,
              outliers: dict[str, list[str]]) -> list[Tie]:
    """Groups of regions sharing a rank, with the reason (see :class:`Tie`).

    An indicator counts as *capped* for a tie when the members' raw values differ but their values
    after outlier capping are equal and at least one member was capped on it.
    """
    ranked = scores.dropna(subset=["rank"])
    out = []
    for rank, group in ranked.groupby("rank", sort=True):
        members = tuple(sorted(group["region_code"]))
        if len(members) < 2:
            continue
        cap_value, cap_regions = {}, {}
        for c in raw.columns:
            after = capped.loc[list(members), c]
            before = raw.loc[list(members), c]
            flagged = tuple(m for m in members if m in outliers.get(c, []))
            if flagged and after.notna().all() and after.nunique() == 1 and before.nunique() > 1:
                cap_value[c] = float(after.iloc[0])
                cap_regions[c] = flagged
        if cap_value:
            reason = "capped"
        else:
            same = normalised.loc[list(members)].nunique(dropna=False).le(1).all()
            reason = "same_scores" if same else "equal_index"
        out.append(Tie(regions=members, rank=int(rank), reason=reason, capped=cap_value,
                       capped_regions=cap_regions))
    return out


def _num(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


def tie_text(tie: Tie, region: str | None, lang: str = "en", *, region_names: dict[str, str] | None = None,
             indicator_names: dict[str, str] | None = None, outlier_sd: float = 2.0) -> str:
    """Why ``region`` shares its rank, in one sentence (``lang`` ja or en); with ``region=None`` the
    sentence names every member of the tie (for a note under the chart).

    >>> t = Tie(("13", "27"), 1, "capped", {"x": 4.03}, {"x": ("13",)})
    >>> tie_text(t, "13").endswith("gave them the same value on x (4.03; capped: 13)")
    True
    >>> tie_text(t, None)[:30]
    '13 and 27 are tied at rank 1 b'
    """
    rn, inn = region_names or {}, indicator_names or {}
    k = f"{outlier_sd:g}"
    capped = [(inn.get(c, c), _num(v), ", ".join(rn.get(r, r) for r in tie.capped_regions.get(c, ())))
              for c, v in tie.capped.items()]
    if lang == "en":
        if region is None:
            names = [rn.get(r, r) for r in tie.regions]
            head = f"{', '.join(names[:-1])} and {names[-1]} are tied at rank {tie.rank}"
        else:
            head = f"tied at rank {tie.rank} with {', '.join(rn.get(r, r) for r in tie.regions if r != region)}"
        if tie.reason == "capped":
            detail = "; ".join(f"{name} ({v}; capped: {who})" for name, v, who in capped)
            return (f"{head} because outlier capping (values beyond mean ± {k} sd set to the largest or smallest "
                    f"non-outlier value) gave them the same value on {detail}")
        if tie.reason == "same_scores":
            return f"{head}: the same rescaled score on every indicator"
        return f"{head}: different scores that average to the same index"
    if region is None:
        head = f"{'・'.join(rn.get(r, r) for r in tie.regions)}は同順位（{tie.rank}位）"
    else:
        head = f"{'、'.join(rn.get(r, r) for r in tie.regions if r != region)}と同順位（{tie.rank}位）"
    if tie.reason == "capped":
        detail = "、".join(f"{name}（{v}、補正: {who}）" for name, v, who in capped)
        return (f"{head}。外れ値の補正（平均±{k}標準偏差を超える値を外れ値でない最大・最小の値に置き換える）で"
                f"次の指標の値が同じになったため: {detail}")
    if tie.reason == "same_scores":
        return f"{head}。全指標で同じ得点"
    return f"{head}。得点は異なるが平均が一致"


def scores_frame(result: IndexResult, years: dict[str, int], region_names: dict[str, str]) -> pd.DataFrame:
    """The scores as exported (CSV, Excel, JSON): one row per prefecture, machine-readable.

    Adds region_name, ``indicators`` (id@year, comma-separated), ``study_coverage`` ("k of n") and
    ``note`` (the coverage summary: study indicators loaded, proxies) on every row, so the file says
    what the index is made of without a comment line that would break CSV readers.
    """
    df = result.scores.copy()
    df.insert(1, "region_name", df["region_code"].map(region_names))
    df["indicators"] = ",".join(f"{i}@{years[i]}" if i in years else i for i in result.indicators)
    cov = result.coverage
    df["study_coverage"] = f"{cov.k} of {cov.n}" if cov else ""
    df["note"] = cov.summary("en") if cov else ""
    return df


def _weighted_mean(frame: pd.DataFrame, w: pd.Series) -> pd.Series:
    # A region's missing indicator is left out of its own mean rather than counted as 0.
    present = frame.notna()
    num = (frame.fillna(0) * w).sum(axis=1)
    den = (present * w).sum(axis=1)
    return num / den.where(den > 0)
