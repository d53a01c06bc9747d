"""Metrics over the serving database: fetch with loaders.query/SQL, compute with the pure modules.

Identifiers (indicator ids, measures, levels, years) are validated against the catalog and the
data before use and reach SQL only as parameters.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from loaders import query
from loaders.errors import DataError
from metrics import compare, index, lq, peers
from metrics.cache import per_version


def _regions(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute("SELECT * FROM regions ORDER BY sort_order").df()


def lq_years(cur: duckdb.DuckDBPyConnection, measure: str) -> list[int]:
    if measure not in lq.MEASURES:
        raise DataError(f"unknown measure {measure!r}; expected one of {', '.join(lq.MEASURES)}")
    return [int(r[0]) for r in cur.execute(
        "SELECT DISTINCT year FROM industry_activity WHERE measure = ? ORDER BY year", [measure]).fetchall()]


def lq_table(cur: duckdb.DuckDBPyConnection, measure: str, year: int | None = None, *,
             level: str = "prefecture", against: str = "nation", **thresholds: float) -> pd.DataFrame:
    """Location quotients for every region and industry of a level.

    ``against`` is ``nation`` or, for municipalities, ``prefecture`` (the municipality's own
    prefecture, from the same source). Adds region and industry names and the year.
    """
    years = lq_years(cur, measure)
    year = years[-1] if year is None else int(year)
    if year not in years:
        raise DataError(f"no {measure} by industry for {year}; years available: {', '.join(map(str, years))}")
    if level not in query.LEVELS:
        raise DataError(f"unknown level {level!r}; expected one of {', '.join(query.LEVELS)}")
    if against not in ("nation", "prefecture") or (against == "prefecture" and level != "municipality"):
        raise DataError("against=prefecture applies to municipalities; prefectures compare with the nation")
    act = cur.execute("""
        SELECT a.region_code, a.industry_code, a.value, r.level, r.prefecture_code
        FROM industry_activity a JOIN regions r ON r.code = a.region_code
        WHERE a.measure = ? AND a.year = ?
    """, [measure, year]).df()
    regional = act[act["level"] == level].copy()
    if regional.empty:
        raise DataError(f"{measure} {year} has no {level} data")
    if against == "nation":
        regional["ref_code"] = "00"
        reference = act[act["level"] == "nation"].assign(ref_code="00")
    else:
        regional["ref_code"] = regional["prefecture_code"]
        reference = act[act["level"] == "prefecture"].rename(columns={"region_code": "ref_code"})
    out = lq.location_quotients(regional, reference, **(lq.strength_rule(measure) | thresholds))
    regions = _regions(cur).set_index("code")
    classification = "sna" if measure == "value_added" else "jsic"
    inds = cur.execute("SELECT industry_code, name_ja, name_en, sort_order FROM industries WHERE classification = ?",
                       [classification]).df().set_index("industry_code")
    out["region_name_ja"] = out["region_code"].map(regions["name_ja"])
    out["region_name_en"] = out["region_code"].map(regions["name_en"])
    out["industry_name_ja"] = out["industry_code"].map(inds["name_ja"])
    out["industry_name_en"] = out["industry_code"].map(inds["name_en"])
    out["measure"] = measure
    out["year"] = year
    out["_r"] = out["region_code"].map(regions["sort_order"])
    out["_i"] = out["industry_code"].map(inds["sort_order"])
    return out.sort_values(["_r", "_i"]).drop(columns=["_r", "_i"]).reset_index(drop=True)


def lq_change_table(cur: duckdb.DuckDBPyConnection, measure: str, year_from: int, year_to: int, *,
                    level: str = "prefecture") -> pd.DataFrame:
    """LQ and size change between two years that both have the measure (common industries only)."""
    first = lq_table(cur, measure, year_from, level=level)
    second = lq_table(cur, measure, year_to, level=level)
    return lq.lq_change(first, second)


def indicator_frame(cur: duckdb.DuckDBPyConnection, indicator_id: str, year: int | None = None) -> tuple[
        pd.DataFrame, dict]:
    """Prefecture values (with numerator/denominator for ratios) and the catalog row."""
    meta = query.indicator(cur, indicator_id)
    vals = query.indicator_values(cur, indicator_id, year=year)
    year = int(vals["year"].iloc[0])
    comps = cur.execute("SELECT region_code, numerator, denominator FROM obs WHERE indicator_id = ? AND year = ?",
                        [indicator_id, year]).df()
    vals = vals.merge(comps, on="region_code", how="left")
    return vals, meta


def comparison(cur: duckdb.DuckDBPyConnection, indicator_id: str, year: int | None = None) -> pd.DataFrame:
    """Rank, deviation score, percentile and gaps to 全国 / 三大都市圏 / 地方圏 / block for all 47."""
    vals, meta = indicator_frame(cur, indicator_id, year)
    nation = vals.loc[vals["region_code"] == "00", "value"]
    regions = _regions(cur)
    members = cur.execute("SELECT * FROM region_members").df()
    hib = meta["higher_is_better"]
    hib = None if hib is None or pd.isna(hib) else bool(hib)
    table = compare.comparison_table(
        vals[vals["region_code"] != "00"], regions, members, higher_is_better=hib,
        aggregation=meta["aggregation"], national_value=float(nation.iloc[0]) if len(nation) else np.nan,
        scale=float(meta["scale"]) if meta["scale"] is not None and not pd.isna(meta["scale"]) else 1.0)
    table.insert(0, "indicator_id", indicator_id)
    table.insert(1, "year", int(vals["year"].iloc[0]))
    return table


def profile_matrix(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str]) -> tuple[pd.DataFrame, pd.Series,
                                                                                      dict[str, int]]:
    """Prefectures × indicators at each indicator's latest year, the national values and the years used.

    Indicators that are not loaded at prefecture level are skipped.
    """
    cols, nat, years = {}, {}, {}
    for ind in indicator_ids:
        meta = query.indicator(cur, ind)
        ys = meta["prefecture_years"]
        if ys is None or not hasattr(ys, "__len__") or len(ys) == 0:
            continue
        vals = query.indicator_values(cur, ind).set_index("region_code")["value"]
        years[ind] = int(ys[-1])
        nat[ind] = vals.get("00", np.nan)
        cols[ind] = vals.drop("00", errors="ignore")
    return pd.DataFrame(cols), pd.Series(nat, dtype="float64"), years


def default_index_indicators(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in cur.execute("SELECT id FROM catalog WHERE in_index ORDER BY id").fetchall()]


def innovation_index(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str] | None = None,
                     weights: dict[str, float] | None = None) -> tuple[index.IndexResult, dict[str, int]]:
    """The composite index over the loaded indicators among ``indicator_ids`` (default: the catalog's)."""
    wanted = indicator_ids or (sorted(weights) if weights else default_index_indicators(cur))
    for ind in wanted:
        query.indicator(cur, ind)   # unknown ids fail here with a suggestion
    if weights:
        stray = sorted(set(weights) - set(wanted))
        if stray:
            raise DataError(f"weights given for indicators not in the index: {', '.join(stray)}")
    matrix, national, years = profile_matrix(cur, wanted)
    if matrix.empty:
        raise DataError(f"none of the index indicators is loaded: {', '.join(wanted)}")
    directions = {}
    for ind in matrix.columns:
        hib = query.indicator(cur, ind)["higher_is_better"]
        directions[ind] = None if hib is None or pd.isna(hib) else bool(hib)
    result = index.composite_index(matrix, national, directions, weights=weights)
    missing = [i for i in wanted if i not in matrix.columns]
    if missing:
        result.notes.insert(0, f"not loaded, left out: {', '.join(missing)}")
    return result, years


PROFILE_DEFAULT = ["univ_students_per_1000", "ict_employee_share", "professional_employee_share",
                   "manufacturing_employee_share", "value_added_per_employee", "aging_rate", "estab_per_1000",
                   "physicians_per_100k", "C122101", "A4103"]


def region_peers(cur: duckdb.DuckDBPyConnection, region: str, indicator_ids: list[str] | None = None,
                 k: int = 5) -> pd.DataFrame:
    """Most similar prefectures to ``region`` on a standardised profile (default: PROFILE_DEFAULT)."""
    matrix, _, _ = profile_matrix(cur, indicator_ids or PROFILE_DEFAULT)
    if region not in matrix.index:
        raise DataError(f"unknown prefecture {region!r}; expected a code 01–47")
    out = peers.peers(matrix, region, k=k)
    names = _regions(cur).set_index("code")["name_ja"]
    out.insert(1, "region_name_ja", out["region_code"].map(names))
    return out


# Memoised entry points for the dashboard: same answers, computed once per data version.
def _findings(cur, region):
    from metrics.findings import region_findings

    return region_findings(cur, region)


def _index(cur, indicator_ids, weights):
    return innovation_index(cur, list(indicator_ids) if indicator_ids else None,
                            dict(weights) if weights else None)


cached_comparison = per_version(512)(comparison)
cached_lq_table = per_version(64)(lq_table)
cached_findings = per_version(64)(_findings)
cached_peers = per_version(64)(region_peers)
cached_index = per_version(64)(_index)


def _to_deviation(value: float, values: pd.Series) -> float:
    sd = values.std(ddof=0)
    if not sd or pd.isna(value):
        return float("nan")
    return float(50 + 10 * (value - values.mean()) / sd)


def profile_deviation(cur: duckdb.DuckDBPyConnection, region: str, indicator_ids: list[str]) -> pd.DataFrame:
    """Deviation scores (偏差値 over the 47) of a prefecture, Japan, its block and its group per indicator.

    Groups are placed on the same scale: 50 + 10 · (group value − mean of prefectures) / sd. Indicators
    where lower is better are flipped (100 − score) so that right is always better; those without a
    direction are shown as they are. Not-loaded indicators are skipped.
    """
    rows = []
    meta_region = cur.execute("SELECT metro_code FROM regions WHERE code = ?", [region]).fetchone()
    if meta_region is None:
        raise DataError(f"unknown prefecture {region!r}")
    group_col = "non_metro_value" if meta_region[0] == "non-metro" else "metro_value"
    for ind in indicator_ids:
        meta = query.indicator(cur, ind)
        if meta["status"] != "loaded" or not hasattr(meta["prefecture_years"], "__len__"):
            continue
        table = cached_comparison(ind, None)
        vals = table["value"]
        me = table[table["region_code"] == region].iloc[0]
        hib = meta["higher_is_better"]
        flip = hib is not None and not pd.isna(hib) and not bool(hib)
        scores = {"region": me["deviation_score"], "nation": _to_deviation(me["national_value"], vals),
                  "block": _to_deviation(me["block_value"], vals), "group": _to_deviation(me[group_col], vals)}
        if flip:
            scores = {k: 100 - v for k, v in scores.items()}
        rows.append(dict(indicator_id=ind, name_ja=meta["name_ja"], name_en=meta["name_en"],
                         year=int(table["year"].iloc[0]), value=me["value"], unit=meta["unit"], rank=me["rank"],
                         **scores))
    return pd.DataFrame(rows)


def series(cur: duckdb.DuckDBPyConnection, indicator_id: str, codes: list[str]) -> pd.DataFrame:
    """year, region_code, value for prefectures, 全国 (00) and groups (summarised as in comparisons)."""
    meta = query.indicator(cur, indicator_id)
    obs = cur.execute("""
        SELECT o.region_code, o.year, o.value, o.numerator, o.denominator FROM obs o
        JOIN regions r ON r.code = o.region_code
        WHERE o.indicator_id = ? AND r.level IN ('nation', 'prefecture') ORDER BY o.year
    """, [indicator_id]).df()
    members = cur.execute("SELECT * FROM region_members").df()
    scale = float(meta["scale"]) if meta["scale"] is not None and not pd.isna(meta["scale"]) else 1.0
    group_codes = [c for c in codes if c != "00" and c in set(members["group_code"])]
    # Groups, all years at once, summarised exactly as compare.group_value does for one year.
    g = obs.merge(members[members["group_code"].isin(group_codes)], left_on="region_code",
                  right_on="prefecture_code")
    if meta["aggregation"] == "ratio":
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
