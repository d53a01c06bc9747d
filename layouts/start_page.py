"""Start page: what the dashboard holds and how fresh it is."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids


def layout(manifest: dict, loaded: int, not_loaded: int) -> html.Div:
    counts = manifest["counts"]
    return html.Div([
        html.H1("地域経済ダッシュボード chiiki / Regional dashboard"),
        html.P(["データの最新年 / latest reference year: ",
                html.Strong(str(manifest["latest_reference_year"]), id=ids.START_DATA_DATE)]),
        html.P(id=ids.START_COUNTS, children=(
            f"{counts['prefectures']} 都道府県・{counts['municipalities']} 市区町村、"
            f"指標 {loaded} 件を収録（未読込 {not_loaded} 件）。 "
            f"{counts['prefectures']} prefectures, {counts['municipalities']} municipalities, "
            f"{loaded} indicators loaded ({not_loaded} not loaded).")),
        dcc.Link("データと出典 / Data and sources →", href="/data"),
    ])
