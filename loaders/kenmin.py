"""県民経済計算 (内閣府 経済社会総合研究所): nominal gross prefectural product by economic activity.

The raw file is a JSON extract of ESRI's 主要系列表1 (FY2011-2022, 16 sectors, 百万円) whose column
mapping PROVENANCE-innovation.md documents and checks. Two things follow from that file:

* the all-industry total used for location quotients is the sum of the 16 sectors, because the
  published 県内総生産 column also carries import taxes and a consumption-tax deduction;
* ESRI's 全国 figure for prefectural accounts is the sum over prefectures (県計), so the nation
  here is the sum of the 47.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from loaders.errors import DataError
from loaders.regions import pref_code

# (name as the source writes it, English name); order = ESRI's table order.
SECTORS: list[tuple[str, str]] = [
    ("農林水産業", "Agriculture, forestry and fishing"),
    ("鉱業", "Mining"),
    ("製造業", "Manufacturing"),
    ("電気・ガス・水道・廃棄物処理業", "Electricity, gas, water and waste management"),
    ("建設業", "Construction"),
    ("卸売・小売業", "Wholesale and retail trade"),
    ("運輸・郵便業", "Transport and postal services"),
    ("宿泊・飲食サービス業", "Accommodation and food services"),
    ("情報通信業", "Information and communications"),
    ("金融・保険業", "Finance and insurance"),
    ("不動産業", "Real estate"),
    ("専門・科学技術、業務支援サービス業", "Professional, scientific, technical and support services"),
    ("公務", "Government"),
    ("教育", "Education"),
    ("保健衛生・社会事業", "Human health and social work"),
    ("その他のサービス", "Other services"),
]


def sector_code(index: int) -> str:
    return f"sna-{index + 1:02d}"


def read_kenmin(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the value-added JSON.

    Returns
    -------
    sectors : DataFrame
        region_code, industry_code, year, value (百万円) for 47 prefectures × 16 sectors × years.
    gdp : DataFrame
        region_code, year, value: the published 県内総生産（名目） column.
    """
    path = Path(path)
    name = path.name
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"not valid UTF-8 JSON: {exc}", file=name) from None
    for key in ("sectors", "years"):
        if key not in doc:
            raise DataError(f"missing top-level key {key!r}", file=name)
    expected = [s for s, _ in SECTORS]
    if list(doc["sectors"]) != expected:
        raise DataError(f"sector list differs from the 16 ESRI sectors: {doc['sectors']}", file=name)
    rows, gdp_rows = [], []
    for year_text, records in sorted(doc["years"].items()):
        year = int(year_text)
        codes = sorted(pref_code(r["code"]) for r in records)
        if codes != [pref_code(i) for i in range(1, 48)]:
            raise DataError(f"FY{year}: expected prefectures 01..47, found {len(codes)} records", file=name)
        for r in records:
            region = pref_code(r["code"])
            by_sector = r["gdpBySector"]
            for i, sector in enumerate(expected):
                value = by_sector.get(sector)
                if not isinstance(value, int | float):
                    raise DataError(f"FY{year} {r.get('name')}: {sector} is {value!r}, expected a number",
                                    file=name)
                rows.append((region, sector_code(i), year, float(value)))
            gdp_rows.append((region, year, float(r["gdpTotal"])))
    sectors = pd.DataFrame(rows, columns=["region_code", "industry_code", "year", "value"])
    gdp = pd.DataFrame(gdp_rows, columns=["region_code", "year", "value"])
    return sectors, gdp
