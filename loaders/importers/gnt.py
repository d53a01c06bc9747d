"""A Global Niche Top (GNT) firm list: firm, prefecture, edition → firms per prefecture.

The list of an edition is complete, so a prefecture with no firm in it has a true count of 0,
and the nation is the sum of the 47.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.errors import DataError
from loaders.importers.common import RegionResolver, check_duplicates, find_column, normalise, parse_year, read_table


def parse(path: Path, catalog: pd.DataFrame, resolver: RegionResolver, **_: object) -> pd.DataFrame:
    df = read_table(path)
    name = path.name
    c_firm = find_column(df, ["firm", "company", "企業名", "会社名"], file=name, what="firm")
    c_pref = find_column(df, ["prefecture", "都道府県", "本社所在地", "所在地"], file=name, what="prefecture")
    c_ed = find_column(df, ["edition", "year", "版", "選定年"], file=name, what="edition")
    if df.empty:
        raise DataError("no firms listed under the header", file=name)
    recs, rows = [], []
    for i, row in enumerate(df.to_dict("records")):
        rown = i + 2
        firm = normalise(row[c_firm])
        if not firm:
            raise DataError("firm name is empty", file=name, row=rown, column=c_firm)
        recs.append(dict(firm=firm,
                         region_code=resolver.resolve(row[c_pref], file=name, row=rown, column=c_pref,
                                                      levels=("prefecture",)),
                         year=parse_year(row[c_ed], file=name, row=rown, column=c_ed)))
        rows.append(rown)
    firms = pd.DataFrame(recs)
    check_duplicates(firms, ["firm", "year"], file=name, rows=rows)
    prefs = [f"{i:02d}" for i in range(1, 48)]
    out = []
    for year, group in firms.groupby("year"):
        counts = group["region_code"].value_counts()
        out += [dict(indicator_id="gnt_firms", region_code=p, year=int(year), value=float(counts.get(p, 0)),
                     unit="社") for p in prefs]
        out.append(dict(indicator_id="gnt_firms", region_code="00", year=int(year), value=float(len(group)),
                        unit="社"))
    return pd.DataFrame(out)
