"""Region profile (地域カルテ): headline figures, findings, comparison chart, industries, series, peers."""

from __future__ import annotations

import math

import pandas as pd
from dash import dash_table, dcc, html

from layouts import figures, ids
from layouts.api_page import api_link
from layouts.common import control, export_bar, graph, notice, url_state
from layouts.i18n import t
from layouts.industry_page import strength_rule


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}"


def headline(cards: list[dict], lang: str) -> html.Div:
    out = []
    for c in cards:
        name = c["name_en"] if lang == "en" else c["name_ja"]
        rank = "—" if c["rank"] != c["rank"] else f"{int(c['rank'])}"
        out.append(html.Div([
            html.Div(name, className="card-title"),
            html.Div([_fmt(c["value"]), " ", html.Small(c["unit_en"] if lang == "en" else c["unit"])],
                     className="value"),
            html.Div(f"{t('rank', lang)} {rank}/47 · {t('national', lang)} {_fmt(c['national'])} · {c['year']}"),
        ], className="card"))
    return html.Div(out, id=ids.PROFILE_HEADLINE, className="headline")


def findings_list(found: list, lang: str) -> html.Ul:
    return html.Ul([html.Li(f.text_en if lang == "en" else f.text_ja, className=f"finding-{f.kind}")
                    for f in found], id=ids.PROFILE_FINDINGS, className="findings")


MEAN_MARK = "＊"
MEAN_MARK_EN = "*"     # one language per page: no full-width mark in English text


def _indicator_label(r, lang: str) -> str:
    """The indicator's name, marked when its block and group values are unweighted means."""
    name = r.name_en if lang == "en" else r.name_ja
    mark = MEAN_MARK_EN if lang == "en" else MEAN_MARK
    return name + (mark if getattr(r, "aggregation", "ratio") == "mean" else "")


def mean_note(lang: str) -> str:
    return (f"{MEAN_MARK}ブロック・圏域の値は都道府県の単純平均（その他は分子の合計÷分母の合計）" if lang != "en" else
            f"{MEAN_MARK_EN}block and group values are unweighted means of prefectures (others: Σ numerators / "
            "Σ denominators)")


def deviation_figure(dev: pd.DataFrame, region_name: str, lang: str, labels: dict[str, str]) -> dict:
    cats = [_indicator_label(r, lang) for r in dev.itertuples()]
    series = [{"name": region_name, "x": dev["region"].tolist()},
              {"name": labels["nation"], "x": dev["nation"].tolist()},
              {"name": labels["block"], "x": dev["block"].tolist()},
              {"name": labels["group"], "x": dev["group"].tolist()}]
    src = ("出典: SSDSE（統計センター）、県民経済計算（内閣府）。右ほど良い（低いほど良い指標は反転）"
           if lang != "en" else "Sources: SSDSE (NSTAC), Prefectural Accounts (Cabinet Office). Right is better "
           "(indicators where lower is better are flipped)")
    if "aggregation" in dev and (dev["aggregation"] == "mean").any():
        src += (" " if lang == "en" else "。") + mean_note(lang)
    return figures.dots(categories=cats, series=series, title=f"{region_name}: {t('profile_chart', lang)}",
                        source=src, x_title=t("norm_deviation", lang))


def deviation_rows(dev: pd.DataFrame, lang: str) -> list[dict]:
    """The deviation chart as a table (its text alternative)."""
    return [{"indicator": _indicator_label(r, lang), "year": int(r.year),
             "value": None if r.value != r.value else float(f"{r.value:.4g}"),
             "unit": getattr(r, "unit_en", None) or r.unit if lang == "en" else r.unit,
             "rank": None if r.rank != r.rank else int(r.rank),
             "region": None if r.region != r.region else round(float(r.region), 1),
             "nation": None if r.nation != r.nation else round(float(r.nation), 1),
             "block": None if r.block != r.block else round(float(r.block), 1),
             "group": None if r.group != r.group else round(float(r.group), 1)} for r in dev.itertuples()]


def deviation_table(rows: list[dict], labels: dict[str, str], region_name: str, lang: str):
    cols = [("indicator", t("indicator", lang)), ("year", t("year", lang)), ("value", t("value", lang)),
            ("unit", "単位" if lang != "en" else "Unit"), ("rank", t("rank", lang)), ("region", region_name),
            ("nation", labels["nation"]), ("block", labels["block"]), ("group", labels["group"])]
    return dash_table.DataTable(id=ids.PROFILE_DEVIATION_TABLE, data=rows, sort_action="native",
                                columns=[{"id": c, "name": n} for c, n in cols],
                                style_cell={"textAlign": "left", "fontFamily": "inherit"})


def bubble_figure(lq_rows: pd.DataFrame, region_name: str, lang: str, threshold: float, min_share: float) -> dict:
    labels = (lq_rows["industry_name_en"] if lang == "en" else lq_rows["industry_name_ja"]).tolist()
    year = int(lq_rows["year"].iloc[0]) if len(lq_rows) else ""
    src = ("出典: 経済センサス‐活動調査（SSDSE-A の市区町村合計）。点線: 特化係数 {0} と域内シェア {1:.0%}。{2}"
           if lang != "en" else "Source: Economic Census (sum of SSDSE-A municipalities). Dashed: LQ {0} and "
           "{1:.0%} of the region. {2}").format(threshold, min_share, strength_rule("employees", lang))
    return figures.bubble(x=lq_rows["share"].tolist(), y=lq_rows["lq"].tolist(), size=lq_rows["value"].tolist(),
                          labels=labels, title=f"{region_name}: {t('industries', lang)} ({year})", source=src,
                          x_title="域内シェア（対数軸）" if lang != "en" else "Share of the region (log scale)",
                          y_title="特化係数" if lang != "en" else "Location quotient", lq_threshold=threshold,
                          min_share=min_share, size_unit="人" if lang != "en" else " employees")


