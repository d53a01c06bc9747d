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
                   get: Callable[[str], dict] | None = None) -> dict:
    """Every page of ``table_id`` merged into one getStatsData document (nothing is written).

    ``get`` fetches one URL and returns the decoded JSON (default: the network).

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
        params = {"appId": app_id, "statsDataId": table_id, "metaGetFlg": "Y", "cntGetFlg": "N"}
        if start:
            params["startPosition"] = start
        try:
            doc = get(f"{API}?{urllib.parse.urlencode(params)}")
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
