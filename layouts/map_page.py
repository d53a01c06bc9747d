"""Map page: choropleth, ranking bar chart and table of one indicator."""

from __future__ import annotations

from dash import dcc, html

from layouts import figures, ids
from layouts.common import control, data_table, export_bar, graph, notice, url_state
from layouts.i18n import t
from layouts.numbers import scaled

GEOJSON = {"prefecture": "/geo/prefectures.geojson", "municipality": "/geo/municipalities.geojson"}
# A prefecture shown alone whose remote islands would shrink its map to a few pixels has its own
# boundary file with the islands as insets (issue 13; loaders/geo.py TOKYO_INSETS).
GEOJSON_ALONE = {"13": "/geo/municipalities-13.geojson"}


def geojson_url(level: str, codes: list[str]) -> str:
    prefs = {c[:2] for c in codes}
    if level == "municipality" and len(prefs) == 1 and (pref := prefs.pop()) in GEOJSON_ALONE:
        return GEOJSON_ALONE[pref]
    return GEOJSON[level]
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
               height: int = 560, notice: str | None = None) -> dict:
    """The choropleth; ``notice`` says inside the map why it has no colours (a PNG of it says so too)."""
    tab = view.table
    unit = view.unit_en if lang == "en" else view.unit_ja
    names = [n if lang != "en" or not isinstance(e, str) else e
             for n, e in zip(tab["name_ja"], tab["name_en"], strict=True)]
    z = figures.numbers(tab["value"].tolist())
    ranks = [None if r != r else int(r) for r in tab["rank"]]
    colour = figures.colour_spec(z, edges=edges, palette=palette, centre=centre)
    ref, ref_label = reference(view, level, lang)
    fig = figures.choropleth(
        geojson_url=geojson_url(level, tab["region_code"].tolist()), locations=tab["region_code"].tolist(),
        names=names, z=z, ranks=ranks,
        colour=colour, unit=unit, title=title(view.meta, unit, view.year, lang, level),
        source=source_line(view.meta, lang), hover_rank=t("rank", lang), hover_national=ref_label,
        national=ref, height=height, value_texts=[scaled(v, unit, lang) for v in tab["value"]],
        national_text=scaled(ref, unit, lang),
        details=[f"{t('dataset', lang)}: {d}" if isinstance(d, str) else "" for d in tab["dataset"]])
    if notice:
        fig["data"][0]["showscale"] = False      # a colour bar for no colours would only mislead
        fig["layout"]["annotations"].append({
            "text": notice, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "showarrow": False,
            "font": {"size": 15, "color": "#663c00"}, "bgcolor": "#fff4e5", "bordercolor": "#f2a900",
            "borderpad": 8})
    return fig


def slider_props(years: list[int], year: int | None) -> dict:
    """Range, marks and position of the year slider.

    The value is an index into ``years``, not the year: years have gaps (2016, 2021), and a slider over
    the calendar would offer years without data, while each arrow key or play step must land on one.
    """
    n = len(years)
    return {"min": 0, "max": max(n - 1, 1), "value": years.index(year) if year in years else max(n - 1, 0),
            "marks": {i: str(y) for i, y in enumerate(years)} if years else {0: "—"}, "disabled": n < 2}


def timeline(years: list[int], year: int | None, lang: str) -> html.Div:
    """Year slider with a play/pause button (the year dropdown above stays for typing a year)."""
    p = slider_props(years, year)
    return html.Div([
        html.Button(t("map_play", lang), id=ids.MAP_PLAY, n_clicks=0, className="btn map-play", disabled=p["disabled"],
                    title=t("map_play_help", lang), **{"aria-controls": ids.MAP_YEAR_SLIDER}),
        html.Span([t("year", lang), ": ", html.Strong(t("map_year_shown", lang, year=year) if year else "—",
                                                     id=ids.MAP_YEAR_LABEL)], className="map-year-label"),
        html.Div(dcc.Slider(id=ids.MAP_YEAR_SLIDER, step=1, allow_direct_input=False, included=False, **p),
                 className="map-year-slider"),
        dcc.Store(id=ids.MAP_YEARS, data=years),
        dcc.Interval(id=ids.MAP_PLAY_TIMER, interval=1200, disabled=True, n_intervals=0),
    ], className="map-timeline", role="group", **{"aria-label": t("year", lang)})


