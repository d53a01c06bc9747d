"""The municipal profile (市区町村カルテ): pure functions over one table of municipal figures.

Nothing here reads the database: :mod:`metrics.service` gathers the municipal observations, the
regions, the 類似団体 types and the location-quotient tables, and these functions turn them into
the figures of one municipality with their ranks, in plain JSON-ready values.

Rules
-----
* A figure is a published indicator (``A1101``, ``D2203`` …) at its latest municipal year, or a
  ratio defined in :data:`DERIVED` (numerator at its latest year ÷ denominator at the nearest year
  the data has; both years are reported, e.g. 歳入 2022 ÷ 人口 2020 census).
* Ranks are taken among municipalities with a value: within the prefecture, within Japan and
  within the 類似団体 type (unclassified municipalities have no peer rank). Rank 1 is the best by
  the catalog's direction (``higher_is_better``); a figure without a direction is ranked largest
  first and says so (``rank_order``), since its size is context, not a verdict.
* Ties share the best rank (``method="min"``), so "3位/44" means two others are better.
* Findings follow :mod:`metrics.findings`: a directional figure in the best (worst) quarter of its
  類似団体 type is a strength (weakness); an industry is a specialisation when its employee LQ
  against Japan is a strength by :func:`metrics.lq.strength_rule` (LQ ≥ 1.2, ≥ 1 % of the
  municipality's employees and ≥ 100 employees). Every sentence carries its numbers, year and source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Every indicator the profile reads (one query gathers them).
POPULATION_IDS = ["A1101", "A1301", "A1302", "A1303", "A1419"]
SOURCE_IDS = [*POPULATION_IDS, "C2208", "C2108", "D2203", "D2211", "D3201", "D320101", "D3203", "D320303",
              "D320308", "D320310", "A4101", "A4200", "A5101", "A5102"]


@dataclass(frozen=True)
class Derived:
    numerator: str
    denominator: str
    scale: float
    name_ja: str
    name_en: str
    unit_ja: str
    unit_en: str
    higher_is_better: bool | None = None


# 千円 per person × 1,000 = 円 per person.
DERIVED: dict[str, Derived] = {
    "aging_rate": Derived("A1303", "A1101", 100.0, "高齢化率（65歳以上人口の割合）",
                          "Population aged 65 and over (share)", "%", "%"),
    "revenue_per_person": Derived("D3201", "A1101", 1000.0, "人口1人当たり歳入決算総額", "Revenue per person",
                                  "円", "yen"),
    "tax_per_person": Derived("D320101", "A1101", 1000.0, "人口1人当たり地方税", "Local taxes per person", "円", "yen"),
    "expenditure_per_person": Derived("D3203", "A1101", 1000.0, "人口1人当たり歳出決算総額",
                                      "Expenditure per person", "円", "yen"),
    "welfare_per_person": Derived("D320303", "A1101", 1000.0, "人口1人当たり民生費", "Welfare expenditure per person",
                                  "円", "yen"),
    "civil_per_person": Derived("D320308", "A1101", 1000.0, "人口1人当たり土木費",
                                "Civil engineering expenditure per person", "円", "yen"),
    "education_per_person": Derived("D320310", "A1101", 1000.0, "人口1人当たり教育費",
                                    "Education expenditure per person", "円", "yen"),
}

HEADLINE_IDS = ["A1101", "aging_rate", "C2208", "C2108", "D2203", "D2211", "revenue_per_person",
                "expenditure_per_person"]
FINANCE_IDS = ["D2203", "D2211", "revenue_per_person", "tax_per_person", "expenditure_per_person",
               "welfare_per_person", "civil_per_person", "education_per_person"]
CHANGE_IDS = ["A4101", "A4200", "A5101", "A5102", "D2203", "D2211", "D3201", "D320101", "D3203"]
AGE_GROUPS = [("A1301", "0–14歳", "Aged 0–14"), ("A1302", "15–64歳", "Aged 15–64"), ("A1303", "65歳以上", "Aged 65+"),
              ("A1419", "うち75歳以上", "of which aged 75+")]


def _num(v) -> float | None:
    """A plain float for JSON (None for missing)."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _int(v) -> int | None:
    f = _num(v)
    return None if f is None else int(f)


# --- figures for every municipality ------------------------------------------------------------------

