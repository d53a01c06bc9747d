"""雇用保険事業年報: new and terminated covered establishments per prefecture with the prior
year-end base, from which the serving database derives opening and closing rates.

Accepted layout: one row per prefecture (and optionally 全国) and fiscal year, with columns for the
prefecture (name or code), 年度, 新規成立 (newly covered), 廃止 (ceased) and 前年度末適用事業所数
(covered at the end of the prior fiscal year). English headers work too. Without a 全国 row the nation
is the sum of the prefectures when all 47 are present.

The official workbooks are read as published (``read_workbooks``): the 年報 sheet 「第25表（１）」
(都道府県労働局別適用状況〔事業所関係〕: B = 保険関係新規成立事業所数, C = 保険関係消滅事業所数; row 7
全国計, rows 8–54 the prefectures in JIS order) and the previous March 月報 sheet 「第1表」 (D = 月末
適用事業所数; row 6 全国計, rows 7–53). 開業率 = openings ÷ covered at the previous March end × 100, the
中小企業白書 definition; column D of the 年報 (年度月平均) is not that denominator.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.errors import DataError
from loaders.importers.common import (
    RegionResolver,
    cell_name,
    check_duplicates,
    compact,
    era_year,
    find_column,
    parse_value,
    parse_year,
    read_table,
    sheet_names,
    sheet_rows,
    split_unit,
)

ANNUAL_SHEET = "第25表（１）"
MARCH_SHEET = "第1表"
# JIS order, as the labour-bureau rows of both workbooks run.
PREFECTURES = ("北海道", "青森", "岩手", "宮城", "秋田", "山形", "福島", "茨城", "栃木",
               "群馬", "埼玉", "千葉", "東京", "神奈川", "新潟", "富山", "石川", "福井",
               "山梨", "長野", "岐阜", "静岡", "愛知", "三重", "滋賀", "京都", "大阪", "兵庫",
               "奈良", "和歌山", "鳥取", "島根", "岡山", "広島", "山口", "徳島", "香川",
               "愛媛", "高知", "福岡", "佐賀", "長崎", "熊本", "大分", "宮崎", "鹿児島",
               "沖縄")

COLUMNS = {
    "new_establishments": ["new", "新規成立", "新規適用事業所数", "新規成立事業所数", "成立"],
    "closed_establishments": ["closed", "廃止", "廃止事業所数", "廃止適用事業所数"],
    "covered_establishments_prev": ["base", "prior_year_end", "前年度末適用事業所数", "前年度末"],
}


def parse(path: Path, catalog: pd.DataFrame, resolver: RegionResolver, **_: object) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        kind = workbook_kind(path)
        if kind:
            other = "the previous March 月報 第1表" if kind == "annual" else "the 年報 第25表(1) of the fiscal year"
            raise DataError(f"this is the official {'年報' if kind == 'annual' else '月報'} workbook; the rates need "
                            f"{other} too: `chiiki import koyo ANNUAL.xlsx MARCH.xlsx` (or `chiiki fetch koyo`)",
                            file=path.name)
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


# --- the official workbooks as published ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Workbook:
    """One official workbook read: its fiscal year and per-region counts (region code → values)."""

    path: Path
    kind: str  # "annual" (年報 第25表(1)) or "march" (月報 第1表)
    fiscal_year: int  # annual: the FY; march: the FY that starts right after that March (令和4年3月 → 2022)
    values: dict[str, dict[str, float]]


def workbook_kind(path: Path) -> str | None:
    """"annual", "march" or None, from the sheet names."""
    names = {compact(n) for n in sheet_names(path)}
    if compact(ANNUAL_SHEET) in names:
        return "annual"
    if compact(MARCH_SHEET) in names:
        return "march"
    return None


def _cell(rows: list[list[object]], row: int, col: int) -> object:
    return rows[row - 1][col] if row - 1 < len(rows) else None


def _label(rows: list[list[object]], row: int) -> str:
    # The region label is in column A as published; merged or indented layouts put it in B or C.
    for col in range(3):
        text = compact(_cell(rows, row, col))
        if text and not isinstance(_cell(rows, row, col), int | float):
            return text
    return ""


def _expect(rows, row: int, col: int, words: tuple[str, ...], *, file: str, what: str) -> str:
    text = compact(_cell(rows, row, col))
    if not any(w in text for w in words):
        raise DataError(f"not the published layout of {what}: cell {cell_name(row, col)} should hold "
                        f"{' or '.join(words)}, found {text or '(empty)'!r}", file=file, row=row,
                        column=cell_name(row, col)[0])
    return text


def _factor(rows, row: int, col: int, *, file: str) -> int:
    """The unit cell (所) as a multiple; another unit is refused, so a table in 千所 is scaled, not misread."""
    text = compact(_cell(rows, row, col)).strip("()（）")
    multiple, base = split_unit(text)
    if base not in ("所", "事業所"):
        raise DataError(f"unit {text or '(empty)'!r} in cell {cell_name(row, col)} is not a count of establishments "
                        "(所); the rates need counts", file=file, row=row, column=cell_name(row, col)[0])
    return multiple


def _count(rows, row: int, col: int, *, file: str, factor: int) -> float:
    raw = _cell(rows, row, col)
    if isinstance(raw, bool) or raw is None or compact(raw) == "":
        raise DataError(f"cell {cell_name(row, col)} is empty; every prefecture needs a count", file=file, row=row,
                        column=cell_name(row, col)[0])
    if isinstance(raw, int | float):
        v = float(raw)
    else:
        text = compact(raw)
        if text in ("-", "－", "―", "…", "x", "X", "***", "*"):
            raise DataError(f"cell {cell_name(row, col)} holds the marker {text!r} (not published), not a count; "
                            "the rates need every prefecture", file=file, row=row, column=cell_name(row, col)[0])
        v = parse_value(text, file=file, row=row, column=cell_name(row, col)[0])
    if v < 0 or not float(v).is_integer():
        raise DataError(f"cell {cell_name(row, col)} = {raw!r} is not a count of establishments", file=file,
                        row=row, column=cell_name(row, col)[0])
    return v * factor


def _regions(rows, first: int, *, file: str, full_names: bool) -> list[tuple[int, str]]:
    """(sheet row, region code) for 全国計 and the 47 prefectures, checked against the published order."""
    found = _label(rows, first)
    if found not in ("全国計", "全国"):
        raise DataError(f"not the published layout: row {first} should be 全国計, found {found or '(empty)'!r}",
                        file=file, row=first, column="A")
    out = [(first, "00")]
    for i, short in enumerate(PREFECTURES):
        row = first + 1 + i
        text = _label(rows, row).removesuffix("労働局")
        names = {short, f"{short}{'都' if short == '東京' else '府' if short in ('京都', '大阪') else '県'}"}
        if short == "北海道":
            names = {"北海道"}
        if text not in names:
            want = max(names, key=len) if full_names else short
            raise DataError(f"not the published layout: row {row} should be {want} (prefecture {i + 1:02d} in JIS "
                            f"order), found {text or '(empty)'!r}", file=file, row=row, column="A")
        out.append((row, f"{i + 1:02d}"))
    return out


def _checked_sum(values: dict[str, dict[str, float]], key: str, label: str, *, file: str) -> None:
    total = sum(v[key] for code, v in values.items() if code != "00")
    if total != values["00"][key]:
        raise DataError(f"the 47 prefectures of {label} sum to {total:,.0f}, but 全国計 is {values['00'][key]:,.0f}; "
                        "the file is incomplete or not the published table", file=file)


def read_annual(path: Path) -> Workbook:
    """The 年報 第25表(1): openings and closures per prefecture in one fiscal year.

    Raises
    ------
    DataError
        No sheet 「第25表（１）」, a header cell or row that is not where the published layout has it
        (naming the cell and what it should hold), a unit other than 所, a cell that is not a count,
        or prefectures that do not sum to 全国計.
    """
    name = path.name
    rows = sheet_rows(path, ANNUAL_SHEET)
    if rows is None:
        raise DataError(f"no sheet 「{ANNUAL_SHEET}」: not the 雇用保険事業年報 第25表(1) workbook "
                        f"(sheets: {', '.join(sheet_names(path)) or 'none'})", file=name)
    what = "雇用保険事業年報 第25表(1)"
    _expect(rows, 2, 0, ("都道府県労働局別適用状況",), file=name, what=what)
    _expect(rows, 4, 1, ("新規成立",), file=name, what=what)
    _expect(rows, 4, 2, ("消滅",), file=name, what=what)
    fy_text = compact(_cell(rows, 3, 3))
    fy = era_year(fy_text)
    if fy is None and fy_text.removesuffix("年度").isdigit():
        fy = int(fy_text.removesuffix("年度"))
    if fy is None or "年度" not in fy_text:
        raise DataError(f"cell D3 should name the fiscal year (such as 2022年度 or 令和4年度), found {fy_text!r}",
                        file=name, row=3, column="D")
    f_new, f_closed = _factor(rows, 6, 1, file=name), _factor(rows, 6, 2, file=name)
    values = {code: {"new_establishments": _count(rows, r, 1, file=name, factor=f_new),
                     "closed_establishments": _count(rows, r, 2, file=name, factor=f_closed)}
              for r, code in _regions(rows, 7, file=name, full_names=False)}
    _checked_sum(values, "new_establishments", "保険関係新規成立事業所数 (column B)", file=name)
    _checked_sum(values, "closed_establishments", "保険関係消滅事業所数 (column C)", file=name)
    return Workbook(path, "annual", fy, values)


def read_march(path: Path) -> Workbook:
    """The 月報 第1表 of a March: covered establishments per prefecture at the month end.

    Raises
    ------
    DataError
        As ``read_annual``; also a month other than March in D3 (the denominator is the March end).
    """
    name = path.name
    rows = sheet_rows(path, MARCH_SHEET)
    if rows is None:
        raise DataError(f"no sheet 「{MARCH_SHEET}」: not the 雇用保険事業月報 第1表 workbook "
                        f"(sheets: {', '.join(sheet_names(path)) or 'none'})", file=name)
    month_text = compact(_cell(rows, 3, 3)).strip("-－ー")
    year = era_year(month_text)
    month = month_text.split("年", 1)[1].removesuffix("月") if "年" in month_text else ""
    if year is None and month_text.split("年", 1)[0].isdigit():
        year = int(month_text.split("年", 1)[0])
    if year is None or not month.isdigit():
        raise DataError(f"cell D3 should name the month (such as -令和4年3月-), found {month_text!r}", file=name,
                        row=3, column="D")
    if int(month) != 3:
        raise DataError(f"this 月報 is for month {int(month)} ({month_text}); the rates need the March end of the "
                        "previous fiscal year (3月)", file=name, row=3, column="D")
    _expect(rows, 4, 3, ("月末適用事業所数",), file=name, what="雇用保険事業月報 第1表")
    factor = _factor(rows, 5, 3, file=name)
    values = {code: {"covered_establishments_prev": _count(rows, r, 3, file=name, factor=factor)}
              for r, code in _regions(rows, 6, file=name, full_names=True)}
    _checked_sum(values, "covered_establishments_prev", "月末適用事業所数 (column D)", file=name)
    # March of year Y closes FY Y−1, so it is the base of FY Y.
    return Workbook(path, "march", year, values)


def read_workbooks(paths: list[Path]) -> pd.DataFrame:
    """Official 年報/月報 workbooks (any order) as one row per region and fiscal year.

    Columns: region_code, year, new_establishments, closed_establishments, covered_establishments_prev.
    Each 年報 of FY Y is paired with the 月報 of March Y (the end of FY Y−1).

    Raises
    ------
    DataError
        A file that is neither workbook, two files for the same fiscal year, or a 年報 without its
        March 月報 (or the reverse), naming the file to add.
    """
    annual: dict[int, Workbook] = {}
    march: dict[int, Workbook] = {}
    for p in map(Path, paths):
        kind = workbook_kind(p)
        if kind is None:
            raise DataError(f"neither the 年報 (sheet 「{ANNUAL_SHEET}」) nor the 月報 (sheet 「{MARCH_SHEET}」) "
                            f"workbook (sheets: {', '.join(sheet_names(p)) or 'none, or not a workbook'})",
                            file=p.name)
        wb = read_annual(p) if kind == "annual" else read_march(p)
        seen = annual if kind == "annual" else march
        if wb.fiscal_year in seen:
            raise DataError(f"two workbooks for FY{wb.fiscal_year}: {seen[wb.fiscal_year].path.name} and {p.name}",
                            file=p.name)
        seen[wb.fiscal_year] = wb
    for fy, wb in sorted(annual.items()):
        if fy not in march:
            raise DataError(f"the 年報 for FY{fy} needs the 月報 第1表 of March {fy} (令和{fy - 2018}年3月), the "
                            "previous fiscal year's end, as the denominator", file=wb.path.name)
    for fy, wb in sorted(march.items()):
        if fy not in annual:
            raise DataError(f"the March {fy} 月報 is the base of FY{fy}, but no 年報 第25表(1) for FY{fy} was given",
                            file=wb.path.name)
    if not annual:
        raise DataError("no workbooks given")
    recs = [dict(region_code=code, year=fy, **annual[fy].values[code], **march[fy].values[code])
            for fy in sorted(annual) for code in annual[fy].values]
    return pd.DataFrame(recs)


def tidy_csv(wide: pd.DataFrame) -> bytes:
    """``read_workbooks`` rows in this importer's table layout, for the ordinary import path."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["都道府県", "年度", "新規成立", "廃止", "前年度末適用事業所数"])
    for r in wide.itertuples():
        w.writerow([r.region_code, r.year, int(r.new_establishments), int(r.closed_establishments),
                    int(r.covered_establishments_prev)])
    return buf.getvalue().encode("utf-8")


