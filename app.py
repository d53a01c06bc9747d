"""The Dash application factory. Navigation and the page container only; pages live in layouts/."""

from __future__ import annotations

import json

import dash
from dash import Dash, dcc, html

from callbacks import data_callbacks
from layouts import data_page, ids, start_page
from loaders import query
from loaders.ssdse_items import THEMES
from loaders.store import data_dir, get_store


def _catalog():
    return query.catalog(get_store().cursor())


def create_app() -> Dash:
    app = Dash(__name__, use_pages=True, pages_folder="", title="chiiki — 地域経済ダッシュボード",
               suppress_callback_exceptions=True)

    def start_layout(**_):
        manifest = json.loads((data_dir() / "manifest.json").read_text(encoding="utf-8"))
        cat = _catalog()
        loaded = int((cat["status"] == "loaded").sum())
        return start_page.layout(manifest, loaded, len(cat) - loaded)

    def data_layout(**_):
        datasets = get_store().cursor().execute("SELECT * FROM datasets ORDER BY dataset_id").df()
        return data_page.layout(_catalog(), datasets, THEMES)

    dash.register_page("start", path="/", name="スタート / Start", layout=start_layout)
    dash.register_page("data", path="/data", name="データと出典 / Data", layout=data_layout)
    data_callbacks.register(app, _catalog)

    app.layout = html.Div([
        html.Nav(id=ids.NAV, **{"aria-label": "pages"}, children=[
            dcc.Link(page["name"], href=page["relative_path"], className="nav-link")
            for page in dash.page_registry.values()]),
        html.Main(dash.page_container, id=ids.PAGE_CONTAINER),
        html.Footer(html.Small("出典の詳細は「データと出典」へ / Sources: see Data and sources")),
    ])
    return app


app = create_app()
server = app.server