@dataclass
class Figure:
    """One figure for every municipality: values by code, the year, and where it came from."""
    id: str
    name_ja: str
    name_en: str
    unit_ja: str
    unit_en: str
    year: int
    values: pd.Series                 # code → value (NaN where missing)
    datasets: pd.Series               # code → dataset id
    higher_is_better: bool | None
    indicator_ids: tuple[str, ...]    # the catalog indicators it is made of
    denominator_year: int | None = None


def latest(obs: pd.DataFrame, indicator_id: str, year: int | None = None) -> tuple[int, pd.Series, pd.Series]:
    """(year, values by code, dataset by code) of one indicator at ``year`` (default: its latest)."""
    rows = obs[obs["indicator_id"] == indicator_id]
    if rows.empty:
        raise KeyError(indicator_id)
    year = int(rows["year"].max()) if year is None else int(year)
    rows = rows[rows["year"] == year].drop_duplicates("region_code").set_index("region_code")
    return year, rows["value"].astype("float64"), rows["dataset_id"]


def years_of(obs: pd.DataFrame, indicator_id: str) -> list[int]:
    return sorted(int(y) for y in obs.loc[obs["indicator_id"] == indicator_id, "year"].unique())


def make_figure(obs: pd.DataFrame, catalog: pd.DataFrame, figure_id: str) -> Figure:
    """A published indicator from the catalog, or a ratio of :data:`DERIVED`."""
    if figure_id in DERIVED:
        d = DERIVED[figure_id]
        year, num, num_ds = latest(obs, d.numerator)
        den_years = years_of(obs, d.denominator)
        # The nearest year the denominator has (earlier on a tie): population is a census year.
        den_year = min(den_years, key=lambda y: (abs(y - year), y))
        _, den, _ = latest(obs, d.denominator, den_year)
        den = den.reindex(num.index)
        values = (num / den.where(den > 0)) * d.scale
        return Figure(figure_id, d.name_ja, d.name_en, d.unit_ja, d.unit_en, year, values, num_ds,
                      d.higher_is_better, (d.numerator, d.denominator), den_year)
    meta = catalog.loc[figure_id]
    hib = meta["higher_is_better"]
    year, values, ds = latest(obs, figure_id)
    return Figure(figure_id, str(meta["name_ja"]), str(meta["name_en"]), str(meta["unit"]), str(meta["unit_en"]),
                  year, values, ds, None if hib is None or pd.isna(hib) else bool(hib), (figure_id,))


def ranks(values: pd.Series, groups: pd.Series | None, higher_is_better: bool | None) -> pd.DataFrame:
    """rank and n of each code among codes with a value (within its group when ``groups`` is given).

    Rank 1 is the best by the direction; without a direction, the largest. Codes without a value or
    without a group get no rank.
    """
    ascending = higher_is_better is False
    v = values.astype("float64")
    g = pd.Series("all", index=v.index) if groups is None else groups.reindex(v.index)
    ok = v.notna() & g.notna()
    frame = pd.DataFrame({"v": v[ok], "g": g[ok]})
    out = pd.DataFrame(index=v.index, columns=["rank", "n"], dtype="float64")
    if not frame.empty:
        out.loc[frame.index, "rank"] = frame.groupby("g")["v"].rank(method="min", ascending=ascending)
        out.loc[frame.index, "n"] = frame.groupby("g")["v"].transform("size").astype("float64")
    return out


def figure_table(fig: Figure, prefecture_of: pd.Series, peer_of: pd.Series) -> pd.DataFrame:
    """Per code: value, ranks and n within prefecture / Japan / 類似団体, and the peer group's median."""
    codes = prefecture_of.index
    values = fig.values.reindex(codes)
    pref = ranks(values, prefecture_of, fig.higher_is_better)
    nation = ranks(values, None, fig.higher_is_better)
    peer = ranks(values, peer_of, fig.higher_is_better)
    groups = peer_of.reindex(codes)
    medians = values.groupby(groups).median()
    counts = values.groupby(groups).count()
    return pd.DataFrame({
        "value": values, "dataset": fig.datasets.reindex(codes),
        "rank_prefecture": pref["rank"], "n_prefecture": pref["n"],
        "rank_nation": nation["rank"], "n_nation": nation["n"],
        "rank_peer": peer["rank"], "n_peer": peer["n"],
        "peer_median": groups.map(medians), "peer_n": groups.map(counts),
        "prefecture_median": prefecture_of.map(values.groupby(prefecture_of).median()),
        "nation_median": values.median(),
    }, index=codes)


