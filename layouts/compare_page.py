"""Compare page: chosen prefectures and groups side by side, a scatter of two indicators, time series."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from layouts import figures, ids
from layouts.common import control, data_table, export_bar, graph, notice, url_state
from layouts.i18n import t
from layouts.industry_page import MEASURES, UNITS, count_text
from layouts.industry_page import source as industry_source

GROUP_LEVELS = ("block", "metro")


def region_labels(regions: list[tuple[str, str, str, str]], aggregation: str, lang: str) -> dict[str, str]:
    """Display names by code; a group whose value is a plain mean of prefectures says so in its name."""
    suffix = t("group_mean_suffix", lang) if aggregation == "mean" else ""
    return {c: (en if lang == "en" and en else ja) + (suffix if level in GROUP_LEVELS else "")
            for c, ja, en, level in regions}


def api_links(indicator: str, lang: str) -> list:
    """The view's data through the API: the comparison of the indicator across the 47 prefectures."""
    from layouts.api_page import api_link

    return [api_link("/compare", f"indicator={indicator}", lang)]


def bars_figure(values: list[tuple[str, float | None]], meta: dict, year: int, lang: str) -> dict:
    unit = meta["unit_en"] if lang == "en" else meta["unit"]
    name = meta["name_en"] if lang == "en" else meta["name_ja"]
    src = (f"{t('source', lang)}: {meta['source_en'] if lang == 'en' else meta['source_ja']}. "
           f"{meta.get('credit') or ''}. {t('group_' + meta['aggregation'], lang)}")
    return figures.grouped_bars(categories=[n for n, _ in values], series=[{"name": name, "y": [v for _, v in values]}],
                                title=f"{name} ({unit}, {year})", y_title=unit, source=src)


def scatter_figure(points: list[tuple[str, str, float | None, float | None]], mx: dict, my: dict, lang: str,
                   highlight: set[str]) -> dict:
    def label(m):
        return f"{m['name_en'] if lang == 'en' else m['name_ja']} ({m['unit_en'] if lang == 'en' else m['unit']})"
    src = (f"{t('source', lang)}: {mx['source_en'] if lang == 'en' else mx['source_ja']}; "
           f"{my['source_en'] if lang == 'en' else my['source_ja']}")
    return figures.scatter_fit(x=[p[2] for p in points], y=[p[3] for p in points], labels=[p[1] for p in points],
                               x_title=label(mx), y_title=label(my), title=f"{label(my)} × {label(mx)}",
                               source=src, highlight=highlight)


def image_buttons(prefix: str, lang: str, label: str, *, data: bool = False) -> html.Div:
    """PNG/SVG buttons of one chart (and CSV/Excel of its data): every chart on the page exports itself."""
    buttons = [html.Button(t("download_png", lang), id=f"{prefix}-png", className="btn", n_clicks=0),
               html.Button(t("download_svg", lang), id=f"{prefix}-svg", className="btn", n_clicks=0)]
    if data:
        buttons += [html.Button(t("download_csv", lang), id=f"{prefix}-csv", className="btn", n_clicks=0),
                    html.Button(t("download_xlsx", lang), id=f"{prefix}-xlsx", className="btn", n_clicks=0),
                    dcc.Download(id=f"{prefix}-download")]
    return html.Div([html.Span(label, className="export-label"), *buttons], className="export-bar",
                    role="group", **{"aria-label": label})


def lq_source(meta: dict, year: int, lang: str) -> str:
    """Year, source and credit of the LQs shown, as the line under the chart and table says them."""
    src = meta.get("source_en") if lang == "en" else meta.get("source_ja")
    text = f"{t('source', lang)}: {src or '—'}"
    if meta.get("credit"):
        text += ("。" if lang != "en" else ". ") + meta["credit"]
    return t("compare_lq_year_source", lang, year=year, source=text)


