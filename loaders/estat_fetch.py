"""``chiiki fetch estat TABLE_ID``: download an e-Stat table through the API and import it.

Needs an application id in ``ESTAT_APP_ID`` and network access. The API pages large tables
(``RESULT_INF.NEXT_KEY``); the pages are merged into one getStatsData document, saved in the user
directory (so the import log can point at a real file) and imported like a downloaded file.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from loaders.errors import DataError

API = "https://api.e-stat.go.jp/rest/3.0/app/json/getStatsData"
MAX_PAGES = 50


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as resp:
        return json.loads(resp.read().decode("utf-8"))


def fetch_table(table_id: str, target_dir: Path, *, app_id: str | None = None,
                get: Callable[[str], dict] = _get) -> Path:
    """Download every page of ``table_id`` into ``target_dir/estat_<id>.json`` and return the path."""
    if not (table_id.isdigit() and len(table_id) == 10):
        raise DataError(f"an e-Stat statsDataId is 10 digits, got {table_id!r}")
    app_id = app_id or os.environ.get("ESTAT_APP_ID")
    if not app_id:
        raise DataError("set ESTAT_APP_ID to your e-Stat application id (https://www.e-stat.go.jp/api/) "
                        "or download the table and use `chiiki import estat FILE`")
    merged: dict | None = None
    start = None
    for _ in range(MAX_PAGES):
        params = {"appId": app_id, "statsDataId": table_id, "metaGetFlg": "Y", "cntGetFlg": "N"}
        if start:
            params["startPosition"] = start
        try:
            doc = get(f"{API}?{urllib.parse.urlencode(params)}")
        except OSError as exc:
            raise DataError(f"could not reach the e-Stat API: {exc}") from None
        root = doc.get("GET_STATS_DATA", {})
        status = root.get("RESULT", {}).get("STATUS")
        if status not in (0, "0"):
            raise DataError(f"e-Stat API error {status}: {root.get('RESULT', {}).get('ERROR_MSG', '')}")
        sd = root["STATISTICAL_DATA"]
        values = sd.get("DATA_INF", {}).get("VALUE", [])
        values = values if isinstance(values, list) else [values]
        if merged is None:
            merged = doc
            merged["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"] = values
        else:
            merged["GET_STATS_DATA"]["STATISTICAL_DATA"]["DATA_INF"]["VALUE"].extend(values)
        start = sd.get("RESULT_INF", {}).get("NEXT_KEY")
        if not start:
            break
    else:
        raise DataError(f"table {table_id} has more than {MAX_PAGES} pages; narrow it on e-Stat and download it")
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / f"estat_{table_id}.json"
    path.write_text(json.dumps(merged, ensure_ascii=False), encoding="utf-8")
    return path