# --- one municipality ----------------------------------------------------------------------------------

def rank_text(rank, n, lang: str) -> str | None:
    """"3位/44市区町村" or "3 of 44"; None without a rank."""
    r, k = _int(rank), _int(n)
    if r is None or k is None:
        return None
    return f"{r:,} of {k:,}" if lang == "en" else f"{r:,}位/{k:,}市区町村"


def rank_order(higher_is_better: bool | None) -> str:
    return {True: "higher_is_better", False: "lower_is_better", None: "largest_first"}[higher_is_better]


RANK_ORDER_TEXT = {"higher_is_better": ("高いほど良い（1位が最も高い）", "higher is better (1 = highest)"),
                   "lower_is_better": ("低いほど良い（1位が最も低い）", "lower is better (1 = lowest)"),
                   "largest_first": ("大きい順（良し悪しは判断しない）", "largest first (no judgement)")}


def figure_entry(fig: Figure, row: pd.Series, *, lang: str, source: dict[str, str],
                 prefecture: tuple[str, str], peer_label: tuple[str, str] | None) -> dict:
    """One figure of one municipality as a self-describing dict (value, unit, year, source, ranks, medians)."""
    order = rank_order(fig.higher_is_better)
    en = lang == "en"

    def rank(level: str, group: tuple[str, str] | None) -> dict:
        return {"rank": _int(row[f"rank_{level}"]), "n": _int(row[f"n_{level}"]),
                "group": None if group is None else group[1 if en else 0],
                "group_ja": None if group is None else group[0], "group_en": None if group is None else group[1],
                "text": rank_text(row[f"rank_{level}"], row[f"n_{level}"], lang)}

    return {
        "id": fig.id, "name": fig.name_en if en else fig.name_ja, "name_ja": fig.name_ja, "name_en": fig.name_en,
        "value": _num(row["value"]), "unit": fig.unit_en if en else fig.unit_ja, "unit_ja": fig.unit_ja,
        "unit_en": fig.unit_en, "year": fig.year,
        "denominator_year": fig.denominator_year, "indicators": list(fig.indicator_ids),
        "dataset": None if pd.isna(row["dataset"]) else str(row["dataset"]),
        "source": source.get("en" if en else "ja"),
        "direction": order, "direction_text": RANK_ORDER_TEXT[order][1 if en else 0],
        "rank_prefecture": rank("prefecture", prefecture),
        "rank_nation": rank("nation", ("全国", "Japan")),
        "rank_peer": rank("peer", peer_label),
        "peer_median": {"value": _num(row["peer_median"]), "n": _int(row["peer_n"])},
        "prefecture_median": _num(row["prefecture_median"]), "nation_median": _num(row["nation_median"]),
    }


def population_structure(values: dict[str, float], prefecture_sums: dict[str, float],
                         nation_sums: dict[str, float], *, year: int, lang: str) -> list[dict]:
    """Age groups with their shares of the total (A1101) for the municipality, its prefecture and Japan.

    Shares are of the total including age unknown, so 0–14, 15–64 and 65+ need not add up to 100 %.
    Prefecture and Japan are sums of their municipalities (same source and year).
    """
    def share(part, whole):
        part, whole = _num(part), _num(whole)
        return None if part is None or not whole else part / whole * 100

    rows = []
    for ind, ja, en in AGE_GROUPS:
        rows.append({"indicator": ind, "group": en if lang == "en" else ja, "value": _num(values.get(ind)),
                     "unit": "persons" if lang == "en" else "人", "year": year,
                     "share": share(values.get(ind), values.get("A1101")),
                     "prefecture_share": share(prefecture_sums.get(ind), prefecture_sums.get("A1101")),
                     "nation_share": share(nation_sums.get(ind), nation_sums.get("A1101")), "share_unit": "%"})
    return rows


