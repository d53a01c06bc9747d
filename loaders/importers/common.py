"""What every importer shares: reading tables, resolving regions, validating rows."""

from __future__ import annotations

import csv
import difflib
import io
import math
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pandas as pd

from loaders.errors import DataError

MAX_BYTES = 50 * 1024 * 1024  # an official table for 47 prefectures is far smaller; refuse runaways
MAX_ROWS = 500_000
# The widest accepted layout, an e-Stat CSV, has a code and a name column per dimension plus unit, value
# and annotation: about 30 for a table with a dozen dimensions. A wider file is not one of ours.
MAX_COLUMNS = 200

# Japanese multiples a published unit may carry in front of the catalog's unit (千人, 百万円, 億円…).
UNIT_MULTIPLES = {"十": 10, "百": 10**2, "千": 10**3, "万": 10**4, "十万": 10**5, "百万": 10**6,
                  "千万": 10**7, "億": 10**8, "十億": 10**9, "百億": 10**10, "千億": 10**11, "兆": 10**12}


def read_text(path: Path) -> str:
    """File text as UTF-8 (with or without BOM), UTF-16 with a BOM, or Shift_JIS (cp932)."""
    data = path.read_bytes()
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp932")
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:   # UTF-16 without a BOM or a binary file decodes "successfully" into garbage
            break
        return text
    raise DataError("cannot read the text: it is neither UTF-8 nor Shift_JIS (cp932) nor UTF-16 with a BOM",
                    file=path.name)


def check_size(path: Path) -> None:
    """Refuse a missing, empty or oversized file before anything reads it.

    Raises
    ------
    DataError
        The file is missing, empty, or larger than ``MAX_BYTES`` (the message gives both sizes).
    """
    if not path.is_file():
        raise DataError("file not found", file=str(path))
    size = path.stat().st_size
    if size == 0:
        raise DataError("file is empty", file=path.name)
    if size > MAX_BYTES:
        raise DataError(f"file is {size:,} bytes; the limit is {MAX_BYTES:,}", file=path.name)


def check_shape(name: str, rows: int, columns: int, *, at_least: bool = False) -> None:
    """Refuse a table with more than ``MAX_ROWS`` data rows or ``MAX_COLUMNS`` columns.

    Parameters
    ----------
    name
        File name for the message.
    rows, columns
        The counts found (data rows, not counting the header).
    at_least
        The counts are lower bounds (reading stopped at the limit).

    Raises
    ------
    DataError
        Naming the file, the count found and the limit, so the user knows how far to cut the file.
    """
    more = "more than " if at_least else ""
    if columns > MAX_COLUMNS:
        raise DataError(f"too many columns: {more}{columns:,}; the limit is {MAX_COLUMNS:,} columns", file=name)
    if rows > MAX_ROWS:
        raise DataError(f"too many rows: {more}{rows:,} data rows; the limit is {MAX_ROWS:,} rows", file=name)


def csv_shape(text: str, name: str) -> tuple[int, int]:
    """Data rows (non-blank records after the header) and the widest record of a CSV text."""
    rows, width = -1, 0
    try:
        for record in csv.reader(io.StringIO(text, newline="")):
            if not any(c.strip() for c in record):
                continue
            rows += 1
            width = max(width, len(record))
    except csv.Error as exc:
        raise DataError(f"cannot parse as CSV: {exc}", file=name) from None
    return max(rows, 0), width


