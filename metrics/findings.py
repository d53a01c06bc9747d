"""Written findings: deterministic, rule-based sentences in Japanese and English that a council can quote.

Pure functions of the tables in :class:`FindingInputs` (gathered by :mod:`metrics.service`); nothing
here reads the database.

Which indicators are assessed (:func:`assessable`): those with a catalog direction
(``higher_is_better``), loaded for prefectures, *intensive* (catalog ``additive`` is False: per
person, per establishment, shares, rates) and not superseded by a newer base of the same figure
that is loaded (:func:`superseded`). Size totals (県内総生産, 付加価値額計, population, counts) rank a
prefecture by its size, so they are context and never a strength or weakness.

Rules (n = number of ranked prefectures, normally 47; a quarter = ceil(n / 4); rank 1 = best by the
indicator's direction):

* strength: an assessed indicator where the region ranks in the best quarter (rank ≤ quarter);
* weakness: the same, worst quarter (rank > n − quarter);
* specialised industry: a location quotient that is a strength by :func:`metrics.lq.strength_rule`
  (LQ ≥ 1.2, at least 1 % of the region's total and the measure's size floor);
* change: an assessed indicator whose rank moved by ``RANK_MOVE`` places or more between its first
  and last year; an industry whose employees grew or shrank ``GROWTH_GAP`` points more than the
  nation's between the two census years;
* group: on how many assessed indicators the region is better than its group (三大都市圏 or 地方圏)
  and its block, counting only indicators whose group value is *pooled* (Σ numerators ÷
  Σ denominators of the members, ``group_method == "pooled"``): an unweighted mean of ratios is not
  the group's value, so comparing with it would not say what the sentence says.

Every sentence says the value against Japan's as it is (above / below 全国, 全国を上回る / 下回る) and
the position by the indicator's direction (best / worst quarter, 上位 / 下位) separately, so a value
above Japan's is never called low and a high value of a lower-is-better indicator is never called
good. Each finding names its year and the catalog's source in both languages and carries them,
with every number it was built from, in ``numbers``.

A missing value gives no finding; a missing national value is said as such ("no national value").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics import compare, lq

RANK_MOVE = 5
GROWTH_GAP = 5.0

# Newer bases of the same figure, used only while the catalog has no ``superseded_by`` column.
SUPERSEDED_FALLBACK: dict[str, str] = {"C121101": "C122101", "C1111": "C1121", "C1211": "C1221"}

KIND_ORDER = {"strength": 0, "weakness": 1, "specialisation": 2, "change": 3, "group": 4}


@dataclass(frozen=True)
class Finding:
    kind: str                      # strength, weakness, specialisation, change, group
    subject: str                   # indicator id, measure:industry code, or the group (metro, block)
    text_ja: str
    text_en: str
    numbers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RankInput:
    """Values of one indicator for the prefectures (index = code) in its first and last year."""

    year_from: int
    year_to: int
    values_from: pd.Series
    values_to: pd.Series


@dataclass(frozen=True)
class FindingInputs:
    """Everything the findings of one prefecture are built from.

    ``catalog`` is the catalog with status and years (``query.catalog``); ``comparisons`` maps each
    assessed indicator to its comparison table at its latest year (:func:`metrics.compare.comparison_table`
    plus ``year``); ``lq_tables`` maps a measure (employees, value_added) to its latest LQ table;
    ``employee_change`` holds the employees LQ tables of the first and last census year (or None);
    ``lq_sources`` maps a measure to its (source_ja, source_en).
    """

    region: str
    in_metro: bool
    block_name_ja: str
    block_name_en: str
    catalog: pd.DataFrame
    comparisons: Mapping[str, pd.DataFrame]
    rank_inputs: Mapping[str, RankInput] = field(default_factory=dict)
    lq_tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    employee_change: tuple[pd.DataFrame, pd.DataFrame] | None = None
    lq_sources: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.2f}" if abs(v) < 10 else f"{v:,.1f}"


def _with_unit(v: float, unit: str, sep: str = "") -> str:
    unit = "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit)
    return f"{_fmt(v)}{sep}{unit}" if unit else _fmt(v)


def _has_years(ys) -> bool:
    return ys is not None and hasattr(ys, "__len__") and len(ys) > 0


def superseded(catalog: pd.DataFrame) -> dict[str, str]:
    """Indicator id → the id of its newer base, from the catalog's ``superseded_by`` column when it
    has one, else :data:`SUPERSEDED_FALLBACK`.

    >>> superseded(pd.DataFrame({"id": ["a", "b"], "superseded_by": [None, "a"]}))
    {'b': 'a'}
    >>> superseded(pd.DataFrame({"id": ["C121101"]}))["C121101"]
    'C122101'
    """
    if "superseded_by" not in catalog.columns:
        return dict(SUPERSEDED_FALLBACK)
    rows = catalog[catalog["superseded_by"].notna()]
    return {str(i): str(s) for i, s in zip(rows["id"], rows["superseded_by"], strict=True)}


def assessable(catalog: pd.DataFrame) -> pd.DataFrame:
    """Catalog rows that can be strengths, weaknesses, rank changes or count in group findings.

    Kept: a direction, loaded for prefectures, ``additive`` exactly False (a missing flag is not
    taken as intensive), and no loaded newer base (``superseded_by`` names one with prefecture years).
    Sorted by id.
    """
    has_years = catalog["prefecture_years"].map(_has_years)
    loaded = set(catalog.loc[has_years, "id"])
    newer = superseded(catalog)
    intensive = catalog["additive"].astype("boolean").eq(False).fillna(False).astype(bool)
    keep = (catalog["higher_is_better"].notna() & has_years & intensive
            & ~catalog["id"].map(lambda i: newer.get(i) in loaded))
    return catalog[keep].sort_values("id").reset_index(drop=True)


def vs_japan(value: float, national: float) -> str | None:
    """``above``, ``below`` or ``equal`` to Japan's value; None when either is missing.

    >>> vs_japan(991.0, 880.0), vs_japan(1.0, 2.0), vs_japan(1.0, float("nan"))
    ('above', 'below', None)
    """
    if value is None or national is None or pd.isna(value) or pd.isna(national):
        return None
    if value > national:
        return "above"
    return "below" if value < national else "equal"


def _japan_phrase(rel: str | None, nat: float, unit_ja: str, unit_en: str) -> tuple[str, str]:
    if rel is None:
        return "全国値なし", "no national value"
    ja = {"above": "を上回る", "below": "を下回る", "equal": "と同じ"}[rel]
    en = {"above": "above", "below": "below", "equal": "equal to"}[rel]
    return f"全国値（{_with_unit(nat, unit_ja)}）{ja}", f"{en} Japan's {_with_unit(nat, unit_en, ' ')}"


def _direction(hib: bool) -> tuple[str, str]:
    return ("高いほど良い", "higher is better") if hib else ("低いほど良い", "lower is better")


def _position(ind, row: pd.Series, n: int, year: int) -> Finding | None:
    quarter = math.ceil(n / 4)
    rank = int(row["rank"])
    if rank <= quarter:
        kind, pos, pos_ja, pos_en = "strength", "good", "上位4分の1", "in the best quarter"
    elif rank > n - quarter:
        kind, pos, pos_ja, pos_en = "weakness", "poor", "下位4分の1", "in the worst quarter"
    else:
        return None
    hib = bool(ind.higher_is_better)
    value, nat = float(row["value"]), float(row["national_value"])
    rel = vs_japan(value, nat)
    dir_ja, dir_en = _direction(hib)
    jp_ja, jp_en = _japan_phrase(rel, nat, ind.unit, ind.unit_en)
    nums = dict(value=value, unit=ind.unit, unit_en=ind.unit_en, year=year, rank=rank, of=n,
                national_value=nat, higher_is_better=hib, position=pos, vs_japan=rel,
                source_ja=ind.source_ja, source_en=ind.source_en)
    text_ja = (f"{ind.name_ja}は{_with_unit(value, ind.unit)}で全国{n}都道府県中{rank}位（{dir_ja}指標で{pos_ja}）、"
               f"{jp_ja}（{year}年、出典: {ind.source_ja}）。")
    text_en = (f"{ind.name_en}: {_with_unit(value, ind.unit_en, ' ')}, rank {rank} of {n}, {pos_en} "
               f"({dir_en}); {jp_en} ({year}; source: {ind.source_en}).")
    return Finding(kind, ind.id, text_ja, text_en, nums)


def _rank_change(ind, region: str, inp: RankInput | None) -> Finding | None:
    if inp is None or inp.year_from == inp.year_to:
        return None
    hib = bool(ind.higher_is_better)
    r1 = compare.rank(inp.values_from.astype("float64"), hib).get(region, np.nan)
    r2 = compare.rank(inp.values_to.astype("float64"), hib).get(region, np.nan)
    if pd.isna(r1) or pd.isna(r2):
        return None
    r1, r2 = int(r1), int(r2)
    move = r1 - r2   # positive = moved towards rank 1 (better)
    if abs(move) < RANK_MOVE:
        return None
    up = move > 0
    dir_ja, dir_en = _direction(hib)
    first, last = inp.year_from, inp.year_to
    return Finding(
        "change", ind.id,
        f"{ind.name_ja}の順位（{dir_ja}指標、1位が最良）は{first}年の{r1}位から{last}年の{r2}位へ"
        f"{'上昇' if up else '低下'}（出典: {ind.source_ja}）。",
        f"{ind.name_en} moved {'up' if up else 'down'} from rank {r1} in {first} to {r2} in {last} "
        f"(rank 1 = best, {dir_en}; source: {ind.source_en}).",
        dict(year=last, year_from=first, year_to=last, rank_from=r1, rank_to=r2, higher_is_better=hib,
             source_ja=ind.source_ja, source_en=ind.source_en))


def _pooled(table: pd.DataFrame, ind) -> bool:
    # Comparison tables say how their group values were formed; older ones did not, and then the
    # catalog's aggregation says the same thing (ratio = pooled).
    if "group_method" in table.columns:
        return bool((table["group_method"] == "pooled").all())
    return getattr(ind, "aggregation", None) == "ratio"


def _years_text(years: list[int]) -> str:
    lo, hi = min(years), max(years)
    return str(lo) if lo == hi else f"{lo}–{hi}"


def _group_findings(counted: dict[str, list[dict]], inputs: FindingInputs) -> list[Finding]:
    gname = ("三大都市圏", "the three metropolitan areas") if inputs.in_metro else ("地方圏", "non-metropolitan areas")
    out = []
    for key, (ja, en) in (("metro", gname),
                          ("block", (f"{inputs.block_name_ja}ブロック", f"the {inputs.block_name_en} block"))):
        rows = counted[key]
        if not rows:
            continue
        better = sum(r["better"] for r in rows)
        total = len(rows)
        years = _years_text([r["year"] for r in rows])
        src_ja = "、".join(sorted({r["source_ja"] for r in rows}))
        src_en = " / ".join(sorted({r["source_en"] for r in rows}))
        out.append(Finding(
            "group", key,
            f"構成県の分子の合計÷分母の合計で求めた{ja}の値（プール値）と比べられる{total}指標のうち、{better}指標で"
            f"{ja}より良い（各指標の最新年 {years}年、出典: {src_ja}）。",
            f"Better than {en} on {better} of {total} indicators, compared with pooled group values "
            f"(Σ numerators ÷ Σ denominators of the member prefectures; latest years {years}; sources: {src_en}).",
            dict(better=better, total=total, group=key, group_method="pooled", year=max(r["year"] for r in rows),
                 years=years, indicators=[r["id"] for r in rows], source_ja=src_ja, source_en=src_en)))
    return out


def region_findings(inputs: FindingInputs) -> list[Finding]:
    """All findings for one prefecture, in a fixed order (kind, then subject).

    Parameters
    ----------
    inputs : FindingInputs
        Gathered by :func:`metrics.service.finding_inputs`.

    Returns
    -------
    list of Finding
        Deterministic: the same inputs give the same list.
    """
    region = inputs.region
    found: list[Finding] = []
    counted: dict[str, list[dict]] = {"metro": [], "block": []}
    group_col = "metro_value" if inputs.in_metro else "non_metro_value"
    for ind in assessable(inputs.catalog).itertuples():
        table = inputs.comparisons.get(ind.id)
        if table is None or region not in set(table["region_code"]):
            continue
        row = table[table["region_code"] == region].iloc[0]
        n = int(table["rank"].notna().sum())
        year = int(table["year"].iloc[0])
        if n >= 4 and not pd.isna(row["rank"]):
            f = _position(ind, row, n, year)
            if f is not None:
                found.append(f)
        change = _rank_change(ind, region, inputs.rank_inputs.get(ind.id))
        if change is not None:
            found.append(change)
        if pd.isna(row["value"]) or not _pooled(table, ind):
            continue
        better = (lambda a, b: a > b) if ind.higher_is_better else (lambda a, b: a < b)
        for key, col in (("metro", group_col), ("block", "block_value")):
            if not pd.isna(row[col]):
                counted[key].append(dict(id=ind.id, year=year, better=bool(better(row["value"], row[col])),
                                         source_ja=ind.source_ja, source_en=ind.source_en))
    found += specialisations(inputs)
    found += industry_changes(inputs)
    found += _group_findings(counted, inputs)
    return sorted(found, key=lambda f: (KIND_ORDER[f.kind], f.subject))


def specialisations(inputs: FindingInputs) -> list[Finding]:
    """Industries that are strengths of the region's LQ tables (employees, value added), largest LQ first."""
    out = []
    for measure, unit_ja, unit_en in (("employees", "人", "employees"), ("value_added", "百万円", "million yen")):
        table = inputs.lq_tables.get(measure)
        if table is None:
            continue
        src_ja, src_en = inputs.lq_sources.get(measure, ("", ""))
        mine = table[(table["region_code"] == inputs.region) & table["strength"]].sort_values("lq", ascending=False)
        label_ja = "従業者" if measure == "employees" else "付加価値額"
        label_en = "employee" if measure == "employees" else "value-added"
        for r in mine.itertuples():
            out.append(Finding(
                "specialisation", f"{measure}:{r.industry_code}",
                f"{r.industry_name_ja}に特化（{label_ja}の特化係数 {r.lq:.2f}、{_fmt(r.value)}{unit_ja}、"
                f"域内シェア {r.share:.1%}、{r.year}年、出典: {src_ja}）。",
                f"Specialised in {r.industry_name_en} ({label_en} LQ {r.lq:.2f}, {_fmt(r.value)} {unit_en}, "
                f"{r.share:.1%} of the region, {r.year}; source: {src_en}).",
                dict(measure=measure, lq=float(r.lq), value=float(r.value), share=float(r.share), year=int(r.year),
                     threshold=lq.LQ_STRENGTH, min_share=lq.MIN_SHARE, min_value=lq.MIN_SIZE[measure],
                     source_ja=src_ja, source_en=src_en)))
    return out


