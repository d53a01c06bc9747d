"""Map page: choropleth, ranking bar chart and table of one indicator."""

from __future__ import annotations

from dash import dash_table, dcc, html

from layouts import figures, ids
from layouts.common import control, export_bar, graph, notice, url_state
from layouts.i18n import t
from layouts.numbers import TABLE_FORMAT, scaled

GEOJSON = {"prefecture": "/geo/prefectures.geojson", "municipality": "/geo/municipalities.geojson"}
NORM_KEYS = ("none", "per_1000", "per_km2", "share", "relative", "deviation")
CLS_KEYS = ("quantile", "equal", "jenks", "fixed")
PALETTES = ("viridis", "cividis", "blues", "ylgnbu")


def indicator_options(catalog, lang: str, themes: dict) -> list[dict]:
    """Indicators grouped by theme (the theme leads the label, so typing either finds it)."""
    rows = catalog[catalog["kind"] != "lq"].sort_values(["theme", "id"])
    out = []
    for r in rows.itertuples():
        theme = themes.get(r.theme, (r.theme, r.theme))[1 if lang == "en" else 0]
        label = r.name_en if lang == "en" else r.name_ja
        status = "" if r.status == "loaded" else f" ({t('not_loaded', lang)})"
        out.append({"label": f"{theme} › {label}{status}", "value": r.id, "search": f"{r.id} {r.name_ja} {r.name_en}"})
    return out


def title(meta: dict, unit: str, year: int, lang: str, level: str) -> str:
    name = meta["name_en"] if lang == "en" else meta["name_ja"]
    lv = t(f"level_{level}", lang)
    return f"{name}（{unit}、{year}年・{lv}）" if lang != "en" else f"{name} ({unit}, {year}, {lv.lower()})"


def source_line(meta: dict, lang: str) -> str:
    src = meta["source_en"] if lang == "en" else meta["source_ja"]
    credit = meta.get("credit") or ""
    geo = "境界: 国土数値情報（行政区域）を加工" if lang != "en" else "Boundaries: MLIT N03, processed"
    return f"{t('source', lang)}: {src}. {credit}. {geo}"


def reference(view, level: str, lang: str) -> tuple[float | None, str]:
    """The value bars and hovers are compared with, and its label.

    Prefectures compare with Japan. A municipality compares with the median municipality of those
    shown (Japan's, or its prefecture's when filtered): Japan's total of a count (5,795万人 of
    employees) dwarfs every municipality and says nothing about a typical one.
    """
    if level == "municipality":
        med = view.table["value"].median()
        return (float(med) if med == med else None), t("median_municipality", lang)
    nat = view.national if view.national == view.national else None
    return nat, t("national", lang)


def map_figure(view, *, lang: str, level: str, edges: list[float] | None, palette: str, centre: float | None,
               height: int = 560) -> dict:
    tab = view.table
    unit = view.unit_en if lang == "en" else view.unit_ja
    names = [n if lang != "en" or not isinstance(e, str) else e
             for n, e in zip(tab["name_ja"], tab["name_en"], strict=True)]
    z = figures.numbers(tab["value"].tolist())
    ranks = [None if r != r else int(r) for r in tab["rank"]]
    colour = figures.colour_spec(z, edges=edges, palette=palette, centre=centre)
    ref, ref_label = reference(view, level, lang)
    return figures.choropleth(
        geojson_url=GEOJSON[level], locations=tab["region_code"].tolist(), names=names, z=z, ranks=ranks,
        colour=colour, unit=unit, title=title(view.meta, unit, view.year, lang, level),
        source=source_line(view.meta, lang), hover_rank=t("rank", lang), hover_national=ref_label,
        national=ref, height=height, value_texts=[scaled(v, unit, lang) for v in tab["value"]],
        national_text=scaled(ref, unit, lang),
        details=[f"{t('dataset', lang)}: {d}" if isinstance(d, str) else "" for d in tab["dataset"]])


def ranking_figure(view, *, lang: str, level: str, highlight: str | None, limit: int = 60) -> dict:
    tab = view.table.sort_values("rank").head(limit) if level == "municipality" else view.table
    unit = view.unit_en if lang == "en" else view.unit_ja
    names = [n if lang != "en" or not isinstance(e, str) else e
             for n, e in zip(tab["name_ja"], tab["name_en"], strict=True)]
    head = t("ranking", lang) + (f" (top {limit})" if level == "municipality" else "")
    ref, ref_label = reference(view, level, lang)
    return figures.ranking_bar(names=names, values=tab["value"].tolist(), unit=unit,
                               title=f"{head}: {title(view.meta, unit, view.year, lang, level)}",
                               source=source_line(view.meta, lang), highlight=highlight,
                               codes=tab["region_code"].tolist(), national=ref, national_label=ref_label,
                               value_texts=[scaled(v, unit, lang) for v in tab["value"]],
                               national_text=scaled(ref, unit, lang))