def _check_xlsx_shape(path: Path) -> None:
    # pandas materialises the whole sheet before any limit can be applied, and a 50 MB workbook can
    # unzip to far more; stream the first sheet the way pandas reads it (trailing empty cells and rows
    # trimmed) and stop at the first row past a limit.
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception:  # not a workbook openpyxl can open: pandas reports it below with its own message
        return
    try:
        if not book.worksheets:
            return
        sheet = book.worksheets[0]
        declared = sheet.max_row
        sheet.reset_dimensions()
        rows_with_data = 0
        for seen, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            width = len(row)
            while width and row[width - 1] in (None, ""):
                width -= 1
            if width > MAX_COLUMNS:
                raise DataError(f"too many columns: row {seen} has {width:,}; the limit is {MAX_COLUMNS:,} "
                                "columns", file=path.name)
            if width:
                rows_with_data = seen
            if rows_with_data - 1 > MAX_ROWS:
                count = f"{declared - 1:,}" if declared and declared - 1 > MAX_ROWS else f"more than {MAX_ROWS:,}"
                raise DataError(f"too many rows: {count} data rows; the limit is {MAX_ROWS:,} rows",
                                file=path.name)
    finally:
        book.close()


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (UTF-8 or Shift_JIS) or Excel sheet as strings, header on the first row.

    Raises
    ------
    DataError
        The file is too large (bytes, rows or columns: see ``check_size`` and ``check_shape``; the
        limits are checked before the whole table is built), cannot be decoded, or is not a table.
    """
    check_size(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            _check_xlsx_shape(path)
            df = pd.read_excel(path, dtype=str, engine="openpyxl")
        elif suffix == ".xls":
            # pandas 3 deprecates xlrd for the old binary format; calamine reads it when installed.
            import importlib.util

            engine = "calamine" if importlib.util.find_spec("python_calamine") else "xlrd"
            df = pd.read_excel(path, dtype=str, engine=engine)
        else:
            text = read_text(path)
            check_shape(path.name, *csv_shape(text, path.name))
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except DataError:
        raise
    except Exception as exc:  # pandas raises many types for malformed files; all mean "cannot parse"
        raise DataError(f"cannot parse as a table: {exc}", file=path.name) from None
    # Again on the frame: the old .xls format is read whole (its own format caps it at 65,536 × 256).
    check_shape(path.name, len(df), len(df.columns))
    df.columns = [normalise(str(c)) for c in df.columns]
    return df.fillna("")


def normalise(text: str) -> str:
    """NFKC, trimmed: full-width digits and spaces become ASCII."""
    return unicodedata.normalize("NFKC", str(text)).strip()


def find_column(df: pd.DataFrame, aliases: Iterable[str], *, file: str, what: str) -> str:
    """The first column whose name matches one of ``aliases`` (case-insensitive)."""
    lower = {c.lower(): c for c in df.columns}
    for a in aliases:
        if a.lower() in lower:
            return lower[a.lower()]
    raise DataError(f"missing column for {what}; expected one of: {', '.join(aliases)}; "
                    f"found: {', '.join(df.columns)}", file=file, row=1)


def parse_value(text: str, *, file: str, row: int, column: str) -> float:
    t = normalise(text).replace(",", "")
    try:
        v = float(t)
    except ValueError:
        raise DataError(f"expected a number, found {text!r}", file=file, row=row, column=column) from None
    if not math.isfinite(v):
        raise DataError(f"expected a finite number, found {text!r}", file=file, row=row, column=column)
    return v


def parse_year(text: str, *, file: str, row: int, column: str) -> int:
    """A year as 2021, 2021年, 2021年度, FY2021, or a Japanese era year (令和3年度, 平成30年, R3)."""
    year = era_year(str(text))
    if year is not None:
        return year
    t = normalise(text).removesuffix("年度").removesuffix("年").removeprefix("FY").strip()
    if t.endswith(".0"):
        t = t[:-2]
    if not (t.isdigit() and 1900 <= int(t) <= 2100):
        raise DataError(f"expected a year such as 2021 or 令和3年度, found {text!r}", file=file, row=row, column=column)
    return int(t)


class RegionResolver:
    """Region codes or names (Japanese, English, with or without 都/道/府/県) → region codes."""

    def __init__(self, regions: pd.DataFrame) -> None:
        self.codes = set(regions["code"])
        self.by_name: dict[str, str] = {}
        self.levels = dict(zip(regions["code"], regions["level"], strict=True))
        for r in regions.itertuples():
            if r.level not in ("nation", "prefecture"):
                continue
            names = {r.name_ja, str(r.name_en or "")}
            if r.level == "prefecture" and r.name_ja != "北海道":
                names.add(r.name_ja[:-1])  # 東京都 → 東京
            for n in names:
                if n:
                    self.by_name[n.lower()] = r.code
        self.by_name["japan"] = "00"
        self.by_name["全国計"] = "00"

    def resolve(self, text: str, *, file: str | None, row: int | None, column: str | None,
                levels: tuple[str, ...] = ("nation", "prefecture", "municipality")) -> str:
        t = normalise(text)
        code = None
        if t.upper().startswith("R") and t[1:].isdigit():
            t = t[1:]
        if t.isdigit():
            if len(t) in (1, 2):
                code = f"{int(t):02d}"
            elif len(t) == 5:
                code = t[:2] if t.endswith("000") else t
            elif len(t) == 6:  # 6-digit local government code with check digit
                code = t[:2] if t[2:5] == "000" else t[:5]
        else:
            code = self.by_name.get(t.lower())
        if code is None or code not in self.codes or self.levels.get(code) not in levels:
            names = [k for k in self.by_name if k.isascii() == t.isascii()]
            close = difflib.get_close_matches(t.lower(), names, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise DataError(f"unknown region {text!r}{hint}", file=file, row=row, column=column)
        return code


def split_unit(unit: str) -> tuple[int, str]:
    """A unit as (multiple, base): 千人 → (1000, 人), 百万円 → (10**6, 円), % → (1, %)."""
    u = normalise(unit).removeprefix("単位:").strip().strip("()[]").strip()
    for prefix in sorted(UNIT_MULTIPLES, key=len, reverse=True):
        if u.startswith(prefix) and len(u) > len(prefix):
            return UNIT_MULTIPLES[prefix], u[len(prefix):]
    return 1, u


def unit_factor(unit: str, catalog_unit: str) -> Decimal | None:
    """What a value in ``unit`` is multiplied by to be in ``catalog_unit``; None if they do not match.

    Only a power-of-ten multiple of the same base converts (千件 → 件 is × 1,000, 億円 → 百万円 × 100);
    anything else (人 for 件, 千円/人 for 円) is a different quantity, and guessing would load wrong
    figures, so the caller refuses it.
    """
    if normalise(unit) == normalise(catalog_unit):
        return Decimal(1)
    have, base = split_unit(unit)
    want, catalog_base = split_unit(catalog_unit)
    if not base or base != catalog_base:
        return None
    return Decimal(have) / Decimal(want)


def computed_reason(ind: str, catalog: pd.DataFrame) -> str | None:
    """Why ``ind`` cannot be imported (it is computed), naming what to import instead; None if it can.

    Derived indicators are ratios the serving database computes from their components, and location
    quotients are computed from the bundled industry table: an imported value would duplicate or
    contradict the computation.
    """
    rows = catalog[catalog["id"] == ind]
    if rows.empty:
        return None
    row = rows.iloc[0]
    kinds = dict(zip(catalog["id"], catalog["kind"], strict=True))
    if row["kind"] == "lq":
        return (f"{ind} is a location quotient computed from the bundled industry table ({row.get('numerator')} ÷ "
                f"{row.get('denominator')}), so it cannot be imported; there is no component to import for it")
    if row["kind"] != "derived":
        return None
    num, den = str(row.get("numerator")), str(row.get("denominator"))
    formula = f"{num} ÷ {den}"
    if ":" in num:  # a share of one industry: both parts are in the bundled industry table
        return (f"{ind} is computed from other indicators ({formula}, from the bundled industry table), so it "
                "cannot be imported; there is no component to import for it")
    importable = [c for c in (num, den) if kinds.get(c) == "import"]
    bundled = [c for c in (num, den) if kinds.get(c) != "import"]
    hows = dict(zip(catalog["id"], catalog["how_to_load"], strict=True)) if "how_to_load" in catalog else {}
    advice = []
    if importable:
        how = "; ".join(dict.fromkeys(str(hows[c]) for c in importable if hows.get(c)))
        advice.append(f"import {' and '.join(importable)} instead" + (f" with: {how}" if how else ""))
    if bundled:
        one = len(bundled) == 1
        advice.append(f"{' and '.join(bundled)} {'comes' if one else 'come'} from the bundled data (import "
                      f"{'it' if one else 'them'} only for regions or years {'it lacks' if one else 'they lack'}, "
                      "and the ratio follows)")
    return f"{ind} is computed from other indicators ({formula}), so it cannot be imported; {'; '.join(advice)}"


def check_duplicates(df: pd.DataFrame, keys: list[str], *, file: str, rows: list[int]) -> None:
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        idx = [i for i, d in enumerate(dup) if d][:2]
        raise DataError(f"duplicate rows for the same {', '.join(keys)}: rows {rows[idx[0]]} and "
                        f"{rows[idx[1]]}", file=file, row=rows[idx[1]])


# --- Japanese era years and official workbooks (issue 14) ----------------------------------------------------------

# First Gregorian year of each era: 令和元年 = 2019. Written forms in official tables: 令和4年度, 令和 4 年,
# R4, H30年, 平成元年.
ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "R": 2018, "H": 1988, "S": 1925}


def era_year(text: str) -> int | None:
    """The Gregorian year of a Japanese era year (令和4年度 → 2022, 平成元年 → 1989); None if it is not one.

    A fiscal year (年度) is named by the year it starts in, so 令和4年度 is FY2022 (April 2022 – March 2023).
    """
    t = "".join(normalise(text).split())
    for era, base in ERAS.items():
        if not t.upper().startswith(era):
            continue
        rest = t[len(era):]
        for suffix in ("年度", "年"):
            if suffix in rest:
                rest = rest[:rest.index(suffix)]
                break
        n = 1 if rest == "元" else int(rest) if rest.isdigit() else None
        if n is None or not 1 <= n <= 64:
            return None
        return base + n
    return None


def compact(text: object) -> str:
    """NFKC without any whitespace: labels in official sheets are spaced for print (北　海　道, 全 国 計)."""
    return "".join(normalise("" if text is None else str(text)).split())


def sheet_rows(path: Path, wanted: str, *, max_rows: int = 200, max_cols: int = 40) -> list[list[object]] | None:
    """The top-left cells of the sheet whose name is ``wanted`` (compared without spaces, NFKC), or None.

    Official workbooks are read as published: cells keep their types (numbers stay numbers) and the
    caller checks the header cells and row positions it expects. .xlsx is read with openpyxl, the
    old binary .xls with xlrd.

    Raises
    ------
    DataError
        The file is not a workbook either library can open.
    """
    check_size(path)
    want = compact(wanted)
    if path.suffix.lower() == ".xls":
        try:
            import xlrd

            book = xlrd.open_workbook(str(path), on_demand=True)
        except Exception as exc:  # xlrd raises its own types for a damaged file
            raise DataError(f"cannot open as an Excel workbook: {exc}", file=path.name) from None
        try:
            for name in book.sheet_names():
                if compact(name) == want:
                    sh = book.sheet_by_name(name)
                    return [[sh.cell_value(r, c) if c < sh.row_len(r) else None for c in range(max_cols)]
                            for r in range(min(sh.nrows, max_rows))]
            return None
        finally:
            book.release_resources()
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/… for files that are not xlsx
        raise DataError(f"cannot open as an Excel workbook (.xlsx): {exc}", file=path.name) from None
    try:
        for name in book.sheetnames:
            if compact(name) == want:
                rows = []
                for row in book[name].iter_rows(min_row=1, max_row=max_rows, max_col=max_cols, values_only=True):
                    rows.append(list(row) + [None] * (max_cols - len(row)))
                return rows
        return None
    finally:
        book.close()


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook (empty for a file that is not one)."""
    try:
        if path.suffix.lower() == ".xls":
            import xlrd

            return list(xlrd.open_workbook(str(path), on_demand=True).sheet_names())
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, keep_links=False)
        try:
            return list(book.sheetnames)
        finally:
            book.close()
    except Exception:  # not a workbook: the caller reads it as a table and reports that
        return []


def cell_name(row: int, col: int) -> str:
    """Spreadsheet address of a 1-based row and 0-based column: (4, 1) → B4."""
    return f"{chr(ord('A') + col)}{row}"