def lq_figure(rows: pd.DataFrame, names: dict[str, str], measure: str, industry_name: str, year: int,
              lang: str) -> dict:
    """One bar per prefecture at its LQ, Japan = 1 drawn across; the hover gives the count behind each LQ."""
    counts = [count_text(v, measure, lang) for v in rows["value"]]
    shares = ["—" if s != s else f"{s:.1%}" for s in rows["share"]]
    lqs = [None if v != v else float(v) for v in rows["lq"]]
    share_label = "域内シェア" if lang != "en" else "share of the region"
    trace = {"type": "bar", "x": [names.get(c, c) for c in rows["region_code"]], "y": figures.numbers(lqs),
             "marker": {"color": "#4a6fa5"},
             "customdata": [[c, s] for c, s in zip(counts, shares, strict=True)],
             "hovertemplate": (f"%{{x}}<br>LQ %{{y:.2f}}<br>{t('measure_' + measure, lang)} %{{customdata[0]}} "
                               f"({share_label} %{{customdata[1]}})<extra></extra>"),
             "text": [f"{v:.2f}" if v is not None else "—" for v in lqs], "textposition": "outside",
             "cliponaxis": False, "name": "LQ"}
    unit = t("compare_lq_unit", lang)
    title = (f"{industry_name}: 特化係数（{t('measure_' + measure, lang)}、{year}年）" if lang != "en" else
             f"{industry_name}: location quotient ({t('measure_' + measure, lang).lower()}, {year})")
    # The full source and credit are under the chart; inside it a line short enough to stay readable in a PNG.
    year_text = f"{year}年 · " if lang != "en" else f"{year} · "
    layout = figures.base_layout(title, year_text + industry_source(measure, lang), height=460)
    figures.place_source(layout, figures.AXIS_TICKS_PX)     # under the region names
    top = max([v for v in lqs if v is not None] + [1.0]) * 1.15
    layout.update({"yaxis": {"title": {"text": unit}, "gridcolor": "#eee", "range": [0, top], "automargin": True},
                   "xaxis": {"automargin": True}, "showlegend": False,
                   "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 1, "y1": 1,
                               "line": {"color": "#333", "dash": "dash", "width": 1}}]})
    layout["annotations"].append({"text": t("compare_lq_reference", lang), "xref": "paper", "x": 1, "y": 1,
                                  "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                                  "font": {"size": 11}})
    return {"data": [trace], "layout": layout}


def lq_table_rows(rows: pd.DataFrame, names: dict[str, str]) -> list[dict]:
    """The LQ chart as a table: each LQ with the count and share it comes from."""
    return [{"region": names.get(r.region_code, r.region_code),
             "lq": None if r.lq != r.lq else round(float(r.lq), 3),
             "value": None if r.value != r.value else float(r.value),
             "share": None if r.share != r.share else round(float(r.share) * 100, 2)} for r in rows.itertuples()]


def lq_columns(measure: str, lang: str) -> list[dict]:
    """The LQ table's columns; the count's header names the measure and its unit."""
    ja, en = UNITS[measure]
    return [{"id": "region", "name": t("region", lang)},
            {"id": "lq", "name": t("compare_lq_unit", lang), "type": "numeric"},
            {"id": "value", "name": f"{t('measure_' + measure, lang)} ({ja if lang != 'en' else en})",
             "type": "numeric", "format": {"specifier": ",.0f"}},
            {"id": "share", "name": t("compare_lq_share", lang), "type": "numeric"}]


def lq_table(rows: list[dict], measure: str, lang: str) -> html.Div:
    """The LQ chart as a plain table; LQs to three decimals as in the export."""
    cols = lq_columns(measure, lang)
    shown = [{**r, "lq": "—" if r.get("lq") is None else f"{r['lq']:.3f}"} for r in rows]
    return data_table(shown, [(c["id"], c["name"], c.get("type") == "numeric" and c["id"] != "lq") for c in cols],
                      caption=t("compare_lq_head", lang), lang=lang)


def values_table(rows: list[dict], lang: str) -> html.Div:
    """The bars as a plain table."""
    return data_table(rows, [("region", t("region", lang), False), ("value", t("value", lang), True)],
                      caption=t("nav_compare", lang), lang=lang)


def lq_section(state, *, years: list[int], industries: list[dict], figure: dict, rows: list[dict],
               note) -> html.Section:
    """Location quotients of the chosen prefectures: its own measure, year and industry, chart, table, export."""
    lang = state["lang"]
    measure = state["lq_measure"]
    return html.Section([
        html.H2(t("compare_lq_head", lang), id="compare-lq-head"),
        html.P(t("compare_lq_about", lang), className="source"),
        html.Div([
            control(t("measure", lang), dcc.RadioItems(
                id=ids.COMPARE_LQ_MEASURE, value=measure, inline=True,
                options=[{"label": t(f"measure_{m}", lang), "value": m} for m in MEASURES]), ids.COMPARE_LQ_MEASURE),
            control(t("year", lang), dcc.Dropdown(id=ids.COMPARE_LQ_YEAR, value=state["lq_year"], clearable=False,
                                                  options=[{"label": str(y), "value": y} for y in years]),
                    ids.COMPARE_LQ_YEAR),
            control(t("industry", lang), dcc.Dropdown(id=ids.COMPARE_LQ_INDUSTRY, options=industries,
                                                      value=state["lq_ind"], clearable=False),
                    ids.COMPARE_LQ_INDUSTRY),
        ], className="controls"),
        image_buttons(ids.COMPARE_LQ_EXPORT, lang, t("compare_export_lq", lang), data=True),
        html.Div([graph(ids.COMPARE_LQ_BARS, figure, filename="chiiki-compare-lq", label=t("compare_lq_head", lang)),
                  html.Div(lq_table(rows, measure, lang), id=ids.COMPARE_LQ_TABLE)],
                 className="grid-2"),
        html.P(note, id=ids.COMPARE_LQ_NOTE, className="source"),
        html.Span(id=ids.COMPARE_LQ_IMAGE_DONE, className="visually-hidden"),
    ], className="compare-lq", **{"aria-labelledby": "compare-lq-head"})


def layout(state, *, query: str, region_options: list[dict], indicator_options: list[dict], bars: dict,
           scatter: dict, series: dict, rows: list[dict], message, lq: html.Section | None = None,
           xy_options: list[dict] | None = None, muni_options: list[dict] | None = None,
           muni: str | None = None) -> html.Div:
    lang = state["lang"]
    xy_options = indicator_options if xy_options is None else xy_options
    return html.Div([
        url_state(query, lang),
        html.H1(t("nav_compare", lang)),
        notice(state.notices, lang, ids.COMPARE_NOTICE),
        html.Div([
            control(t("regions", lang), dcc.Dropdown(id=ids.COMPARE_REGIONS, options=region_options,
                                                     value=state["regions"], multi=True,
                                                     placeholder=t("compare_regions_hint", lang)),
                    ids.COMPARE_REGIONS),
            control(t("indicator", lang), dcc.Dropdown(id=ids.COMPARE_INDICATOR, options=indicator_options,
                                                       value=state["ind"], clearable=False), ids.COMPARE_INDICATOR),
            control(t("x_indicator", lang), dcc.Dropdown(id=ids.COMPARE_X, options=xy_options,
                                                         value=state["x"], clearable=False), ids.COMPARE_X),
            control(t("y_indicator", lang), dcc.Dropdown(id=ids.COMPARE_Y, options=xy_options,
                                                         value=state["y"], clearable=False), ids.COMPARE_Y),
        ], className="controls"),
        # One click: a municipality beside its prefecture, its 類似団体 median and Japan.
        html.Div([
            control(t("compare_muni", lang), dcc.Dropdown(id=ids.COMPARE_MUNI, options=muni_options or [],
                                                          value=muni, placeholder=t("compare_muni_hint", lang)),
                    ids.COMPARE_MUNI),
            html.Button(t("compare_muni_go", lang), id=ids.COMPARE_MUNI_GO, className="btn", n_clicks=0),
        ], className="controls compare-muni"),
        html.Div(message, id="compare-message"),
        html.P(api_links(state["ind"], lang), id=ids.COMPARE_API, className="source"),
        export_bar(ids.COMPARE_EXPORT, lang),
        html.Div([graph(ids.COMPARE_BARS, bars, filename="chiiki-compare"),
                  html.Div([image_buttons(ids.COMPARE_SERIES_EXPORT, lang, t("compare_export_series", lang)),
                            graph(ids.COMPARE_SERIES, series, filename="chiiki-compare-series")])],
                 className="grid-2"),
        html.Div(values_table(rows, lang), id=ids.COMPARE_TABLE),
        image_buttons(ids.COMPARE_SCATTER_EXPORT, lang, t("compare_export_scatter", lang)),
        graph(ids.COMPARE_SCATTER, scatter, filename="chiiki-scatter"),
        html.Span(id=ids.COMPARE_IMAGE_DONE, className="visually-hidden"),
        html.Span(id=ids.COMPARE_SCATTER_IMAGE_DONE, className="visually-hidden"),
        html.Span(id=ids.COMPARE_SERIES_IMAGE_DONE, className="visually-hidden"),
        *([lq] if lq is not None else []),
    ])