def series_figure(s: pd.DataFrame, names: dict[str, str], meta: dict, lang: str) -> dict:
    """The region, Japan, its block and group over time; additive counts as an index (base year = 100).

    The first region in ``s`` sets the base year (its first year with a value) and where the x axis
    starts: a year without values is not drawn, so the axis never opens on empty years. A series
    that has no value in the base year (Japan's row often starts later) is indexed to its own first
    year and says so in its name, so no line looks rebased to a year it does not have.
    """
    unit = meta["unit_en"] if lang == "en" else meta["unit"]
    name = meta["name_en"] if lang == "en" else meta["name_ja"]
    rebase = bool(meta.get("additive"))
    s = s[s["value"].notna()]
    groups = [(code, g.sort_values("year")) for code, g in s.groupby("region_code", sort=False)]
    base = int(groups[0][1]["year"].iloc[0]) if groups else None
    series = []
    for code, g in groups:
        years, y = g["year"].astype(int).tolist(), g["value"].tolist()
        label = names.get(code, code)
        if rebase and y:
            at = years.index(base) if base in years and y[years.index(base)] else 0
            if y[at]:
                y = [v / y[at] * 100 for v in y]
                if years[at] != base:
                    label += f"（{years[at]}年=100）" if lang != "en" else f" ({years[at]} = 100)"
        series.append({"name": label, "x": years, "y": y})
    y_title = ((f"{base}年=100" if lang != "en" else f"{base} = 100") if base is not None else
               ("最初の年=100" if lang != "en" else "first year = 100")) if rebase else unit
    src = f"{t('source', lang)}: {meta['source_en'] if lang == 'en' else meta['source_ja']}"
    fig = figures.lines(series=series, title=f"{name} ({y_title})", y_title=y_title, source=src)
    years = [x for tr in series for x in tr["x"]]
    if years:
        # Plotly pads the automatic range by most of a year on each side; a fixed range starts at the data.
        first, last = min(years), max(years)
        fig["layout"]["xaxis"].update({"range": [first - 0.3, last + 0.3], "autorange": False, "tick0": first})
        for tr in fig["data"]:
            tr["cliponaxis"] = False
    fig["layout"]["yaxis"]["automargin"] = True
    return fig


def peers_table(peers: pd.DataFrame, names: dict[str, str], ind_names: dict[str, str], lang: str):
    rows = [{"region": names.get(r.region_code, r.region_code), "distance": round(float(r.distance), 2),
             "similar": t("index_sep", lang).join(ind_names.get(i, i) for i in r.similar),
             "different": t("index_sep", lang).join(ind_names.get(i, i) for i in r.different)}
            for r in peers.itertuples()]
    return dash_table.DataTable(
        id=ids.PROFILE_PEERS, data=rows, style_cell={"textAlign": "left", "whiteSpace": "normal",
                                                     "fontFamily": "inherit"},
        columns=[{"id": "region", "name": t("region", lang)},
                 {"id": "distance", "name": "距離" if lang != "en" else "Distance"},
                 {"id": "similar", "name": t("similar_on", lang)},
                 {"id": "different", "name": t("different_on", lang)}])


def layout(state, *, query: str, prefectures: list[dict], region_name: str, cards, found, deviation: dict,
           deviation_table, bubble: dict, series_options: list[dict], series: dict, peers) -> html.Div:
    lang = state["lang"]
    return html.Div([
        url_state(query, lang),
        html.H1(f"{t('nav_profile', lang)}: {region_name}"),
        notice(state.notices, lang, ids.PROFILE_NOTICE),
        html.Div([control(t("pick_prefecture", lang), dcc.Dropdown(id=ids.PROFILE_REGION, options=prefectures,
                                                                     value=state["region"], clearable=False),
                          ids.PROFILE_REGION),
                  html.Button(t("print", lang), id=ids.PROFILE_PRINT, className="btn", n_clicks=0)],
                 className="controls"),
        html.H2(t("headline", lang)), cards,
        html.H2(t("findings", lang)), found,
        html.P(api_link("/findings", f"region={state['region']}" + ("&lang=en" if lang == "en" else ""), lang),
               className="source no-print"),
        export_bar(ids.PROFILE_EXPORT, lang),
        graph(ids.PROFILE_DEVIATION, deviation, filename="chiiki-profile", label=t("profile_chart", lang)),
        html.Details([html.Summary(t("table", lang)), deviation_table], className="no-print"),
        html.Div([graph(ids.PROFILE_BUBBLE, bubble, filename="chiiki-industries", label=t("industries", lang)),
                  html.Div([
                      control(t("indicator", lang), dcc.Dropdown(id=ids.PROFILE_SERIES_INDICATOR,
                                                                 options=series_options, value=state["series"],
                                                                 clearable=False), ids.PROFILE_SERIES_INDICATOR),
                      graph(ids.PROFILE_SERIES, series, filename="chiiki-series", label=t("timeseries", lang))])],
                 className="grid-2"),
        html.H2(t("peers", lang)), peers,
        html.Span(id=ids.PROFILE_IMAGE_DONE, className="visually-hidden"),
        dcc.Location(id="profile-goto", refresh="callback-nav"),
    ])