def changes(obs_of_code: pd.DataFrame, catalog: pd.DataFrame, ids: list[str], lang: str) -> list[dict]:
    """First and last year of each indicator that has two or more municipal years (nothing is made up for
    one that has a single year)."""
    out = []
    for ind in ids:
        rows = obs_of_code[obs_of_code["indicator_id"] == ind].sort_values("year").drop_duplicates("year")
        if len(rows) < 2 or ind not in catalog.index:
            continue
        first, last = rows.iloc[0], rows.iloc[-1]
        meta = catalog.loc[ind]
        v0, v1 = _num(first["value"]), _num(last["value"])
        out.append({"id": ind, "name": str(meta["name_en"] if lang == "en" else meta["name_ja"]),
                    "unit": str(meta["unit_en"] if lang == "en" else meta["unit"]),
                    "year_from": int(first["year"]), "value_from": v0, "dataset_from": str(first["dataset_id"]),
                    "year_to": int(last["year"]), "value_to": v1, "dataset_to": str(last["dataset_id"]),
                    "change": None if v0 is None or v1 is None else v1 - v0,
                    "change_pct": None if not v0 or v1 is None else (v1 - v0) / abs(v0) * 100})
    return out


LQ_COLUMNS = ["industry_code", "industry_name_ja", "industry_name_en", "value", "share", "lq", "strength"]


def industry_rows(emp_nation: pd.DataFrame, emp_pref: pd.DataFrame, est_nation: pd.DataFrame,
                  est_pref: pd.DataFrame, lang: str) -> list[dict]:
    """One row per industry: employees and establishments (counts and shares) with their LQs against Japan
    and against the prefecture and the strength flags (by :func:`metrics.lq.strength_rule`)."""
    def part(df: pd.DataFrame, prefix: str, with_counts: bool) -> pd.DataFrame:
        cols = ["industry_code", "lq", "strength"] + (["value", "share", "industry_name_ja", "industry_name_en"]
                                                       if with_counts else [])
        d = df[cols].rename(columns={"lq": f"{prefix}_lq", "strength": f"{prefix}_strength",
                                     "value": prefix.split("_")[0], "share": f"{prefix.split('_')[0]}_share"})
        return d.set_index("industry_code")

    t = (part(emp_nation, "employees_nation", True)
         .join(part(emp_pref, "employees_prefecture", False), how="outer")
         .join(part(est_nation, "establishments_nation", True).drop(columns=["industry_name_ja", "industry_name_en"]),
               how="outer")
         .join(part(est_pref, "establishments_prefecture", False), how="outer"))
    order = list(dict.fromkeys([*emp_nation["industry_code"], *est_nation["industry_code"]]))
    t = t.reindex(order)
    rows = []
    for code, r in t.iterrows():
        name = r["industry_name_en"] if lang == "en" else r["industry_name_ja"]
        row = {"industry_code": code, "industry": None if pd.isna(name) else str(name),
               "industry_ja": str(r["industry_name_ja"]), "industry_en": str(r["industry_name_en"])}
        for m in ("employees", "establishments"):
            row[m] = _num(r.get(m))
            row[f"{m}_share"] = None if _num(r.get(f"{m}_share")) is None else _num(r.get(f"{m}_share")) * 100
            for against in ("nation", "prefecture"):
                row[f"{m}_lq_{against}"] = _num(r.get(f"{m}_{against}_lq"))
                s = r.get(f"{m}_{against}_strength")
                row[f"{m}_strength_{against}"] = bool(s) if s is not None and not pd.isna(s) else False
        rows.append(row)
    return rows


# --- findings ------------------------------------------------------------------------------------------

def _fmt(v: float | None, unit: str = "") -> str:
    if v is None:
        return "—"
    text = f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}" if abs(v) >= 1 else f"{v:,.2f}"
    return text + unit


def _unit(u: str, lang: str) -> str:
    return u if u == "%" or lang != "en" else f" {u}"


