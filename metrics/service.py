"""The one orchestration module: what the pages, the CLI and (later) an API call.

Each function fetches with :mod:`loaders.query` (the only module with SQL) and computes with the
pure modules of :mod:`metrics`. Identifiers (indicator ids, measures, levels, years) are validated
against the catalog and the data before use and reach SQL only as parameters. The ``cached_*``
functions give the same answers, memoised per serving-database version.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from loaders import query, study
from loaders.errors import DataError
from metrics import compare, findings, index, lq, peers, views
from metrics.cache import per_version


def _scale(meta: dict) -> float:
    s = meta["scale"]
    return float(s) if s is not None and not pd.isna(s) else 1.0


def _direction(meta: dict) -> bool | None:
    hib = meta["higher_is_better"]
    return None if hib is None or pd.isna(hib) else bool(hib)


def _has_years(ys) -> bool:
    return ys is not None and hasattr(ys, "__len__") and len(ys) > 0


def region_names(cur: duckdb.DuckDBPyConnection, lang: str = "ja") -> dict[str, str]:
    """Region code → name in ``lang`` (ja, or en where an English name exists)."""
    r = query.regions(cur)
    if lang == "en":
        return {c: (en if isinstance(en, str) and en else ja) for c, ja, en in zip(r["code"], r["name_ja"],
                                                                                   r["name_en"], strict=True)}
    return dict(zip(r["code"], r["name_ja"], strict=True))


# --- location quotients ----------------------------------------------------------------------------

def lq_years(cur: duckdb.DuckDBPyConnection, measure: str) -> list[int]:
    """Years that have ``measure`` by industry; DataError for an unknown measure."""
    if measure not in lq.MEASURES:
        raise DataError(f"unknown measure {measure!r}; expected one of {', '.join(lq.MEASURES)}")
    return query.activity_years(cur, measure)


def lq_table(cur: duckdb.DuckDBPyConnection, measure: str, year: int | None = None, *,
             level: str = "prefecture", against: str = "nation", **thresholds: float) -> pd.DataFrame:
    """Location quotients for every region and industry of a level.

    ``against`` is ``nation`` or, for municipalities, ``prefecture`` (the municipality's own
    prefecture, from the same source). Strengths follow :func:`metrics.lq.strength_rule` of the
    measure (LQ, share and size floor); ``thresholds`` override single thresholds. Adds region and
    industry names, the measure and the year.
    """
    years = lq_years(cur, measure)
    year = years[-1] if year is None else int(year)
    if year not in years:
        raise DataError(f"no {measure} by industry for {year}; years available: {', '.join(map(str, years))}")
    if level not in query.LEVELS:
        raise DataError(f"unknown level {level!r}; expected one of {', '.join(query.LEVELS)}")
    if against not in ("nation", "prefecture") or (against == "prefecture" and level != "municipality"):
        raise DataError("against=prefecture applies to municipalities; prefectures compare with the nation")
    act = query.industry_activity(cur, measure, year)
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
    regions = query.regions(cur).set_index("code")
    classification = "sna" if measure == "value_added" else "jsic"
    inds = query.industries(cur, classification).set_index("industry_code")
    out["region_name_ja"] = out["region_code"].map(regions["name_ja"])
    out["region_name_en"] = out["region_code"].map(regions["name_en"])
    out["industry_name_ja"] = out["industry_code"].map(inds["name_ja"])
    out["industry_name_en"] = out["industry_code"].map(inds["name_en"])
    out["measure"] = measure
    out["year"] = year
    out["_r"] = out["region_code"].map(regions["sort_order"])
    out["_i"] = out["industry_code"].map(inds["sort_order"])
    return out.sort_values(["_r", "_i"]).drop(columns=["_r", "_i"]).reset_index(drop=True)


def pick_lq(table: pd.DataFrame, industry: str, codes) -> pd.DataFrame:
    """The rows of one industry of an :func:`lq_table`, for the region codes in ``codes`` and in their order.

    Codes the table does not have (groups, municipalities of another level) are left out; an
    industry the table does not have is a DataError naming the ones it has.
    """
    rows = table[table["industry_code"] == industry]
    if rows.empty:
        known = ", ".join(dict.fromkeys(table["industry_code"]))
        raise DataError(f"unknown industry {industry!r}; expected one of {known}")
    order = {c: i for i, c in enumerate(dict.fromkeys(codes))}
    rows = rows[rows["region_code"].isin(order)]
    return rows.sort_values("region_code", key=lambda c: c.map(order)).reset_index(drop=True)


def lq_for_regions(cur: duckdb.DuckDBPyConnection, measure: str, industry: str, codes, year: int | None = None,
                   ) -> pd.DataFrame:
    """Prefecture LQs of one industry side by side: the rows of :func:`lq_table` for ``codes`` (in order)."""
    return pick_lq(lq_table(cur, measure, year), industry, codes)


def lq_change_table(cur: duckdb.DuckDBPyConnection, measure: str, year_from: int, year_to: int, *,
                    level: str = "prefecture") -> pd.DataFrame:
    """LQ and size change between two years that both have the measure (common industries only)."""
    first = lq_table(cur, measure, year_from, level=level)
    second = lq_table(cur, measure, year_to, level=level)
    return lq.lq_change(first, second)


# --- one indicator -----------------------------------------------------------------------------------

def indicator_frame(cur: duckdb.DuckDBPyConnection, indicator_id: str, year: int | None = None) -> tuple[
        pd.DataFrame, dict]:
    """Prefecture values (with numerator/denominator for ratios) and the catalog row."""
    meta = query.indicator(cur, indicator_id)
    vals = query.indicator_values(cur, indicator_id, year=year)
    year = int(vals["year"].iloc[0])
    vals = vals.merge(query.components(cur, indicator_id, year), on="region_code", how="left")
    return vals, meta


def comparison(cur: duckdb.DuckDBPyConnection, indicator_id: str, year: int | None = None) -> pd.DataFrame:
    """Rank, deviation score, percentile and gaps to 全国 / 三大都市圏 / 地方圏 / block for all 47."""
    vals, meta = indicator_frame(cur, indicator_id, year)
    nation = vals.loc[vals["region_code"] == "00", "value"]
    table = compare.comparison_table(
        vals[vals["region_code"] != "00"], query.regions(cur), query.region_members(cur),
        higher_is_better=_direction(meta), aggregation=meta["aggregation"],
        national_value=float(nation.iloc[0]) if len(nation) else np.nan, scale=_scale(meta))
    table.insert(0, "indicator_id", indicator_id)
    table.insert(1, "year", int(vals["year"].iloc[0]))
    return table


def indicator_view(cur: duckdb.DuckDBPyConnection, indicator_id: str, year: int | None = None,
                   level: str = "prefecture", normalisation: str = "none",
                   prefecture: str | None = None) -> views.View:
    """Values for a map, ranking and table (see :func:`metrics.views.make_view`).

    ``prefecture`` limits municipalities to one prefecture (two-digit code).
    """
    meta = query.indicator(cur, indicator_id)
    views.check_normalisation(meta, normalisation)
    vals = query.indicator_values(cur, indicator_id, year=year, level=level)
    year = int(vals["year"].iloc[0])
    national_raw, national_dataset = float("nan"), None
    if level != "prefecture" and not meta["additive"]:
        national_raw, national_dataset = query.national_value(cur, indicator_id, year)
    den = None
    if normalisation in views.DENOMINATORS:
        den = query.nearest_values(cur, views.DENOMINATORS[normalisation], level, year)
    return views.make_view(vals, query.regions(cur), meta, level=level, normalisation=normalisation,
                           prefecture=prefecture, national_raw=national_raw, denominator=den,
                           national_dataset=national_dataset)


VALUE_COLUMNS = ["region_code", "region_name_ja", "region_name_en", "year", "value", "unit", "dataset"]


def values_table(cur: duckdb.DuckDBPyConnection, indicator_id: str, year: int | None = None, *,
                 level: str = "prefecture", prefecture: str | None = None,
                 normalisation: str = "none") -> pd.DataFrame:
    """The rows of one indicator as the CLI export and the API give them.

    Columns :data:`VALUE_COLUMNS`; for prefectures 全国 (code 00) comes first, then the 47 in
    display order; every row names the dataset (edition) its value came from. The values are the
    map's (:func:`indicator_view`), so the page, the CLI and the API cannot disagree.
    """
    view = indicator_view(cur, indicator_id, year, level, normalisation, prefecture or None)
    t = view.table
    rows = pd.DataFrame({"region_code": t["region_code"], "region_name_ja": t["name_ja"],
                         "region_name_en": t["name_en"], "year": view.year, "value": t["value"],
                         "unit": view.unit_ja, "dataset": t["dataset"]})
    if level == "prefecture":
        nation = pd.DataFrame([{"region_code": "00", "region_name_ja": "全国", "region_name_en": "Japan",
                                "year": view.year, "value": view.national, "unit": view.unit_ja,
                                "dataset": view.national_dataset}])
        rows = pd.concat([nation, rows], ignore_index=True)
    return rows[VALUE_COLUMNS].astype({"year": "int64", "value": "float64"})


def catalog_table(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The catalog as the API lists it: ids, names, units, definitions, status, years, source, credit."""
    cols = ["id", "name_ja", "name_en", "unit", "unit_en", "theme", "kind", "definition_ja", "definition_en",
            "status", "prefecture_years", "municipality_years", "higher_is_better", "aggregation", "source_ja",
            "source_en", "credit"]
    df = query.catalog(cur)[cols].sort_values("id").reset_index(drop=True)
    for col in ("prefecture_years", "municipality_years"):
        df[col] = df[col].map(lambda ys: [int(y) for y in ys] if hasattr(ys, "__len__") else [])
    df["higher_is_better"] = df["higher_is_better"].astype(object).where(df["higher_is_better"].notna(), None)
    return df


