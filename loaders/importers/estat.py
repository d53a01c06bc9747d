"""e-Stat tables: the API's getStatsData JSON, and the CSV e-Stat gives (API CSV or download).

A table has several dimensions (``tab``, ``cat01``…, ``area``, ``time``). A *mapping* says which
indicator the values are and pins every dimension except area and time to one code, e.g.
``{"indicator": "patent_registrations", "filters": {"cat01": "100"}}``. The catalog knows mappings
for some tables by statsDataId; ``--indicator``/``--mapping`` give or override one.

Special cells (``-``, ``…``, ``x``, ``***`` and those the table's NOTE lists) are missing values; the
import report says how many and why (the NOTE's or the download's explanation of the marker).

Downloads from the e-Stat web pages (統計表表示 → ダウンロード, CSV or Excel, with codes) are read as
downloaded: the header block (統計表ID, 統計名, 表題, notes) above the table is skipped, the table's
columns ``<dimension> コード`` / ``<dimension>`` / ``unit`` / ``value`` / ``annotation`` (or their
Japanese labels) are recognised, and dimensions are named as in the API: 表章項目 → ``tab``, the area
(地域, 都道府県…) → ``area``, the time axis (時間軸…) → ``time``, and the others ``cat01``, ``cat02``… in
column order. Time codes such as 2022100000 give the year; without one, a name such as 令和4年度 or
平成30年 is understood. Rows for 全国 are the national value; 特別区部 (13100, the 23 wards as one area),
その他 and foreign (外国) areas are skipped and the report says so.

Units: each value's unit (``@unit`` on the VALUE, else the unit of its class in CLASS_INF, or the
CSV's ``unit`` column) is converted to the catalog's when it is a multiple of it (千件 → 件 × 1,000)
and refused when it is another quantity. A file that is one page of a larger API response
(``RESULT_INF.NEXT_KEY``) is refused: ``chiiki fetch estat ID`` pages through and imports it whole.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd

from loaders.catalog import ESTAT_MAPPINGS
from loaders.errors import DataError
from loaders.importers import common
from loaders.importers.common import (
    RegionResolver,
    check_shape,
    check_size,
    computed_reason,
    era_year,
    normalise,
    parse_value,
    parse_year,
    read_text,
    unit_factor,
)
from loaders.ssdse import MISSING_MARKERS

# The mapping's keys and what each must be; anything else is a typo that would otherwise be ignored.
MAPPING_KEYS = {"indicator": "a catalog indicator id such as \"patent_applications\"",
                "filters": "an object of dimension → class code, such as {\"cat01\": \"100\"}",
                "area": "the name of the area dimension, such as \"area\"",
                "time": "the name of the time dimension, such as \"time\""}
MAPPING_EXAMPLE = '{"indicator": "patent_applications", "filters": {"cat01": "100"}}'
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "true/false", int: "a number",
               float: "a number", type(None): "null"}


def _json_type(x: object) -> str:
    return _JSON_TYPES.get(type(x), type(x).__name__)


def check_mapping(mapping: object) -> dict | None:
    """Validate the shape of an e-Stat mapping (already decoded from JSON).

    Returns the mapping (or None). A filter's code must be a string: e-Stat class codes such as
    ``"010"`` lose their leading zeros as numbers and would silently match nothing or the wrong class.

    Raises
    ------
    DataError
        Naming the key and the expected type, e.g. ``--mapping: "filters" must be an object of
        dimension → class code … ; found an array``.
    """
    if mapping is None:
        return None
    if not isinstance(mapping, dict):
        raise DataError(f"--mapping must be a JSON object such as {MAPPING_EXAMPLE}; found {_json_type(mapping)}")
    for key, value in mapping.items():
        if key not in MAPPING_KEYS:
            raise DataError(f"--mapping has an unknown key {key!r}; the keys are {', '.join(MAPPING_KEYS)}")
        if key == "filters":
            if not isinstance(value, dict):
                raise DataError(f'--mapping: "filters" must be {MAPPING_KEYS[key]}; found {_json_type(value)}')
            for dim, code in value.items():
                if not isinstance(code, str) or not code.strip():
                    raise DataError(f'--mapping: "filters.{dim}" must be a class code as a non-empty string, '
                                    f'such as "100"; found {_json_type(code)} {json.dumps(code)}')
        elif not isinstance(value, str) or not value.strip():
            raise DataError(f"--mapping: {key!r} must be {MAPPING_KEYS[key]} (a non-empty string); found "
                            f"{_json_type(value)} {json.dumps(value, ensure_ascii=False)}")
    return mapping


def _as_list(x: object) -> list:
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def _obj(x: object) -> dict:
    # Every level of a response is checked before use: a hand-edited or truncated file must end in
    # a DataError, not an AttributeError.
    return x if isinstance(x, dict) else {}


def _check_complete(result_inf: dict, table_id: str | None, *, file: str) -> None:
    """Refuse one page of a paged API response (the rest of the table would silently be missing)."""
    fetch = f"fetch all pages with `chiiki fetch estat {table_id or 'ID'}`, which pages through"
    next_key = result_inf.get("NEXT_KEY")
    try:
        first = int(result_inf.get("FROM_NUMBER") or 1)
        last = int(result_inf.get("TO_NUMBER") or 0)
    except (TypeError, ValueError):
        first, last = 1, 0
    if next_key not in (None, ""):
        page = (first - 1) // (last - first + 1) + 1 if last >= first >= 1 else 1
        total = result_inf.get("TOTAL_NUMBER")
        of = f" ({total} values in all)" if total not in (None, "") else ""
        raise DataError(f"this file is page {page} of a table with more rows{of}: NEXT_KEY={next_key}; {fetch}",
                        file=file)
    if first > 1:
        raise DataError(f"this file is a later page of a table (it starts at value {first}; the earlier pages are "
                        f"missing); {fetch}", file=file)


def _time_year(code: str, *, file: str, row: int) -> int:
    # e-Stat time codes are YYYY followed by a period code, e.g. 2020000000 or 2020100000.
    t = normalise(code)
    if len(t) >= 4 and t[:4].isdigit() and 1900 <= int(t[:4]) <= 2100:
        return int(t[:4])
    raise DataError(f"expected an e-Stat time code like 2020000000, found {code!r}", file=file, row=row,
                    column="time")


def read_json(path: Path) -> tuple[str | None, pd.DataFrame, dict[str, str]]:
    """statsDataId, the VALUE records as a frame of strings, and the table's special characters.

    The frame has a ``unit`` column: the VALUE's ``@unit``, else the unit of one of its classes, and
    ``attrs["names"]`` maps (dimension, code) to the class name. The special characters map to the
    NOTE's explanation.

    Raises
    ------
    DataError
        Not JSON, not a getStatsData response, an API error, no values, more values or attributes
        than the limits, or one page of a paged response (``NEXT_KEY``).
    """
    name = path.name
    try:
        doc = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc}", file=name) from None
    root = doc.get("GET_STATS_DATA") if isinstance(doc, dict) else None
    if not isinstance(root, dict):
        raise DataError("not an e-Stat getStatsData response: no GET_STATS_DATA object", file=name)
    result = _obj(root.get("RESULT"))
    status = result.get("STATUS")
    if status not in (None, 0, "0"):
        raise DataError(f"the API reported an error (STATUS {status}): {result.get('ERROR_MSG', '')}", file=name)
    sd = _obj(root.get("STATISTICAL_DATA"))
    table_id = _obj(sd.get("TABLE_INF")).get("@id")
    table_id = str(table_id) if isinstance(table_id, str | int) else None
    _check_complete(_obj(sd.get("RESULT_INF")), table_id, file=name)
    data_inf = _obj(sd.get("DATA_INF"))
    values = _as_list(data_inf.get("VALUE"))
    if not values:
        raise DataError("the response has no DATA_INF.VALUE records", file=name)
    check_shape(name, len(values), 0)
    specials = {str(n.get("@char")): str(n.get("$", "")) for n in _as_list(data_inf.get("NOTE"))
                if isinstance(n, dict)}
    class_units: dict[tuple[str, str], str] = {}
    class_names: dict[tuple[str, str], str] = {}
    for obj in map(_obj, _as_list(_obj(sd.get("CLASS_INF")).get("CLASS_OBJ"))):
        for c in _as_list(obj.get("CLASS")):
            if isinstance(c, dict) and c.get("@unit") not in (None, ""):
                class_units[(str(obj.get("@id")), str(c.get("@code")))] = str(c["@unit"])
            if isinstance(c, dict) and c.get("@name") not in (None, ""):
                class_names[(str(obj.get("@id")), str(c.get("@code")))] = str(c["@name"])
    recs = []
    for i, v in enumerate(values, start=1):
        if not isinstance(v, dict) or "$" not in v:
            raise DataError("a VALUE record has no '$' value", file=name, row=i)
        if len(v) > common.MAX_COLUMNS:
            raise DataError(f"too many columns: {len(v):,} attributes in one VALUE record; the limit is "
                            f"{common.MAX_COLUMNS:,} columns", file=name, row=i)
        rec = {k[1:]: str(val) for k, val in v.items() if k.startswith("@")}
        if not rec.get("unit"):
            rec["unit"] = next((class_units[(d, c)] for d, c in rec.items() if (d, c) in class_units), "")
        rec["value"] = str(v["$"])
        rec["_row"] = str(i)
        recs.append(rec)
    df = pd.DataFrame(recs).fillna("")
    df.attrs["names"] = class_names
    return table_id, df, specials


# e-Stat web downloads label the table's columns in Japanese; these are the API's names for them.
_WEB_VALUE = ("value", "値", "数値")
_WEB_UNIT = ("unit", "単位")
_WEB_ANNOTATION = ("annotation", "注釈", "注釈記号")


def _web_dimension(label: str, taken: list[str]) -> str:
    """The API name of a web download's dimension label (地域 → area); others are cat01, cat02… in order."""
    if label.startswith("表章項目"):
        return "tab"
    if label.startswith("時間軸") or label in ("調査年", "年次", "年度", "時点"):
        return "time"
    if any(w in label for w in ("地域", "都道府県", "全国", "市区町村")):
        return "area"
    return f"cat{sum(1 for t in taken if t.startswith('cat')) + 1:02d}"


