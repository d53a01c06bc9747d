"""What every importer shares: reading tables, resolving regions, validating rows."""

from __future__ import annotations

import difflib
import math
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from loaders.errors import DataError

MAX_BYTES = 50 * 1024 * 1024  # an official table for 47 prefectures is far smaller; refuse runaways
MAX_ROWS = 500_000


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
    if not path.is_file():
        raise DataError("file not found", file=str(path))
    size = path.stat().st_size
    if size == 0:
        raise DataError("file is empty", file=path.name)
    if size > MAX_BYTES:
        raise DataError(f"file is {size:,} bytes; the limit is {MAX_BYTES:,}", file=path.name)


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (UTF-8 or Shift_JIS) or Excel sheet as strings, header on the first row."""
    check_size(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, dtype=str, engine="openpyxl")
        elif suffix == ".xls":
            # pandas 3 deprecates xlrd for the old binary format; calamine reads it when installed.
            import importlib.util

            engine = "calamine" if importlib.util.find_spec("python_calamine") else "xlrd"
            df = pd.read_excel(path, dtype=str, engine=engine)
        else:
            import io

            df = pd.read_csv(io.StringIO(read_text(path)), dtype=str, keep_default_na=False)
    except DataError:
        raise
    except Exception as exc:  # pandas raises many types for malformed files; all mean "cannot parse"
        raise DataError(f"cannot parse as a table: {exc}", file=path.name) from None
    if len(df) > MAX_ROWS:
        raise DataError(f"{len(df):,} rows; the limit is {MAX_ROWS:,}", file=path.name)
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
    t = normalise(text).removesuffix("年度").removesuffix("年").removeprefix("FY").strip()
    if t.endswith(".0"):
        t = t[:-2]
    if not (t.isdigit() and 1900 <= int(t) <= 2100):
        raise DataError(f"expected a year such as 2021, found {text!r}", file=file, row=row, column=column)
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


def check_duplicates(df: pd.DataFrame, keys: list[str], *, file: str, rows: list[int]) -> None:
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        idx = [i for i, d in enumerate(dup) if d][:2]
        raise DataError(f"duplicate rows for the same {', '.join(keys)}: rows {rows[idx[0]]} and "
                        f"{rows[idx[1]]}", file=file, row=rows[idx[1]])