def indicator_detail(cur: duckdb.DuckDBPyConnection, indicator_id: str) -> dict:
    """One catalog row with the datasets it comes from and how many regions have it at each level."""
    row = catalog_table(cur).set_index("id").loc[[query.indicator(cur, indicator_id)["id"]]].reset_index()
    out = row.iloc[0].to_dict()
    wanted = [d for d in (query.indicator(cur, indicator_id)["dataset_ids"] or "").split(",") if d]
    datasets = query.datasets(cur)
    cols = ["dataset_id", "title_ja", "title_en", "publisher_ja", "publisher_en", "edition", "published", "credit",
            "licence_ja", "licence_en"]
    out["datasets"] = datasets[datasets["dataset_id"].isin(wanted)][cols].to_dict("records")
    out["regions"] = query.region_counts(cur, indicator_id)
    return out


REGION_COLUMNS = ["code", "level", "name_ja", "name_en", "prefecture_code", "block_code", "metro_code"]


def region_table(cur: duckdb.DuckDBPyConnection, level: str = "prefecture") -> pd.DataFrame:
    """Regions of one level (``group`` = 全国, blocks, 三大都市圏 and its areas, 地方圏) in display order."""
    levels = {"prefecture": ("prefecture",), "municipality": ("municipality",),
              "group": ("nation", "block", "metro")}
    if level not in levels:
        raise DataError(f"unknown level {level!r}; expected one of {', '.join(levels)}")
    r = query.regions(cur)
    return r[r["level"].isin(levels[level])][REGION_COLUMNS].reset_index(drop=True)