def _is_code_column(cell: str) -> bool:
    low = cell.lower()
    return low.endswith("_code") or (cell.endswith("コード") and len(cell) > 3)


def _header_block(cells: list[str], specials: dict[str, str]) -> str | None:
    """A statsDataId stated in a web download's header block; notes on markers go into ``specials``."""
    first = cells[0] if cells else ""
    rest = [c for c in cells[1:] if c]
    if first.startswith("統計表ID"):
        inline = first.split(":", 1)[1].strip() if ":" in first else ""
        ident = inline or (rest[0] if rest else "")
        return ident if ident.isdigit() else None
    # A note row explains a marker: "***","該当数値なし" or ※「-」は該当数値なし
    if first in MISSING_MARKERS and first and rest:
        specials[first] = rest[0]
    for marker, meaning in re.findall(r"「([^」]+)」\s*(?:は|:)?\s*([^、。,「]*)", " ".join(cells)):
        if marker in MISSING_MARKERS and meaning.strip():
            specials.setdefault(marker, meaning.strip())
    return None


def read_lines(lines: list[list[str]], name: str) -> tuple[str | None, pd.DataFrame, dict[str, str]]:
    """A table as rows of cells: the API CSV or a web download (CSV or Excel) with its header block."""
    check_shape(name, 0, max((len(line) for line in lines), default=0))
    table_id = None
    header_at = None
    result_inf: dict = {}
    specials: dict[str, str] = {}
    for i, line in enumerate(lines):
        cells = [normalise(c) for c in line]
        # The API CSV has PARAMETER and RESULT_INF blocks: a row of names, then a row of values.
        following = lines[i + 1] if i + 1 < len(lines) else []
        if "STATS_DATA_ID" in cells:
            at = cells.index("STATS_DATA_ID")
            table_id = normalise(following[at]) if at < len(following) else None
        if "NEXT_KEY" in cells or "FROM_NUMBER" in cells:
            result_inf = {c: normalise(v) for c, v in zip(cells, following, strict=False)}
        lowered = [c.lower() for c in cells]
        if any(v in lowered for v in _WEB_VALUE) and any(_is_code_column(c) for c in cells):
            header_at = i
            break
        table_id = _header_block(cells, specials) or table_id
    if header_at is None:
        raise DataError("no header row with *_code columns (or 「… コード」) and a 'value' column (download the "
                        "table with codes: ダウンロード → コードの出力「出力する」, or use the API CSV)", file=name)
    _check_complete(result_inf, table_id, file=name)
    check_shape(name, sum(1 for line in lines[header_at + 1:] if any(str(c).strip() for c in line)), 0)
    raw_header = [normalise(c) for c in lines[header_at]]
    header = [c.lower() for c in raw_header]
    # Each code column is followed by its name column; web downloads label them 「地域 コード」「地域」.
    dims: dict[int, str] = {}
    for at, cell in enumerate(raw_header):
        if cell.lower().endswith("_code"):
            dims[at] = cell.lower().removesuffix("_code")
        elif _is_code_column(cell):
            dims[at] = _web_dimension(cell.removesuffix("コード").strip(), list(dims.values()))
    value_at = next(header.index(v) for v in _WEB_VALUE if v in header)
    unit_at = next((header.index(u) for u in _WEB_UNIT if u in header), None)
    note_at = next((header.index(a) for a in _WEB_ANNOTATION if a in header), None)
    names: dict[tuple[str, str], str] = {}
    recs = []
    width = len(header)
    for j, line in enumerate(lines[header_at + 1:], start=header_at + 2):
        if not any(str(c).strip() for c in line):
            continue
        line = list(line)
        # Spreadsheet rows come padded to the sheet's width; a CSV row of another length is malformed.
        while len(line) > width and not str(line[-1]).strip():
            line.pop()
        if len(line) != width:
            if len(line) == 1 or not str(line[0]).strip() or len(line) < value_at + 1:
                # The notes web downloads append under the table (※…, 注…) end it.
                break
            raise DataError(f"expected {width} cells, found {len(line)}", file=name, row=j)
        rec = {dim: normalise(line[at]) for at, dim in dims.items()}
        for at, dim in dims.items():
            if at + 1 < width and at + 1 not in dims and at + 1 not in (value_at, unit_at, note_at):
                names[(dim, rec[dim])] = normalise(line[at + 1])
        rec["value"] = line[value_at]
        rec["unit"] = line[unit_at] if unit_at is not None else ""
        if note_at is not None:
            rec["annotation"] = normalise(line[note_at])
        rec["_row"] = str(j)
        recs.append(rec)
    if not recs:
        raise DataError("no data rows under the header", file=name, row=header_at + 1)
    df = pd.DataFrame(recs)
    df.attrs["names"] = names
    return table_id, df, specials


