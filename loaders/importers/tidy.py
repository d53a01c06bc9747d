"""The tidy template: region, indicator_id, year, value, unit, source (one value per row)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from loaders.errors import DataError
from loaders.importers.common import (
    RegionResolver,
    check_duplicates,
    computed_reason,
    find_column,
    parse_value,
    parse_year,
    read_table,
)

TEMPLATE_COLUMNS = ["region", "indicator_id", "year", "value", "unit", "source"]


def parse(path: Path, catalog: pd.DataFrame, resolver: RegionResolver, **_: object) -> pd.DataFrame:
    """The tidy template as indicator_id, region_code, year, value, unit, row (the file's row).

    Raises
    ------
    DataError
        For the first bad cell (file, row, column): an unknown region, year or number; an unknown
        indicator or a computed one (derived or location quotient: its components are imported
        instead); a unit other than the catalog's; two rows for the same key.
    """
    df = read_table(path)
    name = path.name
    c_region = find_column(df, ["region", "region_code", "地域", "地域コード", "都道府県"], file=name,
                           what="region")
    c_ind = find_column(df, ["indicator_id", "indicator"], file=name, what="indicator id")
    c_year = find_column(df, ["year", "年", "年度"], file=name, what="year")
    c_value = find_column(df, ["value", "値"], file=name, what="value")
    c_unit = next((c for c in df.columns if c.lower() in ("unit", "単位")), None)
    if df.empty:
        raise DataError("no data rows under the header", file=name)
    units = dict(zip(catalog["id"], catalog["unit"], strict=True))
    out = []
    reasons: dict[str, str | None] = {}
    rows = []
    for i, row in enumerate(df.to_dict("records")):
        rown = i + 2  # file row: the header is row 1
        ind = str(row[c_ind]).strip()
        if ind not in units:
            close = difflib.get_close_matches(ind, list(units), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "; see `chiiki indicators`"
            raise DataError(f"unknown indicator {ind!r}{hint}", file=name, row=rown, column=c_ind)
        # Once per indicator, not per row: a 466,000-row file otherwise spends minutes here.
        if ind not in reasons:
            reasons[ind] = computed_reason(ind, catalog)
        reason = reasons[ind]
        if reason:
            raise DataError(reason, file=name, row=rown, column=c_ind)
        unit = str(row[c_unit]).strip() if c_unit else ""
        if unit and units[ind] and unit != units[ind]:
            raise DataError(f"unit {unit!r} differs from the catalog's {units[ind]!r} for {ind}; convert the "
                            f"values first", file=name, row=rown, column=c_unit)
        out.append(dict(
            indicator_id=ind,
            region_code=resolver.resolve(row[c_region], file=name, row=rown, column=c_region),
            year=parse_year(row[c_year], file=name, row=rown, column=c_year),
            value=parse_value(row[c_value], file=name, row=rown, column=c_value),
            unit=units[ind], row=rown))
        rows.append(rown)
    result = pd.DataFrame(out)
    check_duplicates(result, ["indicator_id", "region_code", "year"], file=name, rows=rows)
    return result