def series(cur: duckdb.DuckDBPyConnection, indicator_id: str, codes: list[str]) -> pd.DataFrame:
    """year, region_code, value for prefectures, 全国 (00) and groups (summarised as in comparisons)."""
    meta = query.indicator(cur, indicator_id)
    return views.group_series(query.indicator_series(cur, indicator_id), query.region_members(cur), codes,
                              aggregation=meta["aggregation"], scale=_scale(meta))


# --- several indicators ------------------------------------------------------------------------------

def profile_matrix(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str]) -> tuple[pd.DataFrame, pd.Series,
                                                                                      dict[str, int]]:
    """Prefectures × indicators at each indicator's latest year, the national values and the years used.

    The national value is the 00 row: Japan's published figure, or for ratios without one
    Σ numerators / Σ denominators of the 47 prefectures (formed when the serving database is built).
    Indicators that are not loaded at prefecture level are skipped.
    """
    cols, nat, years = {}, {}, {}
    for ind in indicator_ids:
        meta = query.indicator(cur, ind)
        ys = meta["prefecture_years"]
        if not _has_years(ys):
            continue
        vals = query.indicator_values(cur, ind).set_index("region_code")["value"]
        years[ind] = int(ys[-1])
        nat[ind] = vals.get("00", np.nan)
        cols[ind] = vals.drop("00", errors="ignore")
    return pd.DataFrame(cols), pd.Series(nat, dtype="float64"), years