def import_workbooks(paths: list[Path], *, source: str | None = None, replace_official: bool = False,
                     keep: Path | None = None) -> str:
    """Read the official workbooks, then import every fiscal year in one transaction; returns the report.

    The counts go through the ordinary import path as a table in this importer's layout (so the
    official-figure guard, the import log and the atomic write are the same as for any import); the
    import log names that table and its source note names each workbook with its sha256. With
    ``keep``, the derived table is kept there (the import log points at it).

    Raises
    ------
    DataError
        Everything ``read_workbooks`` and ``run_import`` refuse; nothing is written then.
    """
    import shutil
    import tempfile

    from loaders.build import sha256
    from loaders.importers import run_import
    from loaders.store import user_dir

    paths = [Path(p) for p in paths]
    wide = read_workbooks(paths)
    years = sorted(set(wide["year"]))
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
    files = "; ".join(f"{p.name} sha256 {sha256(p)}" for p in paths)
    note = f"雇用保険事業年報 第25表(1) ÷ 前年度末 月報 第1表: {files}" + (f"; {source}" if source else "")
    work = Path(tempfile.mkdtemp(prefix=".koyo-", dir=user_dir()))
    try:
        table = work / f"koyo_FY{span}.csv"
        table.write_bytes(tidy_csv(wide))
        report = run_import("koyo", table, source=note, replace_official=replace_official)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.move(str(table), keep / table.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    nation = wide[wide["region_code"] == "00"].set_index("year")
    rates = ", ".join(f"FY{y} 開業率 {r.new_establishments / r.covered_establishments_prev * 100:.1f}% "
                      f"廃業率 {r.closed_establishments / r.covered_establishments_prev * 100:.1f}%"
                      for y, r in nation.iterrows())
    return f"{report}; 全国: {rates}"
