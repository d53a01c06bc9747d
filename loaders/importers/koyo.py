"""雇用保険事業年報: new and terminated covered establishments per prefecture with the prior
year-end base, from which the serving database derives opening and closing rates.

Accepted layout: one row per prefecture (and optionally 全国) and fiscal year, with columns for the
prefecture (name or code), 年度, 新規成立 (newly covered), 廃止 (ceased) and 前年度末適用事業所数
(covered at the end of the prior fiscal year). English headers work too. Without a 全国 row the nation
is the sum of the prefectures when all 47 are present.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.errors import DataError
from loaders.importers.common import RegionResolver, check_duplicates, find_column, parse_value, parse_year, read_table

COLUMNS = {
    "new_establishments": ["new", "新規成立", "新規適用事業所数", "新規成立事業所数", "成立"],
    "closed_establishments": ["closed", "廃止", "廃止事業所数", "廃止適用事業所数"],
    "covered_establishments_prev": ["base", "prior_year_end", "前年度末適用事業所数", "前年度末"],
}


def parse(path: Path, catalog: pd.DataFrame, resolver: RegionResolver, **_: object) -> pd.DataFrame:
    df = read_table(path)
    name = path.name
    c_pref = find_column(df, ["prefecture", "都道府県", "労働局", "region"], file=name, what="prefecture")
    c_year = find_column(df, ["year", "fiscal_year", "年度"], file=name, what="fiscal year")
    cols = {ind: find_column(df, aliases, file=name, what=ind) for ind, aliases in COLUMNS.items()}
    if df.empty:
        raise DataError("no data rows under the header", file=name)
    recs, rows = [], []
    for i, row in enumerate(df.to_dict("records")):
        rown = i + 2
        region = resolver.resolve(str(row[c_pref]).removesuffix("労働局"), file=name, row=rown, column=c_pref,
                                  levels=("nation", "prefecture"))
        year = parse_year(row[c_year], file=name, row=rown, column=c_year)
        values = {ind: parse_value(row[c], file=name, row=rown, column=c) for ind, c in cols.items()}
        for ind, v in values.items():
            if v < 0:
                raise DataError(f"a count cannot be negative ({v})", file=name, row=rown, column=cols[ind])
        if values["covered_establishments_prev"] == 0:
            raise DataError("the prior year-end base is 0, so no rate can be computed", file=name, row=rown,
                            column=cols["covered_establishments_prev"])
        recs.append(dict(region_code=region, year=year, **values))
        rows.append(rown)
    wide = pd.DataFrame(recs)
    check_duplicates(wide, ["region_code", "year"], file=name, rows=rows)
    for year, group in list(wide.groupby("year")):
        if "00" not in set(group["region_code"]) and len(group) == 47:
            nation = group[list(COLUMNS)].sum().to_dict()
            wide = pd.concat([wide, pd.DataFrame([dict(region_code="00", year=year, **nation)])])
    long = wide.melt(id_vars=["region_code", "year"], var_name="indicator_id", value_name="value")
    long["unit"] = "事業所"
    return long[["indicator_id", "region_code", "year", "value", "unit"]].reset_index(drop=True)
