"""Compare page: chosen prefectures and groups side by side, a scatter of two indicators, time series."""

from __future__ import annotations

from dash import dash_table, dcc, html

from layouts import figures, ids
from layouts.common import control, export_bar, graph, notice, url_state
from layouts.i18n import t
from layouts.numbers import TABLE_FORMAT

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


def layout(state, *, query: str, region_options: list[dict], indicator_options: list[dict], bars: dict,
           scatter: dict, series: dict, rows: list[dict], message) -> html.Div:
    lang = state["lang"]
    return html.Div([
        url_state(query, lang),
        html.H1(t("nav_compare", lang)),
        notice(state.notices, lang, ids.COMPARE_NOTICE),
        html.Div([
            control(t("regions", lang), dcc.Dropdown(id=ids.COMPARE_REGIONS, options=region_options,
                                                     value=state["regions"], multi=True), ids.COMPARE_REGIONS),
            control(t("indicator", lang), dcc.Dropdown(id=ids.COMPARE_INDICATOR, options=indicator_options,
                                                       value=state["ind"], clearable=False), ids.COMPARE_INDICATOR),
            control(t("x_indicator", lang), dcc.Dropdown(id=ids.COMPARE_X, options=indicator_options,
                                                         value=state["x"], clearable=False), ids.COMPARE_X),
            control(t("y_indicator", lang), dcc.Dropdown(id=ids.COMPARE_Y, options=indicator_options,
                                                         value=state["y"], clearable=False), ids.COMPARE_Y),
        ], className="controls"),
        html.Div(message, id="compare-message"),
        html.P(api_links(state["ind"], lang), id=ids.COMPARE_API, className="source"),
        export_bar(ids.COMPARE_EXPORT, lang),
        html.Div([graph(ids.COMPARE_BARS, bars, filename="chiiki-compare"),
                  graph(ids.COMPARE_SERIES, series, filename="chiiki-compare-series")], className="grid-2"),
        dash_table.DataTable(id=ids.COMPARE_TABLE, data=rows, sort_action="native",
                             columns=[{"id": "region", "name": t("region", lang)},
                                      {"id": "value", "name": t("value", lang), "type": "numeric",
                                       "format": {"specifier": TABLE_FORMAT}}],
                             style_cell={"textAlign": "left", "fontFamily": "inherit"}),
        graph(ids.COMPARE_SCATTER, scatter, filename="chiiki-scatter"),
        html.Span(id=ids.COMPARE_IMAGE_DONE, className="visually-hidden"),
    ])
