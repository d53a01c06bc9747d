"""類似団体 (peer types) of all 1,741 municipalities, built from SSDSE-A and a curated designation list.

Inputs, all from the 令和2年国勢調査 (2020-10-01) as SSDSE-A-2026 carries them:

* A1101 総人口 — population;
* F2201 / F2211 / F2221 第1次 / 第2次 / 第3次産業就業者数 — the shares are taken over their sum, so
  分類不能の産業 is left out of the denominator.

Designations (政令指定都市, 中核市, 施行時特例市, 特別区) come from ``curated/ruiji_designations.csv``:
one row per municipality with its reason and source. The rule itself is
:func:`classify` below (pure, no I/O); it lives with the build, and :mod:`metrics.peer_types`
re-exports it, so the loader never imports from ``metrics``.

Where the rule table was confirmed (see also ``RULE_SOURCES``): the population classes and industry
thresholds were read from a secondary summary citing 総務省「財政比較分析表の説明」
(jichitai-ranking.jp/st_shichouson_ruikei.html) and agree with the count of types stated by 山梨県
(16 都市 types, 15 町村 types, on the 令和2年国勢調査 basis) and with a 町村 example (V-1: 2万以上, 2次+3次
80 % 以上, 3次 55 % 未満). The official 総務省 explanation page itself was not available to check.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.errors import DataError

# --- the rule: 総務省「類似団体別市町村財政指数表」の類型 (16 都市, 15 町村, 4 designated types) -------------

# Designations that are a type of their own, whatever the population and industry.
DESIGNATED = {
    "designated_city": ("政令指定都市", "Designated city (政令指定都市)"),
    "special_ward": ("特別区", "Special ward of Tokyo (特別区)"),
    "core_city": ("中核市", "Core city (中核市)"),
    "former_special_city": ("施行時特例市", "Former special city (施行時特例市)"),
}
# The others are classified by population and industry structure.
GENERAL = {"city": "city", "town": "town", "village": "town"}
DESIGNATIONS = (*DESIGNATED, *GENERAL)

ROMAN = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ")
ASCII_ROMAN = ("I", "II", "III", "IV", "V")

# Lower bounds (以上) of population classes Ⅱ, Ⅲ, …; class Ⅰ is below the first bound (未満).
POPULATION_BOUNDS = {"city": (50_000, 100_000, 150_000), "town": (5_000, 10_000, 15_000, 20_000)}

# Industry structure: shares of 就業者 (%) in 第2次+第3次 and in 第3次 産業.
# city: (2次+3次 bound, 3次 bound above it, 3次 bound below it) → classes 3/2 above, 1/0 below.
CITY_SECONDARY_TERTIARY = 95.0
CITY_TERTIARY_HIGH = 65.0
CITY_TERTIARY_LOW = 55.0
# town: 2次+3次 ≥ 80 splits on 3次 ≥ 55 into 2/1; below 80 is 0.
TOWN_SECONDARY_TERTIARY = 80.0
TOWN_TERTIARY = 55.0

GROUP_JA = {"city": "都市", "town": "町村"}
GROUP_EN = {"city": "City", "town": "Town/village"}


@dataclass(frozen=True)
class PeerType:
    """One municipality's 類似団体 type.

    Attributes
    ----------
    code : str
        ``designated_city``, ``special_ward``, ``core_city``, ``former_special_city``,
        ``city:II-3`` (都市 Ⅱ-3), ``town:IV-1`` (町村 Ⅳ-1), or ``unclassified`` when an input is missing.
    label_ja, label_en : str
        e.g. ``都市 Ⅱ-3`` / ``City II-3``.
    reason_ja, reason_en : str
        The rule applied, with the inputs, e.g.
        ``人口 53,210 (Ⅱ: 5万以上10万未満), 2次+3次 96.1 % ≥ 95 %, 3次 70.2 % ≥ 65 % → Ⅱ-3``.
    group : str
        ``city`` or ``town`` for the classified types, else the designation (or ``unclassified``).
    population_class : int | None
        1–4 (都市) or 1–5 (町村); None for the designated types.
    industry_class : int | None
        0–3 (都市) or 0–2 (町村); None for the designated types.
    """

    code: str
    label_ja: str
    label_en: str
    reason_ja: str
    reason_en: str
    group: str
    population_class: int | None = None
    industry_class: int | None = None


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _man(n: float) -> str:
    """5,000 → 5千, 50,000 → 5万, 150,000 → 15万 (the way the official table writes its bounds)."""
    return f"{n / 10_000:g}万" if n >= 10_000 else f"{n / 1_000:g}千"


def population_class(population: float, group: str) -> int:
    """1-based population class of a 都市 (``city``, 1–4) or 町村 (``town``, 1–5); bounds are 以上/未満."""
    return 1 + sum(population >= b for b in POPULATION_BOUNDS[group])


def _class_range(k: int, group: str, *, en: bool = False) -> str:
    bounds = POPULATION_BOUNDS[group]
    lo = bounds[k - 2] if k >= 2 else None
    hi = bounds[k - 1] if k - 1 < len(bounds) else None
    if en:
        if lo is None:
            return f"under {hi:,}"
        return f"{lo:,} or more" if hi is None else f"{lo:,} to under {hi:,}"
    if lo is None:
        return f"{_man(hi)}未満"
    return f"{_man(lo)}以上" if hi is None else f"{_man(lo)}以上{_man(hi)}未満"


def _pct(x: float, bound: float) -> str:
    # One decimal, unless rounding would print the bound for a share on the other side of it.
    s = f"{x:.1f}"
    if float(s) == bound and x != bound:
        s = f"{x:.3f}"
    return f"{s} %"


def _cmp(x: float, bound: float) -> str:
    return f"{_pct(x, bound)} {'≥' if x >= bound else '<'} {bound:g} %"


def industry_class(share2: float, share3: float, group: str) -> tuple[int, list[str]]:
    """Industry structure class and the comparisons made, in the order the rule makes them."""
    s23, s3 = share2 + share3, share3
    if group == "city":
        if s23 >= CITY_SECONDARY_TERTIARY:
            return (3 if s3 >= CITY_TERTIARY_HIGH else 2), [f"2次+3次 {_cmp(s23, CITY_SECONDARY_TERTIARY)}",
                                                          f"3次 {_cmp(s3, CITY_TERTIARY_HIGH)}"]
        return (1 if s3 >= CITY_TERTIARY_LOW else 0), [f"2次+3次 {_cmp(s23, CITY_SECONDARY_TERTIARY)}",
                                                      f"3次 {_cmp(s3, CITY_TERTIARY_LOW)}"]
    if s23 >= TOWN_SECONDARY_TERTIARY:
        return (2 if s3 >= TOWN_TERTIARY else 1), [f"2次+3次 {_cmp(s23, TOWN_SECONDARY_TERTIARY)}",
                                                  f"3次 {_cmp(s3, TOWN_TERTIARY)}"]
    return 0, [f"2次+3次 {_cmp(s23, TOWN_SECONDARY_TERTIARY)}"]


def classify(population: float | None, share2: float | None, share3: float | None,
             designation: str) -> PeerType:
    """The 類似団体 type of one municipality.

    Parameters
    ----------
    population : float or None
        Population (令和2年国勢調査, 2020-10-01). Not used for the designated types.
    share2, share3 : float or None
        Shares (%) of 第2次 and 第3次産業 in the employed persons (就業者) of the 2020 census, whose
        denominator is 第1次+第2次+第3次 (分類不能の産業 left out). Not used for the designated types.
    designation : str
        ``designated_city`` (政令指定都市), ``special_ward`` (特別区), ``core_city`` (中核市),
        ``former_special_city`` (施行時特例市) — each a type of its own — or ``city`` (any other 市),
        ``town`` or ``village`` (町村, classified together).

    Returns
    -------
    PeerType
        Exactly one type. When a 市 or 町村 lacks an input the type is ``unclassified`` and the
        reason names what is missing; nothing is guessed.

    Raises
    ------
    ValueError
        An unknown designation, a negative population, or shares outside 0–100 % or summing above
        100 %.

    Notes
    -----
    Population classes (以上 = at or above, 未満 = below):

    ====  ================  ================
    class 都市 (市)          町村
    ====  ================  ================
    Ⅰ     < 50,000          < 5,000
    Ⅱ     50,000–99,999     5,000–9,999
    Ⅲ     100,000–149,999   10,000–14,999
    Ⅳ     ≥ 150,000         15,000–19,999
    Ⅴ     —                 ≥ 20,000
    ====  ================  ================

    Industry classes, from s23 = 2次+3次 share and s3 = 3次 share (%):

    * 都市: s23 ≥ 95 and s3 ≥ 65 → 3; s23 ≥ 95 and s3 < 65 → 2; s23 < 95 and s3 ≥ 55 → 1;
      s23 < 95 and s3 < 55 → 0.
    * 町村: s23 ≥ 80 and s3 ≥ 55 → 2; s23 ≥ 80 and s3 < 55 → 1; s23 < 80 → 0.

    The type is population class, hyphen, industry class: 都市 Ⅱ-3, 町村 Ⅴ-0, … (16 + 15 types).
    Shares are compared as given, not rounded to one decimal first.

    Examples
    --------
    >>> classify(53_210, 26.0, 70.2, "city").reason_ja
    '人口 53,210 (Ⅱ: 5万以上10万未満), 2次+3次 96.2 % ≥ 95 %, 3次 70.2 % ≥ 65 % → Ⅱ-3'
    >>> classify(None, None, None, "core_city").code
    'core_city'
    """
    if designation in DESIGNATED:
        ja, en = DESIGNATED[designation]
        return PeerType(code=designation, label_ja=ja, label_en=en,
                        reason_ja=f"{ja}は人口・産業構造によらず一つの類型", reason_en=f"{en} is one type of its own",
                        group=designation)
    if designation not in GENERAL:
        raise ValueError(f"unknown designation {designation!r}; expected one of {', '.join(DESIGNATIONS)}")
    group = GENERAL[designation]
    missing = [n for n, v in (("人口", population), ("第2次産業の割合", share2), ("第3次産業の割合", share3))
               if _missing(v)]
    if missing:
        missing_en = {"人口": "population", "第2次産業の割合": "secondary share", "第3次産業の割合": "tertiary share"}
        return PeerType(code="unclassified", label_ja="分類不能", label_en="Unclassified",
                        reason_ja=f"{'・'.join(missing)}がないため{GROUP_JA[group]}の類型を決められない",
                        reason_en=f"no {', '.join(missing_en[m] for m in missing)}: the {GROUP_EN[group].lower()} "
                                  "type cannot be determined",
                        group="unclassified")
    if population < 0:
        raise ValueError(f"population must not be negative, got {population}")
    for name, s in (("share2", share2), ("share3", share3)):
        if not 0 <= s <= 100:
            raise ValueError(f"{name} must be a percentage 0–100, got {s}")
    if share2 + share3 > 100:
        raise ValueError(f"share2 + share3 exceeds 100 % ({share2} + {share3})")

    p = population_class(population, group)
    i, tests = industry_class(share2, share3, group)
    tag_ja, tag_en = f"{ROMAN[p - 1]}-{i}", f"{ASCII_ROMAN[p - 1]}-{i}"
    pop_text = f"{population:,.0f}"
    return PeerType(
        code=f"{group}:{tag_en}",
        label_ja=f"{GROUP_JA[group]} {tag_ja}", label_en=f"{GROUP_EN[group]} {tag_en}",
        reason_ja=f"人口 {pop_text} ({ROMAN[p - 1]}: {_class_range(p, group)}), {', '.join(tests)} → {tag_ja}",
        reason_en=(f"population {pop_text} ({ASCII_ROMAN[p - 1]}: {_class_range(p, group, en=True)}), "
                   + ", ".join(t.replace("2次+3次", "secondary+tertiary").replace("3次", "tertiary") for t in tests)
                   + f" → {tag_en}"),
        group=group, population_class=p, industry_class=i)


def type_labels() -> dict[str, tuple[str, str]]:
    """Every type code → (label_ja, label_en), in display order: the four designated types, 16 都市, 15 町村.

    ``unclassified`` is not a type and is left out.
    """
    labels = dict(DESIGNATED)
    for group, classes, industry in (("city", 4, (3, 2, 1, 0)), ("town", 5, (2, 1, 0))):
        for p in range(classes):
            for i in industry:
                labels[f"{group}:{ASCII_ROMAN[p]}-{i}"] = (f"{GROUP_JA[group]} {ROMAN[p]}-{i}",
                                                            f"{GROUP_EN[group]} {ASCII_ROMAN[p]}-{i}")
    return labels


def all_type_codes() -> list[str]:
    """Every type code in display order (the keys of :func:`type_labels`)."""
    return list(type_labels())


# --- the build --------------------------------------------------------------------------------------

DESIGNATIONS_CSV = Path(__file__).resolve().parent / "curated" / "ruiji_designations.csv"
DESIGNATION_COLUMNS = ["code", "name_ja", "designation", "as_of", "reason", "source"]
SPECIAL_WARDS = [f"131{i:02d}" for i in range(1, 24)]

POPULATION_ITEM = "A1101"
WORKER_ITEMS = {"F2201": "workers_primary", "F2211": "workers_secondary", "F2221": "workers_tertiary"}
CENSUS_YEAR = 2020

PEER_TYPE_COLUMNS = [
    "code", "name_ja", "prefecture_code", "kind", "designation", "population", "workers_primary",
    "workers_secondary", "workers_tertiary", "share_secondary", "share_tertiary", "share_secondary_tertiary",
    "population_class", "industry_class", "type_code", "type_label_ja", "type_label_en", "reason_ja",
    "reason_en", "dataset_id", "designation_source",
]

RULE_SOURCES = (
    "総務省「類似団体別市町村財政指数表」の類型（令和2年国勢調査に基づく: "
    "政令指定都市・特別区・中核市・施行時特例市は各1類型、都市16類型、町村15類型）。"
    "人口区分と産業構造の閾値は jichitai-ranking.jp/st_shichouson_ruikei.html"
    "（出典として総務省「財政比較分析表の説明」を挙げる）による; 類型数は山梨県「類似団体比較カード」"
    "(www.pref.yamanashi.jp/shichoson/27ruijidanntaihikaku.html) と一致。総務省の原文は未確認。"
)


def municipal_kind(name_ja: str) -> str:
    """``city``, ``town``, ``village`` or ``ward`` from the last character of the official name."""
    kinds = {"市": "city", "町": "town", "村": "village", "区": "ward"}
    if not name_ja or name_ja[-1] not in kinds:
        raise DataError(f"cannot tell whether {name_ja!r} is a 市, 町, 村 or 区")
    return kinds[name_ja[-1]]


def read_designations(path: Path = DESIGNATIONS_CSV) -> pd.DataFrame:
    """The curated designation list, checked: known designations, 5-digit codes, a reason and a source on every row."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    df = pd.DataFrame(rows, columns=DESIGNATION_COLUMNS).astype(str) if rows else pd.DataFrame(
        columns=DESIGNATION_COLUMNS)
    if rows and list(rows[0]) != DESIGNATION_COLUMNS:
        raise DataError(f"columns should be {', '.join(DESIGNATION_COLUMNS)}", file=path.name, row=1)
    for i, r in enumerate(df.itertuples(index=False), start=2):
        if not (len(r.code) == 5 and r.code.isdigit()):
            raise DataError(f"code should be 5 digits, found {r.code!r}", file=path.name, row=i, column="code")
        if r.designation not in DESIGNATED:
            raise DataError(f"unknown designation {r.designation!r}; expected one of {', '.join(DESIGNATED)}",
                            file=path.name, row=i, column="designation")
        for col in ("name_ja", "as_of", "reason", "source"):
            if not getattr(r, col).strip():
                raise DataError(f"{col} is empty", file=path.name, row=i, column=col)
    if df["code"].duplicated().any():
        raise DataError(f"code {df.loc[df['code'].duplicated(), 'code'].iloc[0]} appears twice", file=path.name)
    return df


