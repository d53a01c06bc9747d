"""類似団体 (peer types) of all 1,741 municipalities, built from SSDSE-A and a curated designation list.

Inputs, all from the 令和2年国勢調査 (2020-10-01) as SSDSE-A-2026 carries them:

* A1101 総人口 — population;
* F2201 / F2211 / F2221 第1次 / 第2次 / 第3次産業就業者数 — the shares are taken over their sum, so
  分類不能の産業 is left out of the denominator.

Designations (政令指定都市, 中核市, 施行時特例市, 特別区) come from ``curated/ruiji_designations.csv``:
one row per municipality with its reason and source. The rule itself lives in
:func:`metrics.peer_types.classify`.

Where the rule table was confirmed (see also ``RULE_SOURCES``): the population classes and industry
thresholds were read from a secondary summary citing 総務省「財政比較分析表の説明」
(jichitai-ranking.jp/st_shichouson_ruikei.html) and agree with the count of types stated by 山梨県
(16 都市 types, 15 町村 types, on the 令和2年国勢調査 basis) and with a 町村 example (V-1: 2万以上, 2次+3次
80 % 以上, 3次 55 % 未満). The official 総務省 explanation page itself was not available to check.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from loaders.errors import DataError
from metrics.peer_types import DESIGNATED, classify

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