def read_csv(path: Path) -> tuple[str | None, pd.DataFrame, dict[str, str]]:
    """The e-Stat CSV: the API's (metadata blocks) or a web download (header block and notes).

    The frame has a ``unit`` column when the file has one (``unit`` or ``単位``).

    Raises
    ------
    DataError
        Not CSV, no such header, rows of the wrong length, more rows or columns than the limits, or
        one page of a paged API response (a RESULT_INF block with ``NEXT_KEY``).
    """
    name = path.name
    text = read_text(path)
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DataError(f"cannot parse as CSV: {exc}", file=name) from None
    return read_lines(lines, name)


def read_excel(path: Path) -> tuple[str | None, pd.DataFrame, dict[str, str]]:
    """An e-Stat web download saved as Excel: the first sheet, read like the CSV download."""
    import openpyxl

    name = path.name
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise DataError(f"cannot open as an Excel workbook (.xlsx): {exc}", file=name) from None
    try:
        lines = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            cells = ["" if v is None else (f"{v:.0f}" if isinstance(v, float) and v.is_integer() else str(v))
                     for v in row]
            if len(cells) > common.MAX_COLUMNS:
                raise DataError(f"too many columns: {len(cells):,}; the limit is {common.MAX_COLUMNS:,} columns",
                                file=name)
            lines.append(cells)
            if len(lines) > common.MAX_ROWS + 100:
                check_shape(name, len(lines), 0, at_least=True)
    finally:
        book.close()
    return read_lines(lines, name)


