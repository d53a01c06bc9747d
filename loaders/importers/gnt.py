"""A Global Niche Top (GNT) firm list: firm, address or prefecture, edition, product → firms per prefecture.

METI publishes each edition (2014, 2020) as a list — firm, head-office location, product, sector —
and regional bureaus republish their part; none is machine-readable, so a user's table is accepted in
any of the forms such a list takes:

* columns found by name (firm: 企業名/会社名/firm …; location: 所在地/本社所在地/住所/都道府県/address …;
  edition: 版/選定年/年度/edition …; product, optional: 製品名/GNT製品/product …); the header may sit
  below title rows, and without an edition column the edition is read from the title (「2020年版」);
* the location as a prefecture (東京都, 東京, Tokyo, 13) or an address. An address that starts with a
  prefecture name gives that prefecture (東京都大田区… → 13, 大阪府… → 27). One without it is placed by
  its municipality when that name exists in one prefecture only (浜松市… → 22, 上川郡東川町… → 01); a
  municipality name found in several prefectures (府中市, 伊達市) or a bare ward name (中央区, 港区:
  wards repeat across cities) is refused with the reason, naming the row;
* the edition as 2020, 2020年版, 令和2年 or FY2020.

Counting: a firm counts once per edition. Rows are the same firm when their names agree after NFKC
and with the legal form (株式会社, (株), 有限会社 …) and spaces removed; a firm listed for two products in
one edition is one firm in that edition, and a firm selected in both editions counts once in each.
The same firm at two different prefectures in one edition is refused (a firm has one head office).

The list of an edition is complete, so a prefecture with no firm in it has a true count of 0,
and the nation is the sum of the 47.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

from loaders.errors import DataError
from loaders.importers.common import RegionResolver, era_year, normalise, read_table

FIRM = ["firm", "company", "企業名", "会社名", "企業名称", "社名", "選定企業", "選定企業名"]
LOCATION = ["prefecture", "address", "location", "都道府県", "都道府県名", "本社所在地", "所在地", "住所",
            "本社所在都道府県", "所在都道府県", "本社住所"]
EDITION = ["edition", "year", "版", "選定年", "選定年度", "年度", "年版", "選定版"]
PRODUCT = ["product", "products", "製品", "製品名", "GNT製品", "主な製品", "対象製品", "製品・サービス",
           "GNT製品・サービス"]

_LEGAL = re.compile(r"株式会社|有限会社|合同会社|合資会社|合名会社|\(株\)|\(有\)|\(同\)|"
                    r"co\.?,?\s*ltd\.?|inc\.?|corporation|corp\.?|k\.k\.", re.IGNORECASE)
_PREFECTURE_PREFIX = re.compile(r"^(北海道|東京都|京都府|大阪府|.{2,3}県)")
_HEADER_SEARCH_ROWS = 15


def firm_key(name: str) -> str:
    """The firm's name as compared across rows.

    >>> firm_key("株式会社 架空精機") == firm_key("架空精機㈱") == firm_key("架空精機（株）")
    True
    """
    t = unicodedata.normalize("NFKC", str(name))
    return "".join(_LEGAL.sub("", t).split()).lower()


def parse_edition(text: str, *, file: str, row: int | None, column: str | None) -> int:
    """2020, 2020年版, 令和2年, FY2020 → 2020; DataError naming the cell otherwise."""
    year = era_year(str(text))
    if year is not None:
        return year
    m = re.search(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)", normalise(text))
    if not m:
        raise DataError(f"expected an edition such as 2020 or 2020年版, found {text!r}", file=file, row=row,
                        column=column)
    return int(m.group(1))


@lru_cache(maxsize=4)
def _municipalities(regions_file: str) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    r = pd.read_parquet(regions_file, columns=["code", "level", "name_ja"])
    munis = r[r["level"] == "municipality"]
    by_name: dict[str, set[str]] = {}
    for code, name in zip(munis["code"], munis["name_ja"], strict=True):
        by_name.setdefault(name, set()).add(code[:2])
    prefs = r[r["level"] == "prefecture"]
    return ({k: tuple(sorted(v)) for k, v in by_name.items()},
            dict(zip(prefs["code"], prefs["name_ja"], strict=True)))


def _regions_file() -> str:
    from loaders.store import data_dir

    return str(data_dir() / "regions.parquet")


def locate(text: str, resolver: RegionResolver, *, file: str, row: int, column: str) -> str:
    """The prefecture code of a prefecture name or code, or of an address (see the module docstring)."""
    t = "".join(normalise(text).split())
    if not t:
        raise DataError("location is empty", file=file, row=row, column=column)
    try:
        return resolver.resolve(t, file=file, row=row, column=column, levels=("prefecture",))
    except DataError:
        pass
    m = _PREFECTURE_PREFIX.match(t)
    if m:
        try:
            return resolver.resolve(m.group(1), file=file, row=row, column=column, levels=("prefecture",))
        except DataError:
            pass
    munis, pref_names = _municipalities(_regions_file())
    for candidate in (t, re.sub(r"^.+?郡", "", t)):
        names = [n for n in munis if candidate.startswith(n)]
        if not names:
            continue
        name = max(names, key=len)
        if name.endswith("区"):
            raise DataError(f"address {text!r} starts with a ward name ({name}), and ward names repeat across "
                            "cities (中央区, 港区, 北区 …); write the prefecture or the city in front",
                            file=file, row=row, column=column)
        prefs = munis[name]
        if len(prefs) > 1:
            raise DataError(f"address {text!r}: {name} exists in more than one prefecture "
                            f"({', '.join(pref_names[p] for p in prefs)}); write the prefecture in front",
                            file=file, row=row, column=column)
        return prefs[0]
    raise DataError(f"cannot place {text!r}: neither a prefecture nor an address that starts with a prefecture "
                    "or a municipality name", file=file, row=row, column=column)


def _find(columns: list[str], aliases: list[str]) -> str | None:
    lower = {"".join(c.split()).lower(): c for c in columns}
    for a in aliases:
        if a.lower() in lower:
            return lower[a.lower()]
    return None


def _with_header(df: pd.DataFrame, name: str) -> tuple[pd.DataFrame, str, int]:
    """The table under its real header row, the title text above it and the file row of the first data row."""
    if _find(list(df.columns), FIRM):
        return df, "", 2
    title = [c for c in df.columns if not str(c).startswith("Unnamed")]
    for i in range(min(_HEADER_SEARCH_ROWS, len(df))):
        cells = [normalise(v) for v in df.iloc[i].tolist()]
        if _find(cells, FIRM):
            body = df.iloc[i + 1:].copy()
            seen: set[str] = set()
            names = []
            for j, c in enumerate(cells):    # empty or repeated header cells get their position as a name
                names.append(c if c and c not in seen else f"column {j + 1}")
                seen.add(c)
            body.columns = names
            return body.reset_index(drop=True), " ".join(title), i + 3
        title += [c for c in cells if c]
    raise DataError(f"missing column for firm; expected one of: {', '.join(FIRM)}; found: {', '.join(df.columns)}",
                    file=name, row=1)


def parse(path: Path, catalog: pd.DataFrame, resolver: RegionResolver, **_: object) -> pd.DataFrame:
    name = path.name
    df, title, first_row = _with_header(read_table(path), name)
    c_firm = _find(list(df.columns), FIRM)
    c_loc = _find(list(df.columns), LOCATION)
    if c_loc is None:
        raise DataError(f"missing column for the location; expected one of: {', '.join(LOCATION)}; found: "
                        f"{', '.join(df.columns)}", file=name, row=first_row - 1)
    c_ed = _find(list(df.columns), EDITION)
    title_edition = None
    if c_ed is None:
        if not title:
            raise DataError(f"no edition: give a column ({', '.join(EDITION)}) or a title such as "
                            "「グローバルニッチトップ企業100選（2020年版）」 above the header", file=name, row=1)
        title_edition = parse_edition(title, file=name, row=1, column=None)
    c_prod = _find(list(df.columns), PRODUCT)
    firms: dict[tuple[int, str], tuple[str, int]] = {}
    for i, row in enumerate(df.to_dict("records")):
        rown = first_row + i
        filled = [v for v in row.values() if normalise(v)]
        if len(filled) < 2:     # blank lines, section headings (【機械・加工部門】) and notes (※…)
            continue
        firm = normalise(row[c_firm])
        if not firm:
            raise DataError("firm name is empty", file=name, row=rown, column=c_firm)
        pref = locate(row[c_loc], resolver, file=name, row=rown, column=c_loc)
        year = title_edition if c_ed is None else parse_edition(row[c_ed], file=name, row=rown, column=c_ed)
        key = (year, firm_key(firm))
        if key in firms and firms[key][0] != pref:
            product = f" (product {normalise(row[c_prod])!r})" if c_prod and normalise(row[c_prod]) else ""
            raise DataError(f"duplicate rows for the same firm, year with different prefectures: rows {firms[key][1]} "
                            f"and {rown}{product}; a firm has one head office", file=name, row=rown)
        firms.setdefault(key, (pref, rown))
    if not firms:
        raise DataError("no firms listed under the header", file=name)
    counted = pd.DataFrame([dict(year=y, region_code=p) for (y, _), (p, _) in firms.items()])
    prefs = [f"{i:02d}" for i in range(1, 48)]
    out = []
    for year, group in counted.groupby("year"):
        counts = group["region_code"].value_counts()
        out += [dict(indicator_id="gnt_firms", region_code=p, year=int(year), value=float(counts.get(p, 0)),
                     unit="社") for p in prefs]
        out.append(dict(indicator_id="gnt_firms", region_code="00", year=int(year), value=float(len(group)),
                        unit="社"))
    return pd.DataFrame(out)
