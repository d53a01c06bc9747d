"""e-Stat tables: the API's getStatsData JSON, and the CSV e-Stat gives (API CSV or download).

A table has several dimensions (``tab``, ``cat01``…, ``area``, ``time``). A *mapping* says which
indicator the values are and pins every dimension except area and time to one code, e.g.
``{"indicator": "patent_registrations", "filters": {"cat01": "100"}}``. The catalog knows mappings
for some tables by statsDataId; ``--indicator``/``--mapping`` give or override one.

Special cells (``-``, ``…``, ``x``, ``***`` and those the table's NOTE lists) are missing values.

Units: each value's unit (``@unit`` on the VALUE, else the unit of its class in CLASS_INF, or the
CSV's ``unit`` column) is converted to the catalog's when it is a multiple of it (千件 → 件 × 1,000)
and refused when it is another quantity. A file that is one page of a larger API response
(``RESULT_INF.NEXT_KEY``) is refused: ``chiiki fetch estat ID`` pages through and imports it whole.
"""

from __future__ import annotations

import csv
import io
import json
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
    normalise,
    parse_value,
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


def read_json(path: Path) -> tuple[str | None, pd.DataFrame, set[str]]:
    """statsDataId, the VALUE records as a frame of strings, and the table's special characters.

    The frame has a ``unit`` column: the VALUE's ``@unit``, else the unit of one of its classes.

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
    specials = {str(n.get("@char")) for n in _as_list(data_inf.get("NOTE")) if isinstance(n, dict)}
    class_units: dict[tuple[str, str], str] = {}
    for obj in map(_obj, _as_list(_obj(sd.get("CLASS_INF")).get("CLASS_OBJ"))):
        for c in _as_list(obj.get("CLASS")):
            if isinstance(c, dict) and c.get("@unit") not in (None, ""):
                class_units[(str(obj.get("@id")), str(c.get("@code")))] = str(c["@unit"])
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
    return table_id, pd.DataFrame(recs).fillna(""), specials


def read_csv(path: Path) -> tuple[str | None, pd.DataFrame, set[str]]:
    """The e-Stat CSV: optional metadata lines, then a header with ``*_code`` columns and ``value``.

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
    check_shape(name, 0, max((len(line) for line in lines), default=0))
    table_id = None
    header_at = None
    result_inf: dict = {}
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
        if "value" in lowered and any(c.endswith("_code") for c in lowered):
            header_at = i
            break
    if header_at is None:
        raise DataError("no header row with *_code columns and a 'value' column (download the table with "
                        "codes, or use the API CSV)", file=name)
    _check_complete(result_inf, table_id, file=name)
    check_shape(name, sum(1 for line in lines[header_at + 1:] if any(c.strip() for c in line)), 0)
    header = [normalise(c).lower() for c in lines[header_at]]
    unit_at = next((header.index(u) for u in ("unit", "単位") if u in header), None)
    recs = []
    for j, line in enumerate(lines[header_at + 1:], start=header_at + 2):
        if not any(c.strip() for c in line):
            continue
        if len(line) != len(header):
            raise DataError(f"expected {len(header)} cells, found {len(line)}", file=name, row=j)
        rec = {h.removesuffix("_code"): c for h, c in zip(header, line, strict=True) if h.endswith("_code")}
        rec["value"] = line[header.index("value")]
        rec["unit"] = line[unit_at] if unit_at is not None else ""
        rec["_row"] = str(j)
        recs.append(rec)
    if not recs:
        raise DataError("no data rows under the header", file=name, row=header_at + 1)
    return table_id, pd.DataFrame(recs), set()


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
    table_id, df, specials = read_json(path) if head.startswith(b"{") else read_csv(path)
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
    free = [c for c in df.columns if c not in (area, time, "value", "_row", "unit") and df[c].nunique() > 1]
    if free:
        raise DataError(f"more than one value per area and year: add filters for {', '.join(free)} "
                        f"(codes: {', '.join(sorted(df[free[0]].unique())[:8])})", file=name)
    missing = MISSING_MARKERS | specials
    target_unit = units[ind] or ""
    factors: dict[str, Decimal | None] = {}
    out = []
    for i, rec in enumerate(df.to_dict("records")):
        rown = int(rec.get("_row", i + 1))
        raw_value = normalise(rec["value"])
        if raw_value in missing:
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
                        year=_time_year(rec[time], file=name, row=rown),
                        value=value, unit=target_unit, row=rown))
    result = pd.DataFrame(out)
    if result.empty:
        raise DataError("every value in the table is a missing marker", file=name)
    dup = result.duplicated(["region_code", "year"], keep=False)
    if dup.any():
        raise DataError("two values for the same area and year after the mapping", file=name,
                        row=int(result.loc[dup, "row"].iloc[1]))
    return result
