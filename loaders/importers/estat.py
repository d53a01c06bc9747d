"""e-Stat tables: the API's getStatsData JSON, and the CSV e-Stat gives (API CSV or download).

A table has several dimensions (``tab``, ``cat01``…, ``area``, ``time``). A *mapping* says which
indicator the values are and pins every dimension except area and time to one code, e.g.
``{"indicator": "patent_registrations", "filters": {"cat01": "100"}}``. The catalog knows mappings
for some tables by statsDataId; ``--indicator``/``--mapping`` give or override one.

Special cells (``-``, ``…``, ``x``, ``***`` and those the table's NOTE lists) are missing values.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from loaders.catalog import ESTAT_MAPPINGS
from loaders.errors import DataError
from loaders.importers.common import RegionResolver, check_size, normalise, parse_value, read_text
from loaders.ssdse import MISSING_MARKERS


def _as_list(x: object) -> list:
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def _time_year(code: str, *, file: str, row: int) -> int:
    # e-Stat time codes are YYYY followed by a period code, e.g. 2020000000 or 2020100000.
    t = normalise(code)
    if len(t) >= 4 and t[:4].isdigit() and 1900 <= int(t[:4]) <= 2100:
        return int(t[:4])
    raise DataError(f"expected an e-Stat time code like 2020000000, found {code!r}", file=file, row=row,
                    column="time")


def read_json(path: Path) -> tuple[str | None, pd.DataFrame, set[str]]:
    """statsDataId, the VALUE records as a frame of strings, and the table's special characters."""
    name = path.name
    try:
        doc = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc}", file=name) from None
    root = doc.get("GET_STATS_DATA") if isinstance(doc, dict) else None
    if not isinstance(root, dict):
        raise DataError("not an e-Stat getStatsData response: no GET_STATS_DATA object", file=name)
    status = (root.get("RESULT") or {}).get("STATUS")
    if status not in (None, 0, "0"):
        msg = (root.get("RESULT") or {}).get("ERROR_MSG", "")
        raise DataError(f"the API reported an error (STATUS {status}): {msg}", file=name)
    sd = root.get("STATISTICAL_DATA") or {}
    table_id = (sd.get("TABLE_INF") or {}).get("@id")
    data_inf = sd.get("DATA_INF") or {}
    values = _as_list(data_inf.get("VALUE"))
    if not values:
        raise DataError("the response has no DATA_INF.VALUE records", file=name)
    specials = {str(n.get("@char")) for n in _as_list(data_inf.get("NOTE")) if isinstance(n, dict)}
    recs = []
    for v in values:
        if not isinstance(v, dict) or "$" not in v:
            raise DataError("a VALUE record has no '$' value", file=name)
        rec = {k[1:]: str(val) for k, val in v.items() if k.startswith("@")}
        rec["value"] = str(v["$"])
        recs.append(rec)
    return table_id, pd.DataFrame(recs).fillna(""), specials


def read_csv(path: Path) -> tuple[str | None, pd.DataFrame, set[str]]:
    """The e-Stat CSV: optional metadata lines, then a header with ``*_code`` columns and ``value``."""
    name = path.name
    text = read_text(path)
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DataError(f"cannot parse as CSV: {exc}", file=name) from None
    table_id = None
    header_at = None
    for i, line in enumerate(lines):
        cells = [normalise(c) for c in line]
        # The API CSV has a PARAMETER block: a row of names, then a row of values.
        if "STATS_DATA_ID" in cells and i + 1 < len(lines):
            at = cells.index("STATS_DATA_ID")
            following = lines[i + 1]
            table_id = normalise(following[at]) if at < len(following) else None
        lowered = [c.lower() for c in cells]
        if "value" in lowered and any(c.endswith("_code") for c in lowered):
            header_at = i
            break
    if header_at is None:
        raise DataError("no header row with *_code columns and a 'value' column (download the table with "
                        "codes, or use the API CSV)", file=name)
    header = [normalise(c).lower() for c in lines[header_at]]
    recs = []
    for j, line in enumerate(lines[header_at + 1:], start=header_at + 2):
        if not any(c.strip() for c in line):
            continue
        if len(line) != len(header):
            raise DataError(f"expected {len(header)} cells, found {len(line)}", file=name, row=j)
        rec = {h.removesuffix("_code"): c for h, c in zip(header, line, strict=True) if h.endswith("_code")}
        rec["value"] = line[header.index("value")]
        rec["_row"] = str(j)
        recs.append(rec)
    if not recs:
        raise DataError("no data rows under the header", file=name, row=header_at + 1)
    return table_id, pd.DataFrame(recs), set()


def parse(path: Path, catalog: pd.DataFrame, resolver: RegionResolver, *, indicator: str | None = None,
          mapping: dict | None = None, **_: object) -> pd.DataFrame:
    check_size(path)
    name = path.name
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
    area, time = m.get("area", "area"), m.get("time", "time")
    for dim in (area, time):
        if dim not in df.columns:
            dims = ", ".join(c for c in df.columns if c not in ("value", "_row"))
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
    out, rows = [], []
    for i, rec in enumerate(df.to_dict("records")):
        rown = int(rec.get("_row", i + 1))
        raw_value = normalise(rec["value"])
        if raw_value in missing:
            continue
        out.append(dict(indicator_id=ind,
                        region_code=resolver.resolve(rec[area], file=name, row=rown, column=area),
                        year=_time_year(rec[time], file=name, row=rown),
                        value=parse_value(raw_value, file=name, row=rown, column="value"),
                        unit=units[ind]))
        rows.append(rown)
    result = pd.DataFrame(out)
    if result.empty:
        raise DataError("every value in the table is a missing marker", file=name)
    dup = result.duplicated(["region_code", "year"], keep=False)
    if dup.any():
        raise DataError("two values for the same area and year after the mapping", file=name,
                        row=rows[int(dup.to_numpy().nonzero()[0][1])])
    return result