def table_rows(view, lang: str) -> list[dict]:
    tab = view.table.sort_values(["rank", "region_code"], na_position="last")
    return [{"region_code": r.region_code,
             "region": r.name_en if lang == "en" and isinstance(r.name_en, str) else r.name_ja,
             "value": None if r.value != r.value else float(f"{r.value:.6g}"),
             "rank": None if r.rank != r.rank else int(r.rank)} for r in tab.itertuples()]


def layout(state, *, query: str, options: list[dict], years: list[int], norms: list[str],
           prefectures: list[dict], figure: dict | None, ranking: dict | None, rows: list[dict], message,
           source: str) -> html.Div:
    lang = state["lang"]
    opt = lambda keys, prefix: [{"label": t(f"{prefix}_{k}", lang), "value": k} for k in keys]  # noqa: E731
    return html.Div([
        url_state(query, lang),
        html.H1(t("nav_map", lang)),
        notice(state.notices, lang, ids.MAP_NOTICE),
        html.Div([
            control(t("indicator", lang), dcc.Dropdown(id=ids.MAP_INDICATOR, options=options, value=state["ind"],
                                                       clearable=False, searchable=True), ids.MAP_INDICATOR),
            control(t("year", lang), dcc.Dropdown(id=ids.MAP_YEAR, options=[{"label": str(y), "value": y}
                                                                            for y in years],
                                                  value=state["year"], clearable=False), ids.MAP_YEAR),
            control(t("level", lang), dcc.RadioItems(id=ids.MAP_LEVEL, value=state["level"], inline=True,
                                                     options=opt(("prefecture", "municipality"), "level")),
                    ids.MAP_LEVEL),
            control(t("prefecture_filter", lang), dcc.Dropdown(id=ids.MAP_PREFECTURE, options=prefectures,
                                                               value=state["pref"] or None,
                                                               placeholder=t("whole_country", lang)),
                    ids.MAP_PREFECTURE),
            control(t("normalisation", lang), dcc.Dropdown(id=ids.MAP_NORMALISATION, options=opt(norms, "norm"),
                                                           value=state["norm"], clearable=False),
                    ids.MAP_NORMALISATION),
            control(t("classification", lang), dcc.Dropdown(id=ids.MAP_CLASSIFICATION, options=opt(CLS_KEYS, "cls"),
                                                            value=state["cls"], clearable=False),
                    ids.MAP_CLASSIFICATION),
            control(t("classes", lang), dcc.Slider(id=ids.MAP_CLASSES, min=3, max=9, step=1, value=state["k"],
                                                   marks={i: str(i) for i in range(3, 10)}), ids.MAP_CLASSES),
            control(t("fixed_breaks", lang), dcc.Input(id=ids.MAP_BREAKS, type="text", value=state["bins"],
                                                       debounce=True, placeholder="0, 10, 20, 50"), ids.MAP_BREAKS),
            control(t("palette", lang), dcc.Dropdown(id=ids.MAP_PALETTE, value=state["pal"], clearable=False,
                                                     options=[{"label": p, "value": p} for p in PALETTES]),
                    ids.MAP_PALETTE),
        ], className="controls"),
        export_bar(ids.MAP_EXPORT, lang),
        html.Div(id=ids.MAP_MESSAGE, children=message),
        html.Div([
            html.Div([html.Div([
                          html.Img(src=f"/preview/map.svg?{query}", className="map-preview", alt="",
                                   **{"aria-hidden": "true"}) if state["level"] == "prefecture" and figure else None,
                          graph(ids.MAP_GRAPH, figure, filename="chiiki-map", label=t("nav_map", lang))],
                          className="map-box"),
                      html.P(source, id=ids.MAP_SOURCE, className="source-line")]),
            html.Div([
                graph(ids.MAP_RANKING, ranking, filename="chiiki-ranking", label=t("ranking", lang)),
                html.H2(t("table", lang), className="visually-hidden"),
                dash_table.DataTable(
                    id=ids.MAP_TABLE, data=rows, sort_action="native", page_size=15,
                    columns=[{"id": "rank", "name": t("rank", lang)}, {"id": "region", "name": t("region", lang)},
                             {"id": "value", "name": t("value", lang), "type": "numeric",
                              "format": {"specifier": TABLE_FORMAT}}],
                    style_cell={"textAlign": "left", "fontFamily": "inherit"}),
            ]),
        ], className="grid-2"),
        html.Span(id=ids.MAP_GOTO, className="visually-hidden"),
        dcc.Store(id=ids.MAP_REGION, data=state["region"]),
        html.Span(id=ids.MAP_IMAGE_DONE, className="visually-hidden"),
    ])
