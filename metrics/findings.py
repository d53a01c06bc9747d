"""Written findings: deterministic, rule-based sentences in Japanese and English.

Rules (n = number of ranked prefectures, normally 47; a quarter = ceil(n / 4)):

* strength: an indicator with a catalog direction where the region ranks in the top quarter;
* weakness: the same, bottom quarter;
* specialised industry: employees (and value added) LQ ≥ 1.2 with at least 1 % of the region's
  total (the size threshold of :mod:`metrics.lq`);
* change: a directional indicator whose rank moved by 5 places or more between its first and last
  year; an industry whose employees grew or shrank 5 points more than the nation's between the two
  census years;
* group: on how many directional indicators the region is better than its group (三大都市圏 or
  地方圏) and its block.

Each finding carries the numbers it was built from, so the sentence can be checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from loaders import query
from loaders.errors import DataError
from metrics import compare, lq
from metrics.service import comparison, lq_table, lq_years

RANK_MOVE = 5
GROWTH_GAP = 5.0


@dataclass(frozen=True)
class Finding:
    kind: str                      # strength, weakness, specialisation, change, group
    subject: str                   # indicator id or industry code
    text_ja: str
    text_en: str
    numbers: dict = field(default_factory=dict)


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.2f}" if abs(v) < 10 else f"{v:,.1f}"


def directional_indicators(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    cat = query.catalog(cur)
    has_years = cat["prefecture_years"].map(lambda ys: hasattr(ys, "__len__") and len(ys) > 0)
    return cat[cat["higher_is_better"].notna() & has_years].sort_values("id").reset_index(drop=True)


def region_findings(cur: duckdb.DuckDBPyConnection, region: str) -> list[Finding]:
    """All findings for a prefecture code (01–47), in a fixed order."""
    names = dict(cur.execute("SELECT code, name_ja FROM regions WHERE level = 'prefecture'").fetchall())
    if region not in names:
        raise DataError(f"unknown prefecture {region!r}; expected a code 01–47")
    found: list[Finding] = []
    group_counts = {"metro": [0, 0], "block": [0, 0]}
    metro_code, block_ja, block_en = cur.execute("""
        SELECT r.metro_code, b.name_ja, b.name_en FROM regions r JOIN regions b ON b.code = r.block_code
        WHERE r.code = ?""", [region]).fetchone()
    in_metro = metro_code != "non-metro"
    for ind in directional_indicators(cur).itertuples():
        table = comparison(cur, ind.id)
        row = table[table["region_code"] == region].iloc[0]
        n = int(table["rank"].notna().sum())
        if n < 4 or pd.isna(row["rank"]):
            continue
        quarter = math.ceil(n / 4)
        rank = int(row["rank"])
        nums = dict(value=float(row["value"]), unit=ind.unit, year=int(table["year"].iloc[0]), rank=rank, of=n,
                    national_value=float(row["national_value"]))
        if rank <= quarter:
            found.append(Finding("strength", ind.id,
                                 f"{ind.name_ja}は{_fmt(row['value'])}{ind.unit}で全国{n}都道府県中{rank}位"
                                 f"（全国値 {_fmt(row['national_value'])}、{nums['year']}年）。",
                                 f"{ind.name_en}: {_fmt(row['value'])} {ind.unit_en}, rank {rank} of {n} "
                                 f"(Japan {_fmt(row['national_value'])}, {nums['year']}).", nums))
        elif rank > n - quarter:
            found.append(Finding("weakness", ind.id,
                                 f"{ind.name_ja}は{_fmt(row['value'])}{ind.unit}で全国{n}都道府県中{rank}位と下位"
                                 f"（全国値 {_fmt(row['national_value'])}、{nums['year']}年）。",
                                 f"{ind.name_en} is low: {_fmt(row['value'])} {ind.unit_en}, rank {rank} of {n} "
                                 f"(Japan {_fmt(row['national_value'])}, {nums['year']}).", nums))
        better = (lambda a, b: a > b) if ind.higher_is_better else (lambda a, b: a < b)
        for key, col in (("metro", "metro_value" if in_metro else "non_metro_value"), ("block", "block_value")):
            if not pd.isna(row[col]) and not pd.isna(row["value"]):
                group_counts[key][1] += 1
                group_counts[key][0] += int(better(row["value"], row[col]))
        found += _rank_change(cur, ind, region)
    found += _specialisations(cur, region)
    found += _industry_changes(cur, region)
    gname = ("三大都市圏", "the three metropolitan areas") if in_metro else ("地方圏", "non-metropolitan areas")
    for key, (ja, en) in (("metro", gname), ("block", (f"{block_ja}ブロック", f"the {block_en} block"))):
        better, total = group_counts[key]
        if total:
            found.append(Finding("group", key,
                                 f"良し悪しの方向が定まった{total}指標のうち{better}指標で{ja}の値を上回る。",
                                 f"Better than {en} on {better} of {total} indicators that have a direction.",
                                 dict(better=better, total=total, group=key)))
    order = {"strength": 0, "weakness": 1, "specialisation": 2, "change": 3, "group": 4}
    return sorted(found, key=lambda f: (order[f.kind], f.subject))


def _rank_change(cur, ind, region: str) -> list[Finding]:
    years = [int(y) for y in ind.prefecture_years]
    if len(years) < 2:
        return []
    first, last = years[0], years[-1]
    ranks = {}
    for y in (first, last):
        vals = query.indicator_values(cur, ind.id, year=y)
        vals = vals[vals["region_code"] != "00"].set_index("region_code")["value"]
        ranks[y] = compare.rank(vals, bool(ind.higher_is_better)).get(region, np.nan)
    if pd.isna(ranks[first]) or pd.isna(ranks[last]):
        return []
    move = int(ranks[first] - ranks[last])   # positive = moved up
    if abs(move) < RANK_MOVE:
        return []
    up = move > 0
    return [Finding("change", ind.id,
                    f"{ind.name_ja}の順位は{first}年の{int(ranks[first])}位から{last}年の{int(ranks[last])}位へ"
                    f"{'上昇' if up else '低下'}。",
                    f"{ind.name_en} {'rose' if up else 'fell'} from rank {int(ranks[first])} in {first} to "
                    f"{int(ranks[last])} in {last}.",
                    dict(year_from=first, year_to=last, rank_from=int(ranks[first]), rank_to=int(ranks[last])))]


def _specialisations(cur, region: str) -> list[Finding]:
    out = []
    for measure, unit_ja, unit_en in (("employees", "人", "employees"), ("value_added", "百万円", "million yen")):
        table = lq_table(cur, measure)
        mine = table[(table["region_code"] == region) & table["strength"]].sort_values("lq", ascending=False)
        label_ja = "従業者" if measure == "employees" else "付加価値額"
        for r in mine.itertuples():
            out.append(Finding(
                "specialisation", f"{measure}:{r.industry_code}",
                f"{r.industry_name_ja}に特化（{label_ja}の特化係数 {r.lq:.2f}、{_fmt(r.value)}{unit_ja}、"
                f"域内シェア {r.share:.1%}、{r.year}年）。",
                f"Specialised in {r.industry_name_en} ({'employee' if measure == 'employees' else 'value-added'} "
                f"LQ {r.lq:.2f}, {_fmt(r.value)} {unit_en}, {r.share:.1%} of the region, {r.year}).",
                dict(measure=measure, lq=float(r.lq), value=float(r.value), share=float(r.share), year=int(r.year),
                     threshold=lq.LQ_STRENGTH, min_share=lq.MIN_SHARE)))
    return out


def _industry_changes(cur, region: str) -> list[Finding]:
    # 2016 comes from the published census tables, 2021 from municipal sums: both national rows are
    # from the same source as their prefecture rows, so growth is compared like with like.
    years = lq_years(cur, "employees")
    if len(years) < 2:
        return []
    first, last = years[0], years[-1]
    a, b = lq_table(cur, "employees", first), lq_table(cur, "employees", last)
    merged = a.merge(b, on=["region_code", "industry_code"], suffixes=("_a", "_b"))
    merged = merged[merged["region_code"] == region]
    out = []
    for r in merged.itertuples():
        growth = compare.growth(r.value_a, r.value_b)
        nat = compare.growth(r.ref_value_a, r.ref_value_b)
        if pd.isna(growth) or pd.isna(nat) or abs(growth - nat) < GROWTH_GAP:
            continue
        out.append(Finding(
            "change", f"employees:{r.industry_code}",
            f"{r.industry_name_ja_b}の従業者数は{first}年から{last}年に{growth:+.1f}%（全国 {nat:+.1f}%）。",
            f"Employees in {r.industry_name_en_b} changed {growth:+.1f}% from {first} to {last} "
            f"(Japan {nat:+.1f}%).",
            dict(year_from=first, year_to=last, growth=float(growth), national_growth=float(nat))))
    return out
