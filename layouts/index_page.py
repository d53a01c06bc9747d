"""Innovation index page: the composite on a map by performance group, the indicators, weights, rank bands."""

from __future__ import annotations

from dash import dash_table, dcc, html

from layouts import figures, ids
from layouts.common import control, export_bar, graph, notice, url_state
from layouts.i18n import t

GROUP_ORDER = ["emerging", "moderate", "strong", "leader"]
GROUP_COLOURS = ["#fdb863", "#e08214", "#8073ac", "#2d004b"]   # PuOr family, readable in grey too
GROUP_JA = {"leader": "リーダー", "strong": "ストロング", "moderate": "モデレート", "emerging": "エマージング"}

SOURCE_JA = "方法: 地域イノベーション・スコアボード（RIS）の手順に準拠。出典は各指標（データと出典を参照）"
SOURCE_EN = "Method: Regional Innovation Scoreboard steps. Sources: see each indicator on Data and sources"


def group_label(g: str, lang: str) -> str:
    return g.capitalize() if lang == "en" else GROUP_JA.get(g, g)


def map_figure(scores, names: dict[str, str], lang: str) -> dict:
    z = [GROUP_ORDER.index(g) if g in GROUP_ORDER else None for g in scores["group"]]
    scale = []
    for i, c in enumerate(GROUP_COLOURS):
        scale += [[i / 4, c], [(i + 1) / 4, c]]
    colour = {"colorscale": scale, "zmin": -0.5, "zmax": 3.5,
              "colorbar": {"tickvals": [0, 1, 2, 3], "ticktext": [group_label(g, lang) for g in GROUP_ORDER]}}
    ranks = [f"{int(r)} ({float(v):.0f})" for r, v in zip(scores["rank"], scores["relative"], strict=True)]
    title = t("nav_index", lang) + (" — 全国=100" if lang != "en" else " — Japan = 100")
    fig = figures.choropleth(geojson_url="/geo/prefectures.geojson", locations=scores["region_code"].tolist(),
                             names=[names[c] for c in scores["region_code"]], z=z, ranks=ranks, colour=colour,
                             unit="", title=title,
                             source=SOURCE_EN if lang == "en" else SOURCE_JA, hover_rank=t("rank", lang),
                             hover_national=t("national", lang), national=100.0, height=560)
    scale_name = "全国=100" if lang != "en" else "Japan = 100"
    fig["data"][0]["hovertemplate"] = (f"<b>%{{text}}</b><br>{t('rank', lang)} ({scale_name}): %{{customdata}}"
                                       "<extra></extra>")
    return fig


def band_figure(scores, names: dict[str, str], lang: str) -> dict:
    s = scores.sort_values("rank")
    return figures.rank_band(names=[names[c] for c in s["region_code"]], rank=s["rank"].tolist(),
                             best=s["rank_best"].tolist(), worst=s["rank_worst"].tolist(),
                             title=t("rank_band", lang), source=SOURCE_EN if lang == "en" else SOURCE_JA,
                             x_title=t("rank", lang))


def table_rows(scores, names: dict[str, str], lang: str) -> list[dict]:
    return [{"region": names[r.region_code], "index": round(float(r.index), 3),
             "relative": round(float(r.relative), 1),
             "group": group_label(r.group, lang) if isinstance(r.group, str) else "", "rank": int(r.rank),
             "band": f"{int(r.rank_best)}–{int(r.rank_worst)}"} for r in scores.sort_values("rank").itertuples()]


def weights_inputs(indicators: list[str], weights: dict[str, float], names: dict[str, str]) -> list:
    return [html.Div([html.Label(names.get(i, i), htmlFor=f"index-w-{i}"),
                      dcc.Input(id={"type": "index-weight", "id": i}, type="number", min=0, max=10, step=0.5,
                                value=weights.get(i, 1), debounce=True, style={"width": "5rem"})],
                     className="weight") for i in indicators]


def layout(state, *, query: str, options: list[dict], chosen: list[str], weights, fig_map: dict, fig_band: dict,
           rows: list[dict], notes: list[str], message) -> html.Div:
    lang = state["lang"]
    return html.Div([
        url_state(query, lang),
        html.H1(t("nav_index", lang)),
        notice(state.notices, lang, ids.INDEX_NOTICE),
        html.Div([control(t("index_indicators", lang), dcc.Checklist(id=ids.INDEX_INDICATORS, options=options,
                                                                     value=chosen), ids.INDEX_INDICATORS),
                  html.Div([html.Span(t("weights", lang), className="control-label"),
                            html.Div(weights, id=ids.INDEX_WEIGHTS)], className="control")],
                 className="controls"),
        html.Div(message, id="index-message"),
        html.Ul([html.Li(n) for n in notes], id=ids.INDEX_NOTES, className="source-line"),
        export_bar(ids.INDEX_EXPORT, lang),
        html.Div([graph(ids.INDEX_MAP, fig_map, filename="chiiki-index-map"),
                  graph(ids.INDEX_BAND, fig_band, filename="chiiki-index-bands")], className="grid-2"),
        dash_table.DataTable(id=ids.INDEX_TABLE, data=rows, sort_action="native", page_size=47,
                             columns=[{"id": "rank", "name": t("rank", lang)},
                                      {"id": "region", "name": t("region", lang)},
                                      {"id": "relative", "name": "全国=100" if lang != "en" else "Japan = 100"},
                                      {"id": "group", "name": t("group", lang)}, {"id": "index", "name": "0–1"},
                                      {"id": "band", "name": t("rank_band", lang)}],
                             style_cell={"textAlign": "left", "fontFamily": "inherit"}),
        html.Span(id=ids.INDEX_IMAGE_DONE, className="visually-hidden"),
    ])