def findings(profile: dict) -> list[dict]:
    """Written findings (ja and en) of a profile from :func:`metrics.service.municipal_profile`.

    Kinds, in order: strength / weakness (a directional headline or finance figure in the best /
    worst quarter of its 類似団体 type), size (population and employees within the prefecture),
    specialisation (employee LQ against Japan that is a strength). Each carries its numbers.
    """
    out: list[dict] = []
    seen = set()
    for f in [*profile["headline"], *profile["finance"]]:
        if f["id"] in seen or f["value"] is None:
            continue
        seen.add(f["id"])
        peer = f["rank_peer"]
        if f["direction"] == "largest_first" or peer["rank"] is None or not peer["n"]:
            continue
        quarter = math.ceil(peer["n"] / 4)
        kind = "strength" if peer["rank"] <= quarter else "weakness" if peer["rank"] > peer["n"] - quarter else None
        if kind is None:
            continue
        med = f["peer_median"]["value"]
        u_ja, u_en = f["unit_ja"], f["unit_en"]
        good_ja = "上位" if kind == "strength" else "下位"
        good_en = "best" if kind == "strength" else "worst"
        out.append({
            "kind": kind, "subject": f["id"],
            "text_ja": (f"{f['name_ja']}は{_fmt(f['value'], u_ja)}（{f['year']}年）で、類似団体（{peer['group_ja']}）"
                        f"{peer['n']}団体の中で{peer['rank']}位（{good_ja}4分の1、中央値{_fmt(med, u_ja)}）。"),
            "text_en": (f"{f['name_en']} is {_fmt(f['value'], _unit(u_en, 'en'))} ({f['year']}): {peer['rank']} of "
                        f"{peer['n']} in its peer group ({peer['group_en']}), in the {good_en} quarter (median "
                        f"{_fmt(med, _unit(u_en, 'en'))})."),
            "numbers": {"value": f["value"], "unit": u_ja, "year": f["year"], "rank": peer["rank"], "n": peer["n"],
                        "peer_median": med, "dataset": f["dataset"]}})
    for f in profile["headline"]:
        if f["id"] not in ("A1101", "C2208") or f["value"] is None:
            continue
        r = f["rank_prefecture"]
        if r["rank"] is None:
            continue
        out.append({
            "kind": "size", "subject": f["id"],
            "text_ja": (f"{f['name_ja']}は{_fmt(f['value'], f['unit_ja'])}（{f['year']}年）で、"
                        f"{profile['prefecture_ja']}の{r['n']}市区町村の中で{r['rank']}位、全国{f['rank_nation']['n']:,}市区町村の中で"
                        f"{f['rank_nation']['rank']:,}位。"),
            "text_en": (f"{f['name_en']}: {_fmt(f['value'])} {f['unit_en']} ({f['year']}), {r['rank']} of {r['n']} in "
                        f"{profile['prefecture_en']} and {f['rank_nation']['rank']:,} of {f['rank_nation']['n']:,} "
                        "in Japan."),
            "numbers": {"value": f["value"], "unit": f["unit_ja"], "year": f["year"], "rank_prefecture": r["rank"],
                        "n_prefecture": r["n"], "rank_nation": f["rank_nation"]["rank"],
                        "n_nation": f["rank_nation"]["n"], "dataset": f["dataset"]}})
    ind = profile["industry"]
    spec = [r for r in ind["rows"] if r["employees_strength_nation"]]
    spec.sort(key=lambda r: -(r["employees_lq_nation"] or 0))
    for r in spec:
        out.append({
            "kind": "specialisation", "subject": f"employees:{r['industry_code']}",
            "text_ja": (f"{r['industry_ja']}に特化（従業者の特化係数 {r['employees_lq_nation']:.2f}、全国=1。"
                        f"従業者{_fmt(r['employees'])}人、域内の{r['employees_share']:.1f}%、{ind['year']}年）。"),
            "text_en": (f"Specialised in {r['industry_en']} (employee LQ {r['employees_lq_nation']:.2f}, Japan = 1; "
                        f"{_fmt(r['employees'])} employees, {r['employees_share']:.1f}% of the total, {ind['year']})."),
            "numbers": {"lq": r["employees_lq_nation"], "employees": r["employees"],
                        "share": r["employees_share"], "year": ind["year"]}})
    return out


def compare_peers(code: str, members: list[str], population: pd.Series, k: int = 9) -> list[str]:
    """``code`` and up to ``k`` members of its 類似団体 type nearest to it in population (log scale),
    for a comparison link."""
    others = [m for m in members if m != code]
    if not others:
        return [code]
    pop = population.reindex([code, *others]).astype("float64")
    me = pop.get(code)
    if me is None or not np.isfinite(me) or me <= 0:
        return [code, *others[:k]]
    dist = (np.log(pop[others].where(pop[others] > 0)) - math.log(me)).abs()
    return [code, *dist.sort_values(kind="stable").index[:k]]