def industry_changes(inputs: FindingInputs) -> list[Finding]:
    """Industries whose employees changed ``GROWTH_GAP`` points more or less than the nation's.

    Growth = (last − first) / first × 100; a zero or missing first value gives no finding.
    """
    if inputs.employee_change is None:
        return []
    a, b = inputs.employee_change
    first, last = int(a["year"].iloc[0]), int(b["year"].iloc[0])
    src_ja, src_en = inputs.lq_sources.get("employees", ("", ""))
    merged = a.merge(b, on=["region_code", "industry_code"], suffixes=("_a", "_b"))
    merged = merged[merged["region_code"] == inputs.region]
    out = []
    for r in merged.itertuples():
        growth = compare.growth(r.value_a, r.value_b)
        nat = compare.growth(r.ref_value_a, r.ref_value_b)
        if pd.isna(growth) or pd.isna(nat) or abs(growth - nat) < GROWTH_GAP:
            continue
        out.append(Finding(
            "change", f"employees:{r.industry_code}",
            f"{r.industry_name_ja_b}の従業者数は{first}年から{last}年に{growth:+.1f}%"
            f"（全国 {nat:+.1f}%、出典: {src_ja}）。",
            f"Employees in {r.industry_name_en_b} changed {growth:+.1f}% from {first} to {last} "
            f"(Japan {nat:+.1f}%; source: {src_en}).",
            dict(year=last, year_from=first, year_to=last, growth=float(growth), national_growth=float(nat),
                 source_ja=src_ja, source_en=src_en)))
    return out
