"""The data and sources page: the catalog with status, and every dataset's credit line."""

from __future__ import annotations

import pandas as pd
from dash import dash_table, dcc, html

from layouts import ids

CATALOG_COLUMNS = [("id", "ID"), ("name_ja", "指標"), ("name_en", "Indicator"), ("unit", "単位"),
                   ("status", "状態 / status"), ("years", "年 / years"), ("source_ja", "出典"),
                   ("how_to_load", "読み込み方法 / how to load")]


def catalog_rows(catalog: pd.DataFrame) -> list[dict]:
    """Rows for the catalog table; years as text, not-loaded rows keep their loading instructions."""
    def years(r) -> str:
        ys = r["prefecture_years"]
        ys = ys if hasattr(ys, "__len__") else r["municipality_years"]
        if not hasattr(ys, "__len__") or len(ys) == 0:
            return "—"
        ys = [int(y) for y in ys]
        return f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])

    out = catalog.assign(years=catalog.apply(years, axis=1))
    return out[[c for c, _ in CATALOG_COLUMNS]].fillna("").to_dict("records")


def layout(catalog: pd.DataFrame, datasets: pd.DataFrame, themes: dict[str, tuple[str, str]]) -> html.Div:
    theme_options = [{"label": f"{ja} / {en}", "value": k} for k, (ja, en) in themes.items()]
    return html.Div([
        html.H1("データと出典 / Data and sources"),
        html.P("指標の一覧です。「未読込」の指標は公式ファイルを取り込むと表示されます。"
               " Indicators marked not loaded appear once you import their official file."),
        html.Div([
            html.Label(["検索 / Search", dcc.Input(id=ids.DATA_SEARCH, type="search", debounce=True,
                                                 placeholder="例: 人口, patent")]),
            html.Label(["分野 / Theme", dcc.Dropdown(id=ids.DATA_THEME, options=theme_options, multi=True)]),
            html.Label(["状態 / Status", dcc.RadioItems(
                id=ids.DATA_STATUS, value="all", inline=True,
                options=[{"label": "すべて / all", "value": "all"},
                         {"label": "読込済 / loaded", "value": "loaded"},
                         {"label": "未読込 / not loaded", "value": "not loaded"}])]),
        ], className="controls"),
        html.P(id=ids.DATA_COUNT, role="status"),
        dash_table.DataTable(
            id=ids.DATA_TABLE, columns=[{"id": c, "name": n} for c, n in CATALOG_COLUMNS],
            data=catalog_rows(catalog), page_size=25, sort_action="native",
            style_cell={"textAlign": "left", "whiteSpace": "normal", "height": "auto", "maxWidth": "28em"},
            style_data_conditional=[{"if": {"filter_query": '{status} = "not loaded"'},
                                     "backgroundColor": "#fff4e5"}]),
        html.H2("出典 / Sources"),
        html.Ul(id=ids.DATA_SOURCES, children=[
            html.Li([html.Strong(d.title_ja), f" — {d.publisher_ja}; {d.edition}; ",
                     html.Span(d.credit, className="credit"), f"; {d.licence_ja}"])
            for d in datasets.itertuples()]),
    ])


def filter_catalog(rows: list[dict], catalog: pd.DataFrame, search: str | None, themes: list[str] | None,
                   status: str) -> list[dict]:
    """Rows of ``catalog`` (aligned with ``rows``) matching the search text, themes and status."""
    keep = pd.Series(True, index=catalog.index)
    if search:
        text = (catalog["id"] + " " + catalog["name_ja"] + " " + catalog["name_en"]).str.lower()
        keep &= text.str.contains(search.strip().lower(), regex=False)
    if themes:
        keep &= catalog["theme"].isin(themes)
    if status in ("loaded", "not loaded"):
        keep &= catalog["status"] == status
    return [r for r, k in zip(rows, keep, strict=True) if k]
