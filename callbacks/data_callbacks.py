"""Data page: filter the catalog, import an uploaded file with the command line's validation."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

from dash import Dash, Input, Output, State, html

from callbacks import state as st
from layouts import ids
from layouts.data_page import catalog_rows, filter_catalog, layout
from loaders import query
from loaders.errors import DataError
from loaders.ssdse_items import THEMES
from loaders.store import get_store

MAX_UPLOAD = 50 * 1024 * 1024


def page_layout(**params):
    state = st.parse(params, {})
    datasets = query.datasets(get_store().cursor())
    return layout(state, st.catalog(), datasets, THEMES)


def update_catalog(search: str | None, themes: list[str] | None, status: str, catalog) -> tuple[list[dict], str]:
    rows = filter_catalog(catalog_rows(catalog), catalog, search, themes, status or "all")
    return rows, f"{len(rows)} / {len(catalog)} 指標 / indicators"


def import_upload(contents: str | None, filename: str | None, kind: str, indicator: str | None) -> tuple[str, bool]:
    """Import an uploaded file; returns (message, ok). Bad files change nothing."""
    from loaders.importers import run_import

    if not contents or not filename:
        return "", False
    name = Path(filename).name[:120] or "upload"
    try:
        _, b64 = contents.split(",", 1)
        data = base64.b64decode(b64, validate=True)
    except (ValueError, TypeError):
        return f"{name}: the upload could not be decoded", False
    if len(data) > MAX_UPLOAD:
        return f"{name}: file is {len(data):,} bytes; the limit is {MAX_UPLOAD:,}", False
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            report = run_import(kind, path, indicator=indicator or None, source="upload on the data page")
        except DataError as exc:
            return str(exc), False
    return report, True


def register(app: Dash) -> None:
    @app.callback(Output(ids.DATA_TABLE, "data"), Output(ids.DATA_COUNT, "children"),
                  Input(ids.DATA_SEARCH, "value"), Input(ids.DATA_THEME, "value"), Input(ids.DATA_STATUS, "value"))
    def _update(search, themes, status):
        return update_catalog(search, themes, status, st.catalog())

    @app.callback(Output(ids.DATA_UPLOAD_RESULT, "children"), Output(ids.DATA_TABLE, "data", allow_duplicate=True),
                  Output(ids.DATA_COUNT, "children", allow_duplicate=True), Input(ids.DATA_UPLOAD, "contents"),
                  State(ids.DATA_UPLOAD, "filename"), State(ids.DATA_UPLOAD_KIND, "value"),
                  State(ids.DATA_UPLOAD_INDICATOR, "value"), State(ids.DATA_SEARCH, "value"),
                  State(ids.DATA_THEME, "value"), State(ids.DATA_STATUS, "value"), prevent_initial_call=True)
    def _upload(contents, filename, kind, indicator, search, themes, status):
        message, ok = import_upload(contents, filename, kind, indicator)
        # The import swapped in a new serving database: the catalog now shows the new status.
        rows, count = update_catalog(search, themes, status, st.catalog())
        box = html.Div(message, className="notice" if not ok else "ok", role="alert" if not ok else "status")
        return box, rows, count

    server = app.server

    @server.route("/download/<name>")
    def _download(name: str):
        from flask import abort, send_file

        from loaders.store import data_dir

        if name == "catalog.csv":
            import io

            buf = io.BytesIO(st.catalog().drop(columns=["prefecture_years", "municipality_years"])
                             .to_csv(index=False).encode("utf-8-sig"))
            return send_file(buf, mimetype="text/csv", download_name="catalog.csv")
        files = {"SOURCES.md": data_dir() / "SOURCES.md",
                 "tidy_template.csv": data_dir() / "templates" / "tidy_template.csv"}
        if name not in files:
            abort(404)
        return send_file(files[name], as_attachment=True, download_name=name)
