"""The Dash application factory. Navigation and the page container only; pages live in layouts/ and
their wiring in callbacks/."""

from __future__ import annotations

import json

import dash
from dash import Dash, Input, Output, dcc, html

from callbacks import (
    api_callbacks,
    compare_callbacks,
    data_callbacks,
    index_callbacks,
    industry_callbacks,
    map_callbacks,
    profile_callbacks,
    routes,
    start_callbacks,
)
from layouts import ids
from layouts.i18n import t

PAGES = [
    # (module name, path, string key, layout function)
    ("start", "/", "nav_start", start_callbacks.page_layout),
    ("map", "/map", "nav_map", map_callbacks.page_layout),
    ("profile", "/profile", "nav_profile", profile_callbacks.page_layout),
    ("compare", "/compare", "nav_compare", compare_callbacks.page_layout),
    ("industry", "/industry", "nav_industry", industry_callbacks.page_layout),
    ("index", "/index", "nav_index", index_callbacks.page_layout),
    ("data", "/data", "nav_data", data_callbacks.page_layout),
    ("api", "/api", "nav_api", api_callbacks.page_layout),
]


def create_app() -> Dash:
    app = Dash(__name__, use_pages=True, pages_folder="", title="chiiki — 地域経済ダッシュボード",
               suppress_callback_exceptions=True, serve_locally=True, compress=True)
    routes.register(app)
    api_callbacks.register(app)
    # plotly.js is the largest download; ask for it with the page instead of after the first render.
    app.index_string = app.index_string.replace(
        "{%css%}", '{%css%}\n        <link rel="preload" as="script" '
                   'href="/_dash-component-suites/plotly/package_data/plotly.min.js">')
    for module, path, key, layout in PAGES:
        dash.register_page(module, path=path, name=t(key, "ja"), title=f"{t(key, 'ja')} — chiiki", layout=layout)
    start_callbacks.register(app)
    map_callbacks.register(app)
    profile_callbacks.register(app)
    compare_callbacks.register(app)
    industry_callbacks.register(app)
    index_callbacks.register(app)
    data_callbacks.register(app)

    app.layout = html.Div([
        html.Nav(id=ids.NAV, **{"aria-label": "ページ / pages"}, children=[
            *[dcc.Link(t(key, "ja"), href=path, id=f"nav-{module}") for module, path, key, _ in PAGES],
            html.Span(className="spacer"),
            html.A(t("switch_lang", "ja"), href="?lang=en", id="nav-lang", hrefLang="en"),
        ]),
        html.Main(dash.page_container, id=ids.PAGE_CONTAINER),
        html.Footer(html.Small("chiiki — 出典は各図の下と「データと出典」に / sources under each chart and on "
                               "Data and sources"), className="no-print"),
    ])

    # The address bar follows the page's state; nav links and the language switch follow the language.
    nav = json.dumps({"switch": [t("switch_lang", "ja"), t("switch_lang", "en")],
                      "pages": [[path, [t(key, "ja"), t(key, "en")]] for _, path, key, _ in PAGES]},
                     ensure_ascii=False)
    app.clientside_callback(
        """function(query, lang) {
            const nav = NAV;
            const i = lang === 'en' ? 1 : 0;
            const link = window.dash_clientside.chiiki.syncUrl(query);
            const params = new URLSearchParams(query || '');
            if (lang === 'en') { params.delete('lang'); } else { params.set('lang', 'en'); }
            const out = [link, '?' + params.toString(), nav.switch[i]];
            const suffix = lang === 'en' ? '?lang=en' : '';
            for (const p of nav.pages) { out.push(p[0] + suffix); out.push(p[1][i]); }
            return out;
        }""".replace("NAV", nav),
        Output(ids.URL_LINK, "children"), Output("nav-lang", "href"), Output("nav-lang", "children"),
        *[o for module, *_ in PAGES for o in (Output(f"nav-{module}", "href"), Output(f"nav-{module}", "children"))],
        Input(ids.URL_QUERY, "data"), Input(ids.LANG, "data"))
    return app


app = create_app()
server = app.server