def parse(path: Path, catalog: pd.DataFrame, resolver: RegionResolver, *, indicator: str | None = None,
          mapping: dict | None = None, **_: object) -> pd.DataFrame:
    """An e-Stat JSON or CSV file as indicator_id, region_code, year, value, unit, row.

    Raises
    ------
    DataError
        For a malformed mapping (see ``check_mapping``); an indicator that is unknown or computed
        (derived or location quotient: import its components instead); a mapping that leaves more
        than one value per area and year; a unit that is not a multiple of the catalog's (converting
        between quantities would load wrong figures); one page of a paged response; and any
        cell that is not a region, year or number.
    """
    check_size(path)
    name = path.name
    check_mapping(mapping)
    head = path.read_bytes()[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith(b"{"):
        table_id, df, specials = read_json(path)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        table_id, df, specials = read_excel(path)
    else:
        table_id, df, specials = read_csv(path)
    names = df.attrs.get("names", {})
    m = dict(ESTAT_MAPPINGS.get(table_id or "", {}))
    m.update(mapping or {})
    if indicator:
        m["indicator"] = indicator
    ind = m.get("indicator")
    if not ind:
        raise DataError(f"no mapping known for e-Stat table {table_id or '(unknown id)'}; pass --indicator ID "
                        "(and --mapping with filters for the other dimensions)", file=name)
    units = dict(zip(catalog["id"], catalog["unit"], strict=True))
    if ind not in units:
        raise DataError(f"unknown indicator {ind!r} in the mapping", file=name)
    reason = computed_reason(ind, catalog)
    if reason:
        raise DataError(reason, file=name)
    area, time = m.get("area", "area"), m.get("time", "time")
    for dim in (area, time):
        if dim not in df.columns:
            dims = ", ".join(c for c in df.columns if c not in ("value", "_row", "unit"))
            raise DataError(f"the table has no {dim!r} dimension; it has {dims}", file=name)
    for dim, code in (m.get("filters") or {}).items():
        if dim not in df.columns:
            raise DataError(f"mapping filters on {dim!r}, which the table does not have", file=name)
        df = df[df[dim] == str(code)]
    if df.empty:
        raise DataError(f"no values left after the mapping's filters {m.get('filters')}", file=name)
    free = [c for c in df.columns
            if c not in (area, time, "value", "_row", "unit", "annotation") and df[c].nunique() > 1]
    if free:
        raise DataError(f"more than one value per area and year: add filters for {', '.join(free)} "
                        f"(codes: {', '.join(sorted(df[free[0]].unique())[:8])})", file=name)
    missing = MISSING_MARKERS | set(specials)
    target_unit = units[ind] or ""
    factors: dict[str, Decimal | None] = {}
    out = []
    skipped: dict[str, list[int]] = {}
    for i, rec in enumerate(df.to_dict("records")):
        rown = int(rec.get("_row", i + 1))
        why = skipped_area(normalise(rec[area]), names.get((area, rec[area]), ""))
        if why:
            skipped.setdefault(why, []).append(rown)
            continue
        raw_value = normalise(rec["value"])
        marker = raw_value or normalise(rec.get("annotation", ""))
        if raw_value in missing:
            meaning = specials.get(marker) or MARKER_MEANINGS.get(marker, "")
            label = f"{marker!r}" if marker else "empty"
            skipped.setdefault(f"missing ({label}{f': {meaning}' if meaning else ''})", []).append(rown)
            continue
        value = parse_value(raw_value, file=name, row=rown, column="value")
        unit = normalise(rec.get("unit", ""))
        # A table without units is taken to be in the catalog's unit, as before units were read.
        if unit and unit != target_unit:
            if unit not in factors:
                factors[unit] = unit_factor(unit, target_unit) if target_unit else None
            factor = factors[unit]
            if factor is None:
                raise DataError(f"unit {unit!r} cannot be matched to the catalog's unit {target_unit!r} for {ind}: "
                                "only multiples of it (such as 千, 万 or 百万 in front) are converted; check that "
                                "the table and the filters give this indicator", file=name, row=rown, column="unit")
            # In decimal, 1.001 千件 is exactly 1001 件; the float product would be 1000.9999999999999.
            value = float(Decimal(repr(value)) * factor)
        out.append(dict(indicator_id=ind,
                        region_code=resolver.resolve(rec[area], file=name, row=rown, column=area),
                        year=_year(rec[time], names.get((time, rec[time]), ""), file=name, row=rown),
                        value=value, unit=target_unit, row=rown))
    result = pd.DataFrame(out)
    if result.empty:
        raise DataError("every value in the table is a missing marker or an area that is skipped ("
                        + "; ".join(f"{why}: {len(rows)}" for why, rows in skipped.items()) + ")", file=name)
    dup = result.duplicated(["region_code", "year"], keep=False)
    if dup.any():
        raise DataError("two values for the same area and year after the mapping", file=name,
                        row=int(result.loc[dup, "row"].iloc[1]))
    result.attrs["notes"] = [_skip_note(why, rows) for why, rows in skipped.items()]
    return result


# What e-Stat's usual markers mean, for the report when the table's own notes do not say.
MARKER_MEANINGS = {"-": "該当数値なし", "…": "不詳", "...": "不詳", "x": "秘匿", "X": "秘匿", "***": "該当数値なし",
                   "": "空欄"}
_SKIP_WORDS = ("その他", "外国", "国外", "不明", "不詳")


def skipped_area(code: str, name: str) -> str | None:
    """Why an area row is left out (None if it is a region to load).

    特別区部 (13100) is the 23 wards counted as one city; chiiki has the wards and 東京都, not that
    aggregate. その他 (prefecture unknown) and foreign applicants are not a prefecture, and a
    47-prefecture comparison leaves them out.
    """
    if code == "13100" or "特別区部" in name:
        return "特別区部 (13100) skipped: the 23 wards as one area are not a region here (東京都 is 13)"
    if name and any(w in name for w in _SKIP_WORDS):
        return f"{name} ({code}) skipped: not a prefecture"
    return None


def _skip_note(why: str, rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:5])) + (f" and {len(rows) - 5:,} more" if len(rows) > 5 else "")
    return f"{len(rows):,} value{'s' if len(rows) != 1 else ''} {why}: rows {shown}"


def _year(code: str, name: str, *, file: str, row: int) -> int:
    """The year of a time class: its code (2022100000) or, failing that, its name (令和4年度, 2022年)."""
    try:
        return _time_year(code, file=file, row=row)
    except DataError:
        if not name and era_year(code) is None:
            raise
    return parse_year(name or code, file=file, row=row, column="time")
