"""SSDSE (教育用標準データセット, 独立行政法人統計センター) files: E, B and A.

Layouts, as NSTAC publishes them (cp932 CSV, or xlsx for SSDSE-E-2025):

* SSDSE-E (prefectures, one edition = one cross-section): row 1 item codes, row 2 the reference
  year of each item, row 3 Japanese names, then 全国 + 47 prefecture rows.
* SSDSE-B (prefecture time series): row 1 codes, row 2 names; column 0 is the year of each row.
* SSDSE-A (municipalities): like E, with a municipality name column; 1,741 rows.

Every reader returns a :class:`SsdseTable` in long form so the build can treat all editions alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.errors import DataError

# Markers Japanese statistical tables use for "not available" or "suppressed"; they are missing
# values, not errors. Anything else that is not a number is an error.
MISSING_MARKERS = frozenset({"", "-", "－", "―", "…", "...", "x", "X", "***", "*", "nan"})

_EDITION_RE = re.compile(r"^SSDSE-([ABE])-(\d{4}(?:v\d+)?)$")
_REGION_RE = re.compile(r"^R(\d{5})$")


@dataclass(frozen=True)
class SsdseTable:
    """One SSDSE file in long form.

    Attributes
    ----------
    dataset_id : str
        e.g. ``ssdse-e-2024``.
    kind : str
        ``A``, ``B`` or ``E``.
    edition : str
        e.g. ``2024`` or ``2022v2``.
    items : DataFrame
        code, name_ja, in file order.
    values : DataFrame
        item, region_code, year, value (float); missing cells are dropped.
    regions : DataFrame
        region_code, name_ja, prefecture_name (as written in the file).
    """

    dataset_id: str
    kind: str
    edition: str
    items: pd.DataFrame
    values: pd.DataFrame
    regions: pd.DataFrame


def region_code_from_ssdse(raw: str, *, file: str, row: int) -> str:
    """``R00000`` → ``00``; ``R13000`` → ``13``; ``R01100`` → ``01100``."""
    m = _REGION_RE.match(str(raw).strip())
    if not m:
        raise DataError(f"expected a region code like R01000, found {raw!r}", file=file, row=row,
                        column="地域コード")
    digits = m.group(1)
    return digits[:2] if digits.endswith("000") else digits


def _read_grid(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path, header=None, dtype=str)
    return pd.read_csv(path, header=None, dtype=str, encoding="cp932", keep_default_na=False)


def read_ssdse(path: Path) -> SsdseTable:
    """Read any SSDSE-A/B/E file; the kind and edition come from its first cell."""
    path = Path(path)
    name = path.name
    try:
        grid = _read_grid(path)
    except UnicodeDecodeError as exc:
        raise DataError(f"not a Shift_JIS (cp932) SSDSE file: {exc}", file=name) from None
    grid = grid.fillna("")
    if grid.empty:
        raise DataError("file is empty", file=name)
    m = _EDITION_RE.match(str(grid.iat[0, 0]).strip())
    if not m:
        raise DataError(f"first cell should name the edition (e.g. SSDSE-E-2024), found {grid.iat[0, 0]!r}",
                        file=name, row=1)
    kind, edition = m.group(1), m.group(2)
    if kind == "B":
        return _read_b(grid, name, edition)
    return _read_ae(grid, name, kind, edition)


def _read_ae(grid: pd.DataFrame, name: str, kind: str, edition: str) -> SsdseTable:
    codes = [str(c).strip() for c in grid.iloc[0]]
    years = [str(c).strip() for c in grid.iloc[1]]
    names = [str(c).strip() for c in grid.iloc[2]]
    first_item = 3 if kind == "A" else 2
    if kind == "A" and codes[1:3] != ["Prefecture", "Municipality"]:
        raise DataError("SSDSE-A columns 2-3 should be Prefecture, Municipality", file=name, row=1)
    if kind == "E" and codes[1].lower() != "prefecture":
        raise DataError("SSDSE-E column 2 should be Prefecture", file=name, row=1)
    items = pd.DataFrame({"code": codes[first_item:], "name_ja": names[first_item:]})
    if items["code"].duplicated().any():
        dup = items.loc[items["code"].duplicated(), "code"].iloc[0]
        raise DataError(f"item code {dup} appears twice", file=name, row=1)
    item_years = {}
    for col in range(first_item, len(codes)):
        if not years[col].isdigit():
            raise DataError(f"expected the item's reference year, found {years[col]!r}", file=name, row=2,
                            column=codes[col])
        item_years[codes[col]] = int(years[col])

    body = grid.iloc[3:]
    body = body[body.iloc[:, 0].astype(str).str.strip() != ""]
    regions = [region_code_from_ssdse(r, file=name, row=i + 1)
               for i, r in zip(body.index, body.iloc[:, 0], strict=True)]
    pref_names = body.iloc[:, 1].astype(str).str.strip().tolist()
    local_names = body.iloc[:, 2].astype(str).str.strip().tolist() if kind == "A" else pref_names
    region_rows = list(zip(regions, local_names, pref_names, strict=True))
    cells = body.iloc[:, first_item:]
    cells.columns = codes[first_item:]
    cells.index = pd.Index(regions, name="region_code")
    values = numeric_long(cells, file=name, row_numbers=[i + 1 for i in body.index])
    values["year"] = values["item"].map(item_years).astype("int32")
    return _table(kind, edition, items, values, region_rows, name)


def numeric_long(cells: pd.DataFrame, *, file: str, row_numbers: list[int]) -> pd.DataFrame:
    """Wide text cells (index = region code, columns = item) to long item, region_code, value.

    Missing markers become dropped rows; the first cell that is neither a number nor a marker
    raises :class:`DataError` naming its file row and column.
    """
    text = cells.astype(str).apply(lambda c: c.str.strip().str.replace(",", "", regex=False))
    numbers = text.apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna() & ~text.isin(MISSING_MARKERS)
    if bad.to_numpy().any():
        r, c = map(int, next(zip(*bad.to_numpy().nonzero(), strict=True)))
        raise DataError(f"expected a number, found {cells.iat[r, c]!r}", file=file, row=row_numbers[r],
                        column=str(cells.columns[c]))
    numbers.columns.name = "item"
    long = numbers.stack(future_stack=True).dropna().rename("value").reset_index()
    long.columns = ["region_code", "item", "value"]
    return long[["item", "region_code", "value"]]


def _read_b(grid: pd.DataFrame, name: str, edition: str) -> SsdseTable:
    codes = [str(c).strip() for c in grid.iloc[0]]
    names = [str(c).strip() for c in grid.iloc[1]]
    if codes[1:3] != ["Code", "Prefecture"]:
        raise DataError("SSDSE-B columns 2-3 should be Code, Prefecture", file=name, row=1)
    items = pd.DataFrame({"code": codes[3:], "name_ja": names[3:]})
    body = grid.iloc[2:]
    body = body[body.iloc[:, 0].astype(str).str.strip() != ""]
    row_numbers = [i + 1 for i in body.index]
    years = []
    for rn, y in zip(row_numbers, body.iloc[:, 0].astype(str).str.strip(), strict=True):
        if not y.isdigit():
            raise DataError(f"expected a year, found {y!r}", file=name, row=rn, column="年度")
        years.append(int(y))
    regions = [region_code_from_ssdse(r, file=name, row=rn)
               for rn, r in zip(row_numbers, body.iloc[:, 1], strict=True)]
    names = body.iloc[:, 2].astype(str).str.strip().tolist()
    region_rows = list(zip(regions, names, names, strict=True))
    cells = body.iloc[:, 3:]
    cells.columns = codes[3:]
    keys = [f"{r}|{y}" for r, y in zip(regions, years, strict=True)]
    cells.index = pd.Index(keys)
    values = numeric_long(cells, file=name, row_numbers=row_numbers)
    split = values["region_code"].str.split("|", expand=True)
    values["region_code"] = split[0]
    values["year"] = split[1].astype("int32")
    return _table("B", edition, items, values, region_rows, name)


def _table(kind: str, edition: str, items: pd.DataFrame, values: pd.DataFrame, region_rows: list,
           name: str) -> SsdseTable:
    values = values[["item", "region_code", "year", "value"]].reset_index(drop=True)
    if values.duplicated(["item", "region_code", "year"]).any():
        dup = values[values.duplicated(["item", "region_code", "year"])].iloc[0]
        raise DataError(f"region {dup.region_code} appears twice for {dup.year}", file=name)
    regions = (pd.DataFrame(region_rows, columns=["region_code", "name_ja", "prefecture_name"])
               .drop_duplicates("region_code").reset_index(drop=True))
    return SsdseTable(dataset_id=f"ssdse-{kind.lower()}-{edition}", kind=kind, edition=edition,
                      items=items, values=values, regions=regions)
