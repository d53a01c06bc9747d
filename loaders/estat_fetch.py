"""``chiiki fetch estat TABLE_ID``: download an e-Stat table through the API and import it.

Needs an application id in ``ESTAT_APP_ID`` and network access. The API pages large tables
(``RESULT_INF.NEXT_KEY``: the ``startPosition`` of the next page); every page is fetched and merged
into one getStatsData document that says it is complete (no NEXT_KEY, values 1 to N), so the
importer, which refuses a single page of a larger table, accepts it.

The document is imported from a private temporary folder in the user directory and kept as
``downloads/estat_<id>.json`` (so the import log can point at a real file) only when the import
succeeds; a refused import leaves no file behind and the previous download as it was.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from loaders.errors import DataError
from loaders.importers.common import MAX_BYTES, MAX_ROWS

API = "https://api.e-stat.go.jp/rest/3.0/app/json/getStatsData"
MAX_PAGES = 50


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as resp:
        body = resp.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise DataError(f"an e-Stat API page is larger than {MAX_BYTES:,} bytes; narrow the table on e-Stat")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"the e-Stat API did not answer with JSON: {exc}") from None


def _obj(x: object) -> dict:
    return x if isinstance(x, dict) else {}


def download_table(table_id: str, *, app_id: str | None = None,
                   get: Callable[[str], dict] | None = None, params: dict[str, str] | None = None) -> dict:
    """Every page of ``table_id`` merged into one getStatsData document (nothing is written).

    ``get`` fetches one URL and returns the decoded JSON (default: the network). ``params`` narrow
    the request (e.g. ``{"cdCat01": "100"}``).

    Raises
    ------
    DataError
        A malformed id, no application id, a network or API error, a page that is not a
        getStatsData response, more than ``MAX_PAGES`` pages or ``MAX_ROWS`` values (a table that
        large is not one the importer would accept), or a NEXT_KEY that does not advance.
    """
    if not (table_id.isdigit() and len(table_id) == 10):
        raise DataError(f"an e-Stat statsDataId is 10 digits, got {table_id!r}")
    app_id = app_id or os.environ.get("ESTAT_APP_ID")
    if not app_id:
        raise DataError("set ESTAT_APP_ID to your e-Stat application id (https://www.e-stat.go.jp/api/) "
                        "or download the table and use `chiiki import estat FILE`")
    get = get or _get  # looked up at call time, so a recorded response can stand in for the network
    merged: dict | None = None
    values: list = []
    start = None
    for _ in range(MAX_PAGES):
        query = {"appId": app_id, "statsDataId": table_id, "metaGetFlg": "Y", "cntGetFlg": "N", **(params or {})}
        if start:
            query["startPosition"] = start
        try:
            doc = get(f"{API}?{urllib.parse.urlencode(query)}")
        except OSError as exc:
            raise DataError(f"could not reach the e-Stat API: {exc}") from None
        root = _obj(_obj(doc).get("GET_STATS_DATA"))
        result = _obj(root.get("RESULT"))
        status = result.get("STATUS")
        if status not in (0, "0"):
            raise DataError(f"e-Stat API error {status}: {result.get('ERROR_MSG', '')}")
        sd = _obj(root.get("STATISTICAL_DATA"))
        page = _obj(sd.get("DATA_INF")).get("VALUE", [])
        values.extend(page if isinstance(page, list) else [page])
        if len(values) > MAX_ROWS:
            raise DataError(f"table {table_id} has more than {MAX_ROWS:,} values, the import limit; narrow it "
                            "on e-Stat (fewer dimensions or years) and download it")
        if merged is None:
            merged = copy.deepcopy(doc)
        next_key = _obj(sd.get("RESULT_INF")).get("NEXT_KEY")
        if next_key in (None, ""):
            break
        if str(next_key) == str(start):
            raise DataError(f"the e-Stat API returned the same NEXT_KEY={next_key} twice for table {table_id}")
        start = str(next_key)
    else:
        raise DataError(f"table {table_id} has more than {MAX_PAGES} pages; narrow it on e-Stat and download it")
    sd = merged["GET_STATS_DATA"].setdefault("STATISTICAL_DATA", {})
    if not isinstance(sd.get("DATA_INF"), dict):
        sd["DATA_INF"] = {}
    sd["DATA_INF"]["VALUE"] = values
    # The merged document is the whole table: it must not look like page 1 to the importer.
    info = sd.get("RESULT_INF") if isinstance(sd.get("RESULT_INF"), dict) else {}
    info.pop("NEXT_KEY", None)
    sd["RESULT_INF"] = {**info, "TOTAL_NUMBER": len(values), "FROM_NUMBER": 1, "TO_NUMBER": len(values)}
    return merged


def _write_atomic(doc: dict, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fetch_table(table_id: str, target_dir: Path, *, app_id: str | None = None,
                get: Callable[[str], dict] | None = None) -> Path:
    """Download every page of ``table_id`` into ``target_dir/estat_<id>.json`` and return the path.

    The file is written whole or not at all (a temporary file renamed into place).

    Raises
    ------
    DataError
        See ``download_table``.
    """
    doc = download_table(table_id, app_id=app_id, get=get)
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / f"estat_{table_id}.json"
    _write_atomic(doc, path)
    return path


def fetch_and_import(table_id: str, *, indicator: str | None = None, mapping: str | dict | None = None,
                     replace_official: bool = False, app_id: str | None = None,
                     get: Callable[[str], dict] | None = None) -> str:
    """Download ``table_id``, import it, and keep it as ``downloads/estat_<id>.json``; returns the report.

    The mapping is checked before anything is downloaded. The document is imported from a
    temporary folder in the user directory, so a refused import leaves no file and does not
    overwrite an earlier download that the import log points at.

    Raises
    ------
    DataError
        Everything ``download_table`` and ``run_import`` refuse (including values that would
        replace official figures unless ``replace_official``).
    """
    from loaders.importers import decode_mapping, run_import
    from loaders.store import user_dir

    mapping = decode_mapping(mapping)
    doc = download_table(table_id, app_id=app_id, get=get)
    base = user_dir()
    work = Path(tempfile.mkdtemp(prefix=".fetch-", dir=base))
    try:
        path = work / f"estat_{table_id}.json"
        _write_atomic(doc, path)
        report = run_import("estat", path, indicator=indicator, mapping=mapping,
                            source=f"e-Stat API statsDataId={table_id}", replace_official=replace_official)
        downloads = base / "downloads"
        downloads.mkdir(exist_ok=True)
        os.replace(path, downloads / path.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


# --- chiiki fetch koyo: the 雇用保険事業年報/月報 workbooks from e-Stat's file download (no app id) ------------------

FILE_DOWNLOAD = "https://www.e-stat.go.jp/stat-search/file-download?statInfId={id}&fileKind=0"

# Per fiscal year: (年報 第25表(1) statInfId, sha256), (前年度末 3月 月報 第1表 statInfId, sha256). The ids and
# digests were recorded from the published files (see ../shared/data/innovation-routes.md); a file that no
# longer matches has been replaced on e-Stat and is refused rather than silently read.
KOYO_FILES: dict[int, tuple[tuple[str, str | None], tuple[str, str | None]]] = {
    2022: (("000040256811", "a1e8f63460d1d7d4652973a2cce3c187ad2a02adf07187b7aca56b3b86a0fb34"),
           ("000032193604", "fd39db37aca914600ad90621d817fdad89eb41fadb47382afb774b9489f4a14e")),
    2023: (("000040221692", "9670370c24768cfcd6ec8435c0a4c4634eb464cd7424d07323882529d228cdfb"),
           ("000040049732", "a0d361614df7ae68f2fcc69a85edcd2dd9f91ebb23e027ca1094c33ea783e7e4")),
    2024: (("000040366800", "8b58e73b9cad2b13b142de8af28f1659f39fbed950d1667a350b195eded1bc42"),
           ("000040176935", "5c3de3f157fd064468b6fbe58959eff4fd388059d810e4be5a2d40b3c0911f34")),
}


def _get_bytes(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as resp:
        body = resp.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise DataError(f"the file at {url} is larger than {MAX_BYTES:,} bytes; not the expected workbook")
    return body


def parse_fiscal_years(text: str | None) -> list[int]:
    """``--fy``: 2024, 2022-2024 or 2022,2024 (default: every year with recorded files).

    Raises
    ------
    DataError
        Not years, or a year without recorded file ids (naming the years there are).
    """
    known = sorted(KOYO_FILES)
    if not text:
        return known
    years: set[int] = set()
    try:
        for part in text.split(","):
            lo, _, hi = part.strip().partition("-")
            first, last = int(lo), int(hi or lo)
            if last < first:
                raise ValueError
            years.update(range(first, last + 1))
    except ValueError:
        raise DataError(f"--fy must be a fiscal year or a range such as 2022-2024, got {text!r}") from None
    unknown = sorted(years - set(known))
    if unknown:
        raise DataError(f"no recorded e-Stat files for FY{', FY'.join(map(str, unknown))}; recorded: FY{known[0]}–"
                        f"FY{known[-1]}. For another year download the 年報 第25表(1) and the previous March 月報 "
                        "第1表 from e-Stat (雇用保険事業統計) and run `chiiki import koyo ANNUAL.xlsx MARCH.xlsx`")
    return sorted(years)


def fetch_koyo(fiscal_years: list[int] | None = None, *, replace_official: bool = False,
               get: Callable[[str], bytes] | None = None) -> str:
    """Download the workbooks of ``fiscal_years``, check them, import them in one transaction; returns the report.

    Each file's sha256 is compared with the recorded one before it is read. The workbooks are kept
    in ``downloads/`` only when the import succeeds; a refused import leaves nothing behind.

    Raises
    ------
    DataError
        A network error, a file whose sha256 differs from the recorded one (naming both), and
        everything ``koyo.import_workbooks`` refuses.
    """
    import hashlib

    from loaders.importers.koyo import import_workbooks
    from loaders.store import user_dir

    get = get or _get_bytes
    years = fiscal_years or sorted(KOYO_FILES)
    base = user_dir()
    work = Path(tempfile.mkdtemp(prefix=".fetch-koyo-", dir=base))
    try:
        paths = []
        for fy in years:
            for (stat_id, digest), what in zip(KOYO_FILES[fy], ("nenpo25-1", "geppo1"), strict=True):
                url = FILE_DOWNLOAD.format(id=stat_id)
                try:
                    body = get(url)
                except OSError as exc:
                    raise DataError(f"could not download e-Stat file {stat_id} (FY{fy} {what}): {exc}") from None
                got = hashlib.sha256(body).hexdigest()
                if digest and got != digest:
                    raise DataError(f"e-Stat file {stat_id} (FY{fy} {what}) has sha256 {got}, not the recorded "
                                    f"{digest}: it has been replaced on e-Stat. Nothing was imported; check the new "
                                    f"file ({url}) and import it with `chiiki import koyo ANNUAL.xlsx MARCH.xlsx`")
                # The routes record xlsx; an older table may still be the binary .xls, told by its magic bytes.
                ext = ".xls" if body[:4] == b"\xd0\xcf\x11\xe0" else ".xlsx"
                path = work / f"koyo_FY{fy}_{what}_{stat_id}{ext}"
                path.write_bytes(body)
                paths.append(path)
        downloads = base / "downloads"
        report = import_workbooks(paths, source="e-Stat file download (雇用保険事業統計)", keep=downloads,
                                  replace_official=replace_official)
        for p in paths:
            os.replace(p, downloads / p.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


# --- chiiki fetch patents: 特許行政年次報告書 tables on e-Stat (API, ESTAT_APP_ID) ------------------------------------

# (statsDataId, indicator, class filters). Applications: Japanese applicants by the first applicant's
# prefecture, cat02=100 patents (PCT national phase included); registrations: cat01=100 patents.
PATENT_TABLES = (("0003398336", "patent_applications", {"cat01": "100", "cat02": "100"}),
                 ("0003398337", "patent_registrations", {"cat01": "100"}))
PATENTS_SINCE = 2013  # the first year both tables have


def _from_year(doc: dict, since: int) -> int:
    """Drop VALUE records before ``since`` (the tables' earlier years are another series); returns how many."""
    data = doc["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]
    values = data["VALUE"]
    kept = [v for v in values if not (isinstance(v, dict) and str(v.get("@time", ""))[:4].isdigit()
                                      and int(str(v["@time"])[:4]) < since)]
    data["VALUE"] = kept
    info = doc["GET_STATS_DATA"]["STATISTICAL_DATA"]["RESULT_INF"]
    info.update(TOTAL_NUMBER=len(kept), TO_NUMBER=len(kept))
    return len(values) - len(kept)


def fetch_patents(*, app_id: str | None = None, since: int = PATENTS_SINCE, replace_official: bool = False,
                  get: Callable[[str], dict] | None = None) -> str:
    """Download both patent tables, check both, then import them; returns the report.

    Every page is fetched (NEXT_KEY); values carry their ``@unit`` and special characters as the
    API gives them and go through the e-Stat importer, which converts multiples of 件, refuses other
    units, skips markers (saying why) and leaves out その他 and foreign areas. Both files are parsed
    and checked before either is imported, so a bad second table leaves the first unloaded too.
    patents_per_100_estab then follows from patent_applications.

    Raises
    ------
    DataError
        No ESTAT_APP_ID, a network or API error, and everything the e-Stat importer refuses.
    """
    from loaders.importers import parse_file, run_import
    from loaders.store import user_dir

    base = user_dir()
    work = Path(tempfile.mkdtemp(prefix=".fetch-patents-", dir=base))
    try:
        ready = []
        for table_id, indicator, filters in PATENT_TABLES:
            params = {f"cd{dim[0].upper()}{dim[1:]}": code for dim, code in filters.items()}
            doc = download_table(table_id, app_id=app_id, get=get, params=params)
            dropped = _from_year(doc, since)
            path = work / f"estat_{table_id}.json"
            _write_atomic(doc, path)
            mapping = {"indicator": indicator, "filters": filters, "area": "area", "time": "time"}
            parse_file("estat", path, mapping=mapping, replace_official=replace_official)
            ready.append((path, mapping, dropped))
        downloads = base / "downloads"
        downloads.mkdir(exist_ok=True)
        reports = []
        for path, mapping, dropped in ready:
            source = f"e-Stat API statsDataId={path.stem.removeprefix('estat_')} ({since}–)"
            report = run_import("estat", path, mapping=mapping, source=source, replace_official=replace_official)
            os.replace(path, downloads / path.name)
            reports.append(report + (f"; {dropped} values before {since} left out" if dropped else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return "\n".join(reports)