def empty_text(meta: dict, year: int, norm: str, reason: str, lang: str) -> str:
    """Names the indicator, the year and why a map has no values (see metrics.views.empty_reason)."""
    name = meta["name_en"] if lang == "en" else meta["name_ja"]
    return t(f"map_empty_{reason}", lang, name=name, year=year, norm=t(f"norm_{norm}", lang))


def empty_notice(text: str, note: str | None, link_text: str | None, href: str | None) -> html.Div:
    """What the page says above a map without values, with a link to the nearest view that has some."""
    return html.Div([html.Strong(text), " ", note,
                     dcc.Link(link_text, href=href, id=ids.MAP_NEAREST, className="btn map-nearest") if href else None],
                    className="notice map-empty", role="status")


def ranking_figure(view, *, lang: str, level: str, highlight: str | None, limit: int = 60,
                   prefecture: str | None = None) -> dict:
    """Bars of every prefecture; of the top ``limit`` municipalities of Japan, or of every municipality of one
    prefecture when the map is limited to it (Hokkaido's 179 are a long chart, but none is left out)."""
    top = level == "municipality" and not prefecture
    tab = view.table.sort_values("rank").head(limit) if top else view.table
    unit = view.unit_en if lang == "en" else view.unit_ja
    names = [n if lang != "en" or not isinstance(e, str) else e
             for n, e in zip(tab["name_ja"], tab["name_en"], strict=True)]
    head = t("ranking", lang) + (f" (top {limit})" if top else "")
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


TABLE_PAGE_SIZE = 50


def rank_table(rows: list[dict], lang: str, page: int = 0) -> html.Div:
    """The map's values as a table, in rank order (the chart's text alternative); 50 rows a page."""
    columns = [("rank", t("rank", lang), False), ("region", t("region", lang), False),
               ("value", t("value", lang), True)]
    return data_table(rows, columns, caption=t("table", lang), lang=lang, page=page, page_size=TABLE_PAGE_SIZE,
                      pager_id=ids.MAP_TABLE_PAGER)


def layout(state, *, query: str, options: list[dict], years: list[int], norms: list[str],
           prefectures: list[dict], figure: dict | None, ranking: dict | None, rows: list[dict], message,
           source: str, controls: dict | None = None) -> html.Div:
    lang = state["lang"]
    map_graph = graph(ids.MAP_GRAPH, figure, filename="chiiki-map", label=t("nav_map", lang))
    map_graph.children.responsive = True   # its height comes from assets/map.css (full screen when presenting)
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
        timeline(years, state["year"], lang),
        html.Div(id=ids.MAP_MESSAGE, children=message),
        html.Div([
            html.Div([html.Div([
                          html.Img(src=f"/preview/map.svg?{query}", className="map-preview", alt="",
                                   **{"aria-hidden": "true"}) if state["level"] == "prefecture" and figure else None,
                          map_graph],
                          className="map-box"),
                      html.P(source, id=ids.MAP_SOURCE, className="source-line")]),
            html.Div([
                graph(ids.MAP_RANKING, ranking, filename="chiiki-ranking", label=t("ranking", lang)),
                html.H2(t("table", lang), className="visually-hidden"),
                html.Div(rank_table(rows, lang), id=ids.MAP_TABLE),
            ]),
        ], className="grid-2"),
        html.Span(id=ids.MAP_GOTO, className="visually-hidden"),
        dcc.Store(id=ids.MAP_REGION, data=state["region"]),
        dcc.Store(id=ids.MAP_DRAWN, data=figure is not None),
        dcc.Store(id=ids.MAP_CONTROLS_TABLE, data=controls),
        html.Span(id=ids.MAP_IMAGE_DONE, className="visually-hidden"),
    ], className="map-page")
