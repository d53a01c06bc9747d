"""Data page: filter the catalog table."""

from __future__ import annotations

from dash import Dash, Input, Output

from layouts import ids
from layouts.data_page import catalog_rows, filter_catalog


def update_catalog(search: str | None, themes: list[str] | None, status: str, catalog) -> tuple[list[dict], str]:
    rows = filter_catalog(catalog_rows(catalog), catalog, search, themes, status or "all")
    return rows, f"{len(rows)} / {len(catalog)} 指標 / indicators"


def register(app: Dash, get_catalog) -> None:
    @app.callback(Output(ids.DATA_TABLE, "data"), Output(ids.DATA_COUNT, "children"),
              Input(ids.DATA_SEARCH, "value"), Input(ids.DATA_THEME, "value"), Input(ids.DATA_STATUS, "value"))
    def _update(search, themes, status):
        return update_catalog(search, themes, status, get_catalog())