def default_index_indicators(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The catalog's index indicators (``in_index``): the study's six and the proxies."""
    return query.index_indicator_ids(cur)


def innovation_index(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str] | None = None,
                     weights: dict[str, float] | None = None) -> tuple[index.IndexResult, dict[str, int]]:
    """The composite index over the loaded indicators among ``indicator_ids`` (default: the catalog's).

    Returns the result and the year used per indicator. ``result.coverage`` says how many of the
    study's six indicators (:data:`loaders.study.STUDY_INDICATORS`) went in and which indicators are
    proxies; the notes start with what was left out and that coverage line.
    """
    wanted = indicator_ids or (sorted(weights) if weights else default_index_indicators(cur))
    metas = {ind: query.indicator(cur, ind) for ind in wanted}   # unknown ids fail here with a suggestion
    if weights:
        stray = sorted(set(weights) - set(wanted))
        if stray:
            raise DataError(f"weights given for indicators not in the index: {', '.join(stray)}")
    matrix, national, years = profile_matrix(cur, wanted)
    if matrix.empty:
        raise DataError(f"none of the index indicators is loaded: {', '.join(wanted)}")
    directions = {ind: _direction(metas[ind]) for ind in matrix.columns}
    result = index.composite_index(matrix, national, directions, weights=weights)
    result.coverage = index.coverage(result.indicators, study.STUDY_IDS, study.PROXY_IDS)
    result.notes.insert(0, result.coverage.summary("en"))
    missing = [i for i in wanted if i not in matrix.columns]
    if missing:
        result.notes.insert(0, f"not loaded, left out: {', '.join(missing)}")
    return result, years


def index_frame(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str] | None = None,
                weights: dict[str, float] | None = None) -> tuple[pd.DataFrame, index.IndexResult]:
    """The index as a table to export (see :func:`metrics.index.scores_frame`) and the result."""
    result, years = innovation_index(cur, indicator_ids, weights)
    return index.scores_frame(result, years, region_names(cur)), result


def parse_weights(text: str | None) -> dict[str, float] | None:
    """``id=weight,…`` as a dict; None for no text. DataError for a malformed or negative weight."""
    if not text:
        return None
    weights = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        try:
            weights[key.strip()] = float(value)
        except ValueError:
            raise DataError(f"weights expect id=number pairs, got {part!r}") from None
        if weights[key.strip()] < 0 or not np.isfinite(weights[key.strip()]):
            raise DataError(f"weights must be finite and not negative ({part!r})")
    return weights


def index_table(cur: duckdb.DuckDBPyConnection, indicators: str | list[str] | None = None,
                weights: str | dict[str, float] | None = None) -> tuple[pd.DataFrame, dict]:
    """The index for an API: scores with region names in both languages, and what it is made of.

    ``indicators`` is a list or comma-separated ids (default: the catalog's); ``weights`` a dict or
    ``id=weight,…``. The meta dict carries the indicators with their years, the study coverage
    ("k of 6"), the proxies, the notes and the method.
    """
    ids = [i for i in indicators.split(",") if i] if isinstance(indicators, str) else indicators
    w = parse_weights(weights) if isinstance(weights, str) else weights
    result, years = innovation_index(cur, ids or None, w or None)
    frame = index.scores_frame(result, years, region_names(cur, "ja")).rename(columns={"region_name": "region_name_ja"})
    frame.insert(2, "region_name_en", frame["region_code"].map(region_names(cur, "en")))
    cov = result.coverage
    meta = {"indicators": {i: years[i] for i in result.indicators},
            "study_coverage": f"{cov.k} of {cov.n}" if cov else None,
            "study_indicators_loaded": list(cov.loaded) if cov else [],
            "proxies": list(cov.proxies) if cov else [], "notes": list(result.notes),
            "national_index": result.national_index,
            "source": "Regional Innovation Scoreboard method over the catalog's indicators; each indicator names "
                      "its own source", "credit": "see each indicator"}
    return frame, meta


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
    out.insert(1, "region_name_ja", out["region_code"].map(region_names(cur)))
    return out


# --- findings ------------------------------------------------------------------------------------------

def _finding_tables(cur: duckdb.DuckDBPyConnection) -> findings.FindingInputs:
    """The region-independent part of the findings' inputs (region fields left empty)."""
    cat = query.catalog(cur)
    comparisons, rank_inputs = {}, {}
    for ind in findings.assessable(cat).itertuples():
        comparisons[ind.id] = comparison(cur, ind.id)
        years = [int(y) for y in ind.prefecture_years]
        if len(years) >= 2:
            first, last = (query.indicator_values(cur, ind.id, year=y) for y in (years[0], years[-1]))
            rank_inputs[ind.id] = findings.RankInput(
                years[0], years[-1], first[first["region_code"] != "00"].set_index("region_code")["value"],
                last[last["region_code"] != "00"].set_index("region_code")["value"])
    by_id = cat.set_index("id")
    lq_sources = {m: (str(by_id.loc[f"lq_{m}", "source_ja"]), str(by_id.loc[f"lq_{m}", "source_en"]))
                  for m in lq.MEASURES if f"lq_{m}" in by_id.index}
    lq_tables = {m: lq_table(cur, m) for m in ("employees", "value_added")}
    # 2016 comes from the published census tables, 2021 from municipal sums: both national rows are
    # from the same source as their prefecture rows, so growth is compared like with like.
    years = lq_years(cur, "employees")
    change = (lq_table(cur, "employees", years[0]), lq_table(cur, "employees", years[-1])) if len(years) >= 2 \
        else None
    return findings.FindingInputs(region="", in_metro=False, block_name_ja="", block_name_en="", catalog=cat,
                                  comparisons=comparisons, rank_inputs=rank_inputs, lq_tables=lq_tables,
                                  employee_change=change, lq_sources=lq_sources)


def _for_region(cur: duckdb.DuckDBPyConnection, tables: findings.FindingInputs,
                region: str) -> findings.FindingInputs:
    reg = query.region(cur, region)
    if reg is None or reg["level"] != "prefecture":
        raise DataError(f"unknown prefecture {region!r}; expected a code 01–47")
    return replace(tables, region=region, in_metro=reg["metro_code"] != "non-metro",
                   block_name_ja=str(reg["block_name_ja"]), block_name_en=str(reg["block_name_en"]))


def finding_inputs(cur: duckdb.DuckDBPyConnection, region: str) -> findings.FindingInputs:
    """Everything :func:`metrics.findings.region_findings` needs for a prefecture code (01–47)."""
    return _for_region(cur, _finding_tables(cur), region)


def region_findings(cur: duckdb.DuckDBPyConnection, region: str) -> list[findings.Finding]:
    """All findings for a prefecture code (01–47), in a fixed order; DataError for another code."""
    return findings.region_findings(finding_inputs(cur, region))


def findings_table(cur: duckdb.DuckDBPyConnection, region: str, lang: str = "ja") -> pd.DataFrame:
    """The findings of a prefecture as rows: kind, subject, text (in ``lang``), numbers (a dict).

    Uses the memoised findings (:data:`cached_findings`), so the API and the CLI pay for the shared
    tables once per data version, like the page.
    """
    found = cached_findings(region)
    return pd.DataFrame([dict(kind=f.kind, subject=f.subject, text=f.text_en if lang == "en" else f.text_ja,
                              numbers=f.numbers) for f in found], columns=["kind", "subject", "text", "numbers"])


def all_region_findings(cur: duckdb.DuckDBPyConnection) -> dict[str, list[findings.Finding]]:
    """Findings of every prefecture, with the shared tables gathered once."""
    tables = _finding_tables(cur)
    codes = query.regions(cur)
    codes = codes.loc[codes["level"] == "prefecture", "code"]
    return {c: findings.region_findings(_for_region(cur, tables, c)) for c in codes}


# --- profile -----------------------------------------------------------------------------------------

def profile_deviation(cur: duckdb.DuckDBPyConnection, region: str, indicator_ids: list[str]) -> pd.DataFrame:
    """Deviation scores (偏差値 over the 47) of a prefecture, Japan, its block and its group per indicator.

    Groups are placed on the same scale: 50 + 10 · (group value − mean of prefectures) / sd. Indicators
    where lower is better are flipped (100 − score) so that right is always better; those without a
    direction are shown as they are. Not-loaded indicators are skipped.
    """
    rows = []
    reg = query.region(cur, region)
    if reg is None:
        raise DataError(f"unknown prefecture {region!r}")
    group_col = "non_metro_value" if reg["metro_code"] == "non-metro" else "metro_value"
    for ind in indicator_ids:
        meta = query.indicator(cur, ind)
        if meta["status"] != "loaded" or not hasattr(meta["prefecture_years"], "__len__"):
            continue
        table = cached_comparison(ind, None)
        vals = table["value"]
        me = table[table["region_code"] == region].iloc[0]
        scores = {"region": me["deviation_score"], "nation": views.deviation_of(me["national_value"], vals),
                  "block": views.deviation_of(me["block_value"], vals),
                  "group": views.deviation_of(me[group_col], vals)}
        if _direction(meta) is False:
            scores = {k: 100 - v for k, v in scores.items()}
        rows.append(dict(indicator_id=ind, name_ja=meta["name_ja"], name_en=meta["name_en"],
                         year=int(table["year"].iloc[0]), value=me["value"], unit=meta["unit"], rank=me["rank"],
                         **scores))
    return pd.DataFrame(rows)


# --- memoised entry points for the dashboard: same answers, computed once per data version -------------

_cached_finding_tables = per_version(2)(_finding_tables)


def _findings(cur, region):
    return findings.region_findings(_for_region(cur, _cached_finding_tables(), region))


def _index(cur, indicator_ids, weights):
    return innovation_index(cur, list(indicator_ids) if indicator_ids else None,
                            dict(weights) if weights else None)


cached_comparison = per_version(512)(comparison)
cached_findings = per_version(64)(_findings)
cached_peers = per_version(64)(region_peers)
cached_index = per_version(64)(_index)
_cached_view = per_version(512)(indicator_view)


def _values(cur, indicator_id, year, level, prefecture, normalisation):
    return values_table(cur, indicator_id, year, level=level, prefecture=prefecture, normalisation=normalisation)


def _lq(cur, measure, year=None, level="prefecture", against="nation"):
    return lq_table(cur, measure, year, level=level, against=against)


# Keyword-only parameters cannot go through the positional memo, hence the small adapters.
cached_values_table = per_version(256)(_values)
cached_lq_table = per_version(64)(_lq)
cached_findings_table = per_version(128)(findings_table)


def cached_lq_for_regions(measure: str, industry: str, codes, year: int | None = None) -> pd.DataFrame:
    """:func:`lq_for_regions` from the memoised table of the measure and year."""
    return pick_lq(cached_lq_table(measure, year), industry, codes)


def cached_view(version: tuple, indicator_id: str, year: int | None, level: str, normalisation: str,
                prefecture: str | None) -> views.View:
    """:func:`indicator_view` memoised per serving-database version.

    ``version`` is accepted for callers written against the older signature; the memo is keyed on
    the store's current version, which is what they pass.
    """
    return _cached_view(indicator_id, year, level, normalisation, prefecture)