def _check_designations(designations: pd.DataFrame, names: dict[str, str]) -> None:
    for r in designations.itertuples(index=False):
        if r.code not in names:
            raise DataError(f"designated municipality {r.code} {r.name_ja} is not among the municipalities")
        if names[r.code] != r.name_ja:
            raise DataError(f"designation list names {r.code} {r.name_ja!r}, the census data {names[r.code]!r}")
        kind = municipal_kind(r.name_ja)
        if (r.designation == "special_ward") != (kind == "ward"):
            raise DataError(f"{r.code} {r.name_ja} is listed as {r.designation}")
    wards = sorted(designations.loc[designations["designation"] == "special_ward", "code"])
    named_wards = sorted(c for c, n in names.items() if municipal_kind(n) == "ward")
    if wards != SPECIAL_WARDS or named_wards != SPECIAL_WARDS:
        raise DataError("特別区 should be exactly the 23 wards 13101–13123")


def build_peer_types(values: pd.DataFrame, regions: pd.DataFrame, designations: pd.DataFrame,
                     dataset_id: str) -> pd.DataFrame:
    """One row per municipality with the inputs used and its 類似団体 type.

    Parameters
    ----------
    values : DataFrame
        SSDSE-A long values (item, region_code, year, value).
    regions : DataFrame
        region_code, name_ja of the municipalities (SSDSE-A order).
    designations : DataFrame
        :func:`read_designations`.
    dataset_id : str
        The SSDSE-A edition the inputs come from, recorded on every row.

    Returns
    -------
    DataFrame
        Columns ``PEER_TYPE_COLUMNS``, sorted by code; shares in %, rounded to 6 decimals for storage
        (the type is decided on the unrounded shares).
    """
    names = dict(zip(regions["region_code"], regions["name_ja"], strict=True))
    _check_designations(designations, names)
    items = [POPULATION_ITEM, *WORKER_ITEMS]
    sub = values[values["item"].isin(items) & (values["year"] == CENSUS_YEAR)]
    wide = sub.pivot(index="region_code", columns="item", values="value").reindex(list(names))
    designated = dict(zip(designations["code"], designations["designation"], strict=True))
    sources = dict(zip(designations["code"], designations["source"], strict=True))
    rows = []
    for code, name in names.items():
        kind = municipal_kind(name)
        designation = designated.get(code)
        pop = wide.at[code, POPULATION_ITEM]
        w1, w2, w3 = (wide.at[code, i] for i in WORKER_ITEMS)
        total = w1 + w2 + w3
        share2 = 100 * w2 / total if total > 0 else float("nan")
        share3 = 100 * w3 / total if total > 0 else float("nan")
        t = classify(pop, share2, share3, designation or kind)
        rows.append(dict(
            code=code, name_ja=name, prefecture_code=code[:2], kind=kind, designation=designation,
            population=pop, workers_primary=w1, workers_secondary=w2, workers_tertiary=w3,
            share_secondary=round(share2, 6), share_tertiary=round(share3, 6),
            share_secondary_tertiary=round(100 * (w2 + w3) / total, 6) if total > 0 else float("nan"),
            population_class=t.population_class, industry_class=t.industry_class, type_code=t.code,
            type_label_ja=t.label_ja, type_label_en=t.label_en, reason_ja=t.reason_ja, reason_en=t.reason_en,
            dataset_id=dataset_id,
            designation_source=sources.get(code, "人口・産業構造による（国勢調査 2020, SSDSE-A）")))
    out = pd.DataFrame(rows, columns=PEER_TYPE_COLUMNS)
    return (out.astype({"population": "Int64", "workers_primary": "Int64", "workers_secondary": "Int64",
                        "workers_tertiary": "Int64", "population_class": "Int8", "industry_class": "Int8"})
            .sort_values("code").reset_index(drop=True))
