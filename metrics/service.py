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
from metrics import compare, findings, index, lq, peers, precompute, views
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


def lq_change_years(cur: duckdb.DuckDBPyConnection, measure: str) -> tuple[int, int] | None:
    """The first and last census years of a measure when it has two or more (2016 and 2021 for employees
    and establishments of prefectures), else None. Municipal industry data is 2021 only."""
    years = lq_years(cur, measure)
    return (years[0], years[-1]) if len(years) >= 2 and measure in ("employees", "establishments") else None


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
    vals = query.indicator_values(cur, indicator_id, year=year, meta=meta)
    year = int(vals["year"].iloc[0])
    vals = vals.merge(query.components(cur, indicator_id, year), on="region_code", how="left")
    return vals, meta


def comparison(cur: duckdb.DuckDBPyConnection, indicator_id: str, year: int | None = None) -> pd.DataFrame:
    """Rank, deviation score, percentile and gaps to 全国 / 三大都市圏 / 地方圏 / block for all 47."""
    vals, meta = indicator_frame(cur, indicator_id, year)
    nation = vals.loc[vals["region_code"] == "00", "value"]
    table = compare.comparison_table(
        vals[vals["region_code"] != "00"], _cached_regions(), _cached_members(),
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
    vals = query.indicator_values(cur, indicator_id, year=year, level=level, meta=meta)
    year = int(vals["year"].iloc[0])
    national_raw, national_dataset = float("nan"), None
    if level != "prefecture" and not meta["additive"]:
        national_raw, national_dataset = query.national_value(cur, indicator_id, year)
    den = None
    if normalisation in views.DENOMINATORS:
        den = query.nearest_values(cur, views.DENOMINATORS[normalisation], level, year)
    return views.make_view(vals, _cached_regions(), meta, level=level, normalisation=normalisation,
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


def _series_all(cur: duckdb.DuckDBPyConnection, indicator_id: str) -> pd.DataFrame:
    codes = _cached_regions()
    codes = codes.loc[codes["level"].isin(["nation", "prefecture"]), "code"].tolist()
    return series(cur, indicator_id, list(dict.fromkeys([*codes, *_cached_members()["group_code"].unique()])))


cached_series_all = per_version(64, name="series_all")(_series_all)


def cached_series(indicator_id: str, codes: list[str]) -> pd.DataFrame:
    """:func:`series` for ``codes``, cut from the series of every prefecture and group (memoised per data
    version, so a region new to a worker costs a filter)."""
    every = cached_series_all(indicator_id)
    parts = [every[every["region_code"] == c] for c in codes]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["year", "region_code", "value"])


# --- municipalities compared (issue 13) ---

def municipal_series(cur: duckdb.DuckDBPyConnection, indicator_id: str, codes: list[str]) -> pd.DataFrame:
    """year, region_code, value of municipalities (five-digit codes) over the years they have, as published."""
    df = query.region_values(cur, indicator_id, codes)
    return df[["year", "region_code", "value"]].reset_index(drop=True)


def peer_median_series(cur: duckdb.DuckDBPyConnection, indicator_id: str, code: str) -> pd.DataFrame:
    """year, value, n: the median of the published values of ``code``'s 類似団体 (itself included) each year,
    over the members with a value; empty for a municipality without a type."""
    members = peer_type_members(code)
    if not members:
        return pd.DataFrame(columns=["year", "value", "n"])
    df = query.region_values(cur, indicator_id, members)
    return compare.median_by_year(df)


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
    """The catalog's index indicators (``in_index``): the study's six and the proxies, less each proxy
    whose study indicator is loaded (:func:`metrics.index.default_indicators`)."""
    ids = query.index_indicator_ids(cur)
    loaded = {i for i in ids if _has_years(query.indicator(cur, i)["prefecture_years"])}
    return index.default_indicators(ids, loaded, study.STANDS_FOR)


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
    result.coverage = index.coverage(result.indicators, study.STUDY_IDS, study.PROXY_IDS, study.STANDS_FOR)
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


# The profile's time series when the link names none (precomputed for every region).
PROFILE_SERIES_DEFAULT = "A1101"
# The prefecture profile's headline cards.
PROFILE_HEADLINE = ["A1101", "aging_rate", "C122101", "kenmin_gdp_nominal", "C2208", "estab_per_1000",
                    "univ_students_per_1000", "value_added_per_employee"]
PROFILE_DEFAULT = ["univ_students_per_1000", "ict_employee_share", "professional_employee_share",
                   "manufacturing_employee_share", "value_added_per_employee", "aging_rate", "estab_per_1000",
                   "physicians_per_100k", "C122101", "A4103"]


def region_peers(cur: duckdb.DuckDBPyConnection, region: str, indicator_ids: list[str] | None = None,
                 k: int = 5) -> pd.DataFrame:
    """Most similar regions to ``region`` on a standardised profile, with why in words (why_ja, why_en).

    A prefecture (01–47) is compared with the 47 on ``indicator_ids`` (default: PROFILE_DEFAULT); a
    municipality (5 digits) with the 1,741 on :data:`metrics.peers.MUNICIPAL_FEATURES`
    (:func:`municipal_peers`).
    """
    if len(str(region)) == 5:
        if indicator_ids:
            raise DataError("municipalities are compared on the fixed municipal profile; indicator_ids apply "
                            "to prefectures")
        return municipal_peers(cur, region, k)
    matrix, _, _ = profile_matrix(cur, indicator_ids or PROFILE_DEFAULT)
    if region not in matrix.index:
        raise DataError(f"unknown prefecture {region!r}; expected a code 01–47")
    out = peers.peers(matrix, region, k=k)
    out.insert(1, "region_name_ja", out["region_code"].map(region_names(cur)))
    cat = query.catalog(cur).set_index("id")
    def text(v) -> str:
        return v if isinstance(v, str) else ""

    labels = {i: (text(cat.at[i, "name_ja"]), text(cat.at[i, "name_en"]), text(cat.at[i, "unit"]),
                  text(cat.at[i, "unit_en"]), 1) for i in matrix.columns}
    for lang in ("ja", "en"):
        out[f"why_{lang}"] = [peers.why(s, matrix.loc[region], matrix.loc[c], labels, lang)
                              for c, s in zip(out["region_code"], out["similar"], strict=True)]
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
_cached_lq = per_version(64, name="_lq")(_lq)
cached_lq_years = per_version(8, name="lq_years")(lq_years)


def cached_lq_table(measure: str, year: int | None = None, level: str = "prefecture",
                    against: str = "nation") -> pd.DataFrame:
    """:func:`lq_table` memoised per data version; ``year=None`` is the latest year (as in ``lq_table``),
    named, so "latest" and that year are one memo entry and one precomputed result."""
    if year is None:
        year = cached_lq_years(measure)[-1]
    return _cached_lq(measure, int(year), level, against)



cached_findings_table = per_version(128)(findings_table)
cached_lq_change = per_version(8)(lq_change_table)
cached_index_table = per_version(32)(index_table)


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


def peer_types_table(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every municipality's 類似団体 type (総務省's scheme) with its inputs and the reason in words."""
    return query.peer_types(cur)


cached_peer_types = per_version(4)(peer_types_table)


def peer_type_of(code: str) -> dict | None:
    """The 類似団体 row of one municipality (code, type_code, type_label_ja/en, reason_ja/en, inputs), or
    None for a code that is not a municipality."""
    t = cached_peer_types()
    hit = t[t["code"] == code]
    return None if hit.empty else hit.iloc[0].to_dict()


def peer_type_members(code: str) -> list[str]:
    """Codes of the municipalities of the same 類似団体 type as ``code`` (itself included), in code order;
    empty for a non-municipality or an unclassified one."""
    me = peer_type_of(code)
    if me is None or me["type_code"] == "unclassified":
        return []
    t = cached_peer_types()
    return sorted(t.loc[t["type_code"] == me["type_code"], "code"])


# --- peers of a municipality: distance on a municipal profile, and 類似団体 ----------------------------

def municipal_peer_profile(cur: duckdb.DuckDBPyConnection) -> tuple[peers.Profile, dict[str, int]]:
    """The standardised municipal profile (:data:`metrics.peers.MUNICIPAL_FEATURES`) and the year of each input.

    A municipality is a peer candidate when it shares at least half of the indicators.
    """
    long = query.latest_level_values(cur, list(peers.MUNICIPAL_INPUTS), "municipality")
    codes = region_table(cur, "municipality")["code"]
    wide = long.pivot(index="region_code", columns="indicator_id", values="value").reindex(codes)
    years = {i: int(y) for i, y in long.groupby("indicator_id")["year"].max().items()}
    feats = peers.MUNICIPAL_FEATURES
    profile = peers.make_profile(peers.municipal_matrix(wide), log=tuple(f.id for f in feats if f.log),
                                 min_common=(len(feats) + 1) // 2)
    return profile, years


cached_municipal_peer_profile = per_version(2)(municipal_peer_profile)


def municipal_peers(cur: duckdb.DuckDBPyConnection, region: str, k: int = 5) -> pd.DataFrame:
    """The ``k`` municipalities nearest to ``region`` on the municipal profile (itself excluded).

    Columns region_code, region_name_ja, distance, similar, different, common, why_ja, why_en;
    ordered by distance. Uses the memoised profile, so a warm call costs a few milliseconds.
    """
    profile, _ = cached_municipal_peer_profile()
    if region not in profile.position:
        raise DataError(f"unknown municipality {region!r}; expected a 5-digit code such as 08202")
    out = peers.nearest(profile, region, k=k)
    names = _municipal_names()
    out.insert(1, "region_name_ja", out["region_code"].map(names))
    labels, mine = peers.feature_labels(), profile.raw.loc[region]
    for lang in ("ja", "en"):
        out[f"why_{lang}"] = [peers.why(s, mine, profile.raw.loc[c], labels, lang)
                              for c, s in zip(out["region_code"], out["similar"], strict=True)]
    return out


# Municipalities have Japanese names only; memoised so a warm peers call does not re-read 1,800 regions.
_municipal_names = per_version(2, name="municipal_names")(region_names)

PEER_COLUMNS = ["region_code", "region_name", "peer_kind", "peer_type", "distance", "why"]
PEER_KINDS = {"ruiji": "類似団体", "distance": "distance"}


def peers_table(cur: duckdb.DuckDBPyConnection, region: str, kind: str | None = None, lang: str = "ja",
                k: int = 10) -> pd.DataFrame:
    """Peers of a region as rows the CLI export and the API give: :data:`PEER_COLUMNS`.

    For a municipality: its 類似団体 (every other member of its type, peer_kind ``類似団体``, why =
    the member's own classification in words) and its ``k`` nearest municipalities on the municipal
    profile (peer_kind ``distance``, why = the indicators that make them close); both carry the
    profile distance and the peer's type label. ``kind`` = ``ruiji`` or ``distance`` keeps one part.
    A prefecture has distance peers only (類似団体 are municipal types).
    """
    if kind not in (None, *PEER_KINDS):
        raise DataError(f"unknown peer kind {kind!r}; expected one of {', '.join(PEER_KINDS)}")
    en = lang == "en"
    if len(str(region)) != 5:
        if kind == "ruiji":
            raise DataError("類似団体 are types of municipalities; give a 5-digit municipality code")
        p = cached_peers(region, None, k)
        names = region_names(cur, lang)
        return pd.DataFrame({"region_code": p["region_code"], "region_name": p["region_code"].map(names),
                             "peer_kind": PEER_KINDS["distance"], "peer_type": None, "distance": p["distance"],
                             "why": p["why_en" if en else "why_ja"]}, columns=PEER_COLUMNS)
    profile, _ = cached_municipal_peer_profile()
    if region not in profile.position:
        raise DataError(f"unknown municipality {region!r}; expected a 5-digit code such as 08202")
    types = cached_peer_types().set_index("code")
    label = types["type_label_en" if en else "type_label_ja"]
    names = _municipal_names()
    parts = []
    if kind in (None, "ruiji"):
        members = [c for c in peer_type_members(region) if c != region]
        dist = peers.distances(profile, region).reindex(members)
        reason = types["reason_en" if en else "reason_ja"]
        ruiji = pd.DataFrame({"region_code": members, "region_name": [names.get(c) for c in members],
                              "peer_kind": PEER_KINDS["ruiji"], "peer_type": label.reindex(members).to_numpy(),
                              "distance": dist.to_numpy(), "why": reason.reindex(members).to_numpy()},
                             columns=PEER_COLUMNS)
        parts.append(ruiji.sort_values(["distance", "region_code"], na_position="last"))
    if kind in (None, "distance"):
        p = cached_peers(region, None, k)
        parts.append(pd.DataFrame({"region_code": p["region_code"], "region_name": p["region_name_ja"],
                                   "peer_kind": PEER_KINDS["distance"],
                                   "peer_type": label.reindex(p["region_code"]).to_numpy(),
                                   "distance": p["distance"], "why": p["why_en" if en else "why_ja"]},
                                  columns=PEER_COLUMNS))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=PEER_COLUMNS)
    return out.astype({"distance": "float64"})


# --- regions by name or code (CLI, API) ------------------------------------------------------------------

class AmbiguousRegion(DataError):
    """A name that several regions share (府中市 is in 東京都 and 広島県); ``candidates`` lists them."""

    def __init__(self, text: str, candidates: list[dict]) -> None:
        listed = ", ".join(f"{c['code']} {c['name_ja']}（{c['prefecture_ja']}）" for c in candidates)
        super().__init__(f"{text!r} names {len(candidates)} regions: {listed}; give the code or the prefecture "
                         f"too (e.g. {candidates[0]['prefecture_ja']}{candidates[0]['name_ja']})")
        self.candidates = candidates


def _name_keys(name_ja: str, name_en, level: str) -> set[str]:
    keys = {name_ja}
    if isinstance(name_en, str) and name_en:
        keys.add(name_en.lower())
    if level == "prefecture" and name_ja != "北海道":
        keys.add(name_ja[:-1])   # 東京都 → 東京
    return keys


def resolve_region(cur: duckdb.DuckDBPyConnection, text: str,
                   levels: tuple[str, ...] = ("prefecture", "municipality")) -> str:
    """The code of a prefecture or municipality given by code (17, 08202, 082023) or name (石川県, 日立市,
    東京都府中市, Ishikawa).

    Raises
    ------
    AmbiguousRegion
        A municipal name several municipalities share; the message lists them with their prefectures.
    DataError
        No region of ``levels`` has that code or name (with the closest names as a hint).
    """
    import difflib
    import unicodedata

    t = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    r = query.regions(cur)
    r = r[r["level"].isin(levels)]
    if t.upper().startswith("R") and t[1:].isdigit():
        t = t[1:]
    if t.isdigit():
        code = {1: f"{t:0>2}", 2: t, 5: t[:2] if t.endswith("000") else t, 6: t[:2] if t[2:5] == "000" else t[:5]
                }.get(len(t))
        if code in set(r["code"]):
            return code
        raise DataError(f"unknown region code {text!r}; expected a prefecture (01–47) or municipality code "
                        "(5 digits, e.g. 08202)")
    prefs = r[r["level"] == "prefecture"] if "prefecture" in levels else query.regions(cur).query(
        "level == 'prefecture'")
    pref_names = dict(zip(prefs["code"], prefs["name_ja"], strict=True))
    hits: dict[str, tuple] = {}
    for row in r.itertuples():
        keys = _name_keys(row.name_ja, row.name_en, row.level)
        if t in keys or t.lower() in keys:
            hits[row.code] = row
        elif row.level == "municipality":
            # 東京都府中市 / 東京府中市: the prefecture's name first singles out one municipality.
            pref = pref_names.get(row.prefecture_code, "")
            if any(t == p + row.name_ja for p in _name_keys(pref, None, "prefecture") if p):
                hits[row.code] = row
    if len(hits) == 1:
        return next(iter(hits))
    if len(hits) > 1:
        raise AmbiguousRegion(text, [dict(code=c, name_ja=h.name_ja, prefecture_code=h.prefecture_code,
                                          prefecture_ja=pref_names.get(h.prefecture_code, ""))
                                     for c, h in sorted(hits.items())])
    # Suggest names in the script the user typed (Tokio → tokyo, 日立 → 日立市).
    names = ([n.lower() for n in r["name_en"] if isinstance(n, str) and n] if t.isascii()
             else list(r["name_ja"]))
    close = difflib.get_close_matches(t.lower() if t.isascii() else t, list(dict.fromkeys(names)), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise DataError(f"unknown region {text!r}{hint}")


# --- municipal profile (市区町村カルテ) -------------------------------------------------------------------

def _plain(v):
    """A numpy/pandas scalar as plain JSON (None for missing)."""
    if v is None or v is pd.NA or (isinstance(v, float | np.floating) and not np.isfinite(v)):
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


class RowsByCode:
    """A frame's rows by one column's value: one frame sorted by it and each value's row range.

    Equivalent to ``dict(tuple(frame.groupby(col, sort=False)))`` (each part keeps its rows' order and
    labels), but one frame instead of 1,741: it is built and pickled in milliseconds, which matters
    because the municipal base is precomputed into the serving file and read back by every worker.

    >>> rows = RowsByCode(pd.DataFrame({"code": ["b", "a", "b"], "v": [1, 2, 3]}), "code")
    >>> rows.get("b")["v"].tolist(), rows.get("c") is None
    ([1, 3], True)
    """

    def __init__(self, frame: pd.DataFrame, column: str) -> None:
        self.frame = frame.sort_values(column, kind="stable")
        codes = self.frame[column].to_numpy()
        self.ranges: dict[str, tuple[int, int]] = {}
        if len(codes):
            starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
            stops = np.r_[starts[1:], len(codes)]
            self.ranges = {str(codes[a]): (int(a), int(b)) for a, b in zip(starts, stops, strict=True)}

    def get(self, code: str, default: pd.DataFrame | None = None) -> pd.DataFrame | None:
        span = self.ranges.get(code)
        return default if span is None else self.frame.iloc[span[0]:span[1]]


def _municipal_base(cur: duckdb.DuckDBPyConnection) -> dict:
    """Everything the municipal profile needs, for every municipality at once (memoised per data version):
    each figure's values with its ranks and medians, the age groups, the LQ rows split by municipality."""
    from metrics import municipal

    obs = query.municipal_observations(cur, municipal.SOURCE_IDS)
    cat = query.catalog(cur).set_index("id")
    regions = query.regions(cur)
    munis = regions[regions["level"] == "municipality"].set_index("code")
    prefs = regions[regions["level"] == "prefecture"].set_index("code")
    prefecture_of = munis["prefecture_code"]
    types = peer_types_table(cur).set_index("code")
    peer_of = types["type_code"].where(types["type_code"] != "unclassified").reindex(munis.index)
    figures = {}
    for fid in dict.fromkeys([*municipal.HEADLINE_IDS, *municipal.FINANCE_IDS]):
        fig = municipal.make_figure(obs, cat, fid)
        figures[fid] = (fig, municipal.figure_table(fig, prefecture_of, peer_of))
    pop_year = max(municipal.years_of(obs, "A1101"))
    ages = pd.DataFrame({ind: municipal.latest(obs, ind, pop_year)[1] for ind in municipal.POPULATION_IDS}
                        ).reindex(munis.index)
    lq_year = int(cached_lq_table("establishments", None, "municipality", "prefecture")["year"].iloc[0])
    sources = {i: {"ja": str(cat.loc[i, "source_ja"]), "en": str(cat.loc[i, "source_en"])} for i in cat.index}
    return {"obs_by_code": RowsByCode(obs, "region_code"), "catalog": cat, "munis": munis,
            "prefs": prefs, "types": types, "figures": figures, "pop_year": pop_year,
            "pop_years": municipal.years_of(obs, "A1101"), "ages": ages,
            "ages_pref": ages.groupby(prefecture_of).sum(min_count=1), "ages_nation": ages.sum(min_count=1),
            "lq_year": lq_year, "sources": sources, "population": ages["A1101"]}


_cached_municipal_base = per_version(2)(_municipal_base)
# The municipal LQ tables by municipality: rebuilt from the stored tables in ≈ 3 ms, not stored twice.
_lq_rows = per_version(8, name="lq_rows_by_code", store=False)(
    lambda cur, measure, against: RowsByCode(cached_lq_table(measure, None, "municipality", against), "region_code"))


def municipal_codes() -> list[str]:
    """Codes of every municipality with a profile, in display order."""
    return list(_cached_municipal_base()["munis"].index)


def municipal_profile(cur: duckdb.DuckDBPyConnection, code: str, lang: str = "ja") -> dict:
    """The profile (カルテ) of one municipality (5-digit code) as plain JSON: headline figures with their
    ranks in the prefecture, Japan and the 類似団体 type and the type's median; the age structure; industries'
    LQs against Japan and the prefecture with the counts behind them; finance against the peer group; the
    indicators that have two years; findings in ``lang``; the type with its reason and a comparison link.

    Every number names its unit, year and dataset. Uses the tables memoised per data version, like
    :func:`findings_table`, so the CLI and the API pay for the shared part once. DataError for a code
    that is not a municipality of the bundled data.
    """
    from metrics import municipal

    del cur   # the shared tables come from the memo (same serving database)
    base = _cached_municipal_base()
    code = str(code)
    if code not in base["munis"].index:
        raise DataError(f"unknown municipality {code!r}; expected a 5-digit code of the bundled data "
                        "(e.g. 08202 for 日立市)")
    en = lang == "en"
    me = base["munis"].loc[code]
    pref_code = str(me["prefecture_code"])
    pref = base["prefs"].loc[pref_code]
    pref_names = (str(pref["name_ja"]), str(pref["name_en"]))
    ptype = base["types"].loc[code] if code in base["types"].index else None
    type_code = None if ptype is None else str(ptype["type_code"])
    peer_label = None if ptype is None or type_code == "unclassified" else (str(ptype["type_label_ja"]),
                                                                             str(ptype["type_label_en"]))
    members = peer_type_members(code)

    def source(fig) -> dict:
        parts = [base["sources"][i] for i in dict.fromkeys(fig.indicator_ids) if i in base["sources"]]
        return {k: "; ".join(dict.fromkeys(p[k] for p in parts)) for k in ("ja", "en")}

    def entry(fid: str) -> dict:
        fig, table = base["figures"][fid]
        return municipal.figure_entry(fig, table.loc[code], lang=lang, source=source(fig), prefecture=pref_names,
                                      peer_label=peer_label)

    ages = base["ages"].loc[code].to_dict()
    pop_rows = municipal.population_structure(ages, base["ages_pref"].loc[pref_code].to_dict(),
                                              base["ages_nation"].to_dict(), year=base["pop_year"], lang=lang)
    two_years = len(base["pop_years"]) >= 2
    population = {
        "year": base["pop_year"], "rows": pop_rows,
        "source": base["sources"]["A1101"]["en" if en else "ja"],
        "dataset": _plain(base["figures"]["A1101"][1].loc[code, "dataset"]),
        "note": ("Shares are of the total population including age not stated; prefecture and Japan are sums of "
                 "their municipalities." if en else
                 "割合は年齢不詳を含む総人口に対するもの。県・全国は市区町村の合計。"),
        "change_available": two_years,
        "change_note": None if two_years else (
            f"The bundled municipal population is one census ({base['pop_year']}) only: no change is shown."
            if en else f"同梱の市区町村人口は{base['pop_year']}年国勢調査の1時点のみのため、変化は示していません。"),
    }
    empty = pd.DataFrame(columns=["industry_code", "lq", "strength", "value", "share", "industry_name_ja",
                                  "industry_name_en"])
    parts = [_lq_rows(*k).get(code, empty) for k in (("employees", "nation"), ("employees", "prefecture"),
                                                   ("establishments", "nation"), ("establishments", "prefecture"))]
    industry = {
        "year": base["lq_year"], "rows": municipal.industry_rows(*parts, lang=lang),
        "strength_rule": {m: lq.strength_rule(m) for m in ("employees", "establishments")},
        "source": (base["sources"].get("lq_employees") or {}).get("en" if en else "ja"),
        # Municipal industry counts come from the same file as C2208 (SSDSE-A, economic census).
        "dataset": _plain(base["figures"]["C2208"][1].loc[code, "dataset"]),
        "note": (f"Municipal industry data is the {base['lq_year']} Economic Census only, so there is no "
                 "2016→2021 change for municipalities (prefectures have both years)." if en else
                 f"市区町村の産業データは{base['lq_year']}年経済センサスのみのため、2016→2021年の変化は示せません"
                 "（都道府県は両年あり）。"),
    }
    compare_codes = municipal.compare_peers(code, members, base["population"]) if members else [code]
    profile = {
        "code": code, "level": "municipality", "lang": lang,
        "name": str(me["name_en"] if en and isinstance(me["name_en"], str) else me["name_ja"]),
        "name_ja": str(me["name_ja"]), "name_en": _plain(me["name_en"]),
        "prefecture_code": pref_code, "prefecture": pref_names[1 if en else 0],
        "prefecture_ja": pref_names[0], "prefecture_en": pref_names[1],
        "kind": None if ptype is None else str(ptype["kind"]),
        "peer_type": None if ptype is None else {
            "type_code": type_code, "label": _plain(ptype["type_label_en" if en else "type_label_ja"]),
            "label_ja": _plain(ptype["type_label_ja"]), "label_en": _plain(ptype["type_label_en"]),
            "reason": _plain(ptype["reason_en" if en else "reason_ja"]), "reason_ja": _plain(ptype["reason_ja"]),
            "reason_en": _plain(ptype["reason_en"]), "n_members": len(members), "members": members,
            "dataset": _plain(ptype["dataset_id"]), "designation_source": _plain(ptype["designation_source"]),
            "compare_codes": compare_codes, "compare_href": "/compare?regions=" + ",".join(compare_codes)},
        "headline": [entry(f) for f in municipal.HEADLINE_IDS],
        "population": population, "industry": industry,
        "finance": [entry(f) for f in municipal.FINANCE_IDS],
        "changes": municipal.changes(base["obs_by_code"].get(code, pd.DataFrame(columns=["indicator_id"])),
                                     base["catalog"], municipal.CHANGE_IDS, lang),
    }
    found = municipal.findings(profile)
    profile["findings"] = [dict(f, text=f["text_en"] if en else f["text_ja"]) for f in found]
    return profile


def _municipal_profile(cur: duckdb.DuckDBPyConnection, code: str, lang: str = "ja") -> dict:
    return municipal_profile(cur, code, lang)


# ≈ 40 KB a profile: 512 keeps a worker's memo near 20 MB; a profile not in it costs ≈ 20 ms from the base.
cached_municipal_profile = per_version(512)(_municipal_profile)


def municipal_findings_table(cur: duckdb.DuckDBPyConnection, code: str, lang: str = "ja") -> pd.DataFrame:
    """The findings of a municipality as the prefecture's are given (:func:`findings_table`): kind, subject,
    text (in ``lang``), numbers; from :func:`municipal_profile`."""
    found = municipal_profile(cur, code, lang)["findings"]
    return pd.DataFrame([dict(kind=f["kind"], subject=f["subject"], text=f["text_en"] if lang == "en" else
                              f["text_ja"], numbers=f["numbers"]) for f in found],
                        columns=["kind", "subject", "text", "numbers"])


# --- the prefecture profile's shared parts, memoised once per data version for all 47 (issue 13) ---------
# A profile that is new to a worker used to recompute the 47 × 10 matrix for its peers and read the catalog
# row of each indicator again (≈ 230 ms per prefecture); these compute the same figures once for every region.

_cached_profile_matrix = per_version(8, name="profile_matrix")(lambda cur, ids: profile_matrix(cur, list(ids)))
_cached_region_names = per_version(4, name="region_names")(region_names)
# Shared, read-only: every comparison reads the regions and group memberships (≈ 3 ms a read otherwise).
_cached_regions = per_version(2, name="regions")(query.regions)
_cached_members = per_version(2, name="region_members")(query.region_members)
_cached_catalog = per_version(2)(query.catalog)


def _region_peers_default(cur: duckdb.DuckDBPyConnection, region: str, k: int = 5) -> pd.DataFrame:
    """:func:`region_peers` over :data:`PROFILE_DEFAULT`, from the matrix memoised per data version."""
    del cur   # the matrix, names and catalog come from their memos (same serving database)
    matrix, _, _ = _cached_profile_matrix(tuple(PROFILE_DEFAULT))
    if region not in matrix.index:
        raise DataError(f"unknown prefecture {region!r}; expected a code 01–47")
    out = peers.peers(matrix, region, k=k)
    out.insert(1, "region_name_ja", out["region_code"].map(_cached_region_names("ja")))
    if hasattr(peers, "why"):    # the reasons in words, as region_peers gives them
        cat = _cached_catalog().set_index("id")
        labels = {i: (cat.at[i, "name_ja"], cat.at[i, "name_en"], cat.at[i, "unit"] or "",
                      cat.at[i, "unit_en"] or "", 1) for i in matrix.columns}
        for lang in ("ja", "en"):
            out[f"why_{lang}"] = [peers.why(s, matrix.loc[region], matrix.loc[c], labels, lang)
                                  for c, s in zip(out["region_code"], out["similar"], strict=True)]
    return out


cached_region_peers = per_version(128, name="region_peers_default")(_region_peers_default)


def profile_deviations(cur: duckdb.DuckDBPyConnection, indicator_ids: list[str]) -> pd.DataFrame:
    """:func:`profile_deviation` for every prefecture at once (column ``region_code``), same figures."""
    regions = query.regions(cur)
    prefs = regions[regions["level"] == "prefecture"].set_index("code")
    frames = []
    for ind in indicator_ids:
        meta = query.indicator(cur, ind)
        if meta["status"] != "loaded" or not hasattr(meta["prefecture_years"], "__len__"):
            continue
        table = cached_comparison(ind, None).set_index("region_code")
        vals = table["value"]
        dev = {k: table[col].map(lambda v, vals=vals: views.deviation_of(v, vals))
               for k, col in (("nation", "national_value"), ("block", "block_value"))}
        group = np.where(prefs["metro_code"].reindex(table.index) == "non-metro", table["non_metro_value"],
                         table["metro_value"])
        scores = pd.DataFrame({"region": table["deviation_score"], **dev,
                               "group": [views.deviation_of(v, vals) for v in group]}, index=table.index)
        if _direction(meta) is False:
            scores = 100 - scores
        frames.append(pd.DataFrame({"region_code": table.index, "indicator_id": ind, "name_ja": meta["name_ja"],
                                    "name_en": meta["name_en"], "year": int(table["year"].iloc[0]),
                                    "value": table["value"].to_numpy(), "unit": meta["unit"],
                                    "rank": table["rank"].to_numpy(), **{c: scores[c].to_numpy() for c in scores}}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


cached_profile_deviations = per_version(8, name="profile_deviations")(
    lambda cur, ids: profile_deviations(cur, list(ids)))


def prefecture_profile(cur: duckdb.DuckDBPyConnection, region: str) -> dict:
    """Everything the prefecture profile shows, from the tables memoised per data version.

    Keys: ``region`` (its row with block and group codes), ``group`` (metro-all or non-metro),
    ``headline`` (one dict per :data:`PROFILE_HEADLINE` indicator that is loaded: value, rank, national
    value, unit, year), ``findings``, ``deviation`` (:func:`profile_deviations` rows of the region with
    each indicator's aggregation and English unit), ``lq_rows`` (employee LQs), ``peers`` and
    ``series`` (:data:`PROFILE_SERIES_DEFAULT` for the region, 全国, its block and group). DataError for a
    code that is not a prefecture.
    """
    reg = query.region(cur, region)
    if reg is None or reg.get("level") != "prefecture":
        raise DataError(f"unknown prefecture {region!r}; expected a code 01–47")
    group = "non-metro" if reg["metro_code"] == "non-metro" else "metro-all"
    cat = _cached_catalog().set_index("id")
    headline = []
    for ind in PROFILE_HEADLINE:
        if cat.at[ind, "status"] != "loaded":
            continue
        table = cached_comparison(ind, None)
        me = table[table["region_code"] == region].iloc[0]
        headline.append(dict(id=ind, name_ja=cat.at[ind, "name_ja"], name_en=cat.at[ind, "name_en"],
                             unit=cat.at[ind, "unit"], unit_en=cat.at[ind, "unit_en"], value=me["value"],
                             rank=me["rank"], national=me["national_value"], year=int(table["year"].iloc[0])))
    dev = cached_profile_deviations(tuple(PROFILE_DEFAULT))
    dev = dev[dev["region_code"] == region].drop(columns="region_code").reset_index(drop=True)
    if len(dev):   # how each block/group value was formed, so a plain mean is marked where it is shown
        dev = dev.assign(aggregation=dev["indicator_id"].map(cat["aggregation"]),
                         unit_en=dev["indicator_id"].map(cat["unit_en"]))
    lq_rows = cached_lq_table("employees", None)
    return {"region": reg, "group": group, "headline": headline, "findings": cached_findings(region),
            "deviation": dev, "lq_rows": lq_rows[lq_rows["region_code"] == region],
            "peers": cached_region_peers(region, 5),
            "series": cached_series(PROFILE_SERIES_DEFAULT, [region, "00", reg["block_code"], group])}


# ≈ 40 KB each; precomputed for the 47, so a prefecture new to a worker costs one read.
cached_prefecture_profile = per_version(64)(prefecture_profile)


# Every serving-database build of a process that serves or exports figures precomputes their cold paths.
precompute.register()
