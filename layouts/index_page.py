"""Innovation index page: the composite on a map by performance group, the indicators, weights, rank bands,
and what the index is made of (how many of the study's six indicators, which proxies and why)."""

from __future__ import annotations

from dash import dcc, html

from layouts import figures, ids
from layouts.api_page import api_link
from layouts.common import control, data_table, export_bar, graph, notice, url_state
from layouts.i18n import t
from loaders import study
from metrics.index import Coverage


def page_title(coverage: Coverage | None, lang: str) -> str:
    """The heading: the index's name, and when it leans on proxies, that it is a composite of proxies
    with how many of the study's indicators are loaded."""
    base = t("nav_index", lang)
    if coverage is None:
        return base
    count = t("index_k_of_n", lang, k=coverage.k, n=coverage.n)
    return t("index_title_proxies" if coverage.of_proxies else "index_title_study", lang, base=base, count=count)


def about(coverage: Coverage | None, names: dict[str, str], lang: str) -> list:
    """The study's six indicators with their status, and each proxy with its link to the study."""
    if coverage is None:
        return []
    en = lang == "en"
    items = []
    for s in study.STUDY_INDICATORS:
        status = t("index_loaded", lang) if s.id in coverage.loaded else t("index_not_in_index", lang)
        caveat = s.caveat_en if en else s.caveat_ja
        items.append(html.Li([f"{s.item} {s.name_en if en else s.name_ja} — {status}",
                              *([html.Br(), html.Small(caveat)] if caveat else [])],
                             className="study-loaded" if s.id in coverage.loaded else "study-missing"))
    out = [html.H2(t("index_about", lang)),
           html.H3(t("index_study_head", lang, k=coverage.k, n=coverage.n)), html.Ul(items)]
    if coverage.proxies:
        out += [html.H3(t("index_proxy_head", lang)),
                html.Ul([html.Li([html.Strong(names.get(p.id, p.id)), ": ", p.link_en if en else p.link_ja])
                         for p in study.PROXIES if p.id in coverage.proxies], id="index-proxies")]
    if coverage.others:
        out += [html.H3(t("index_other_head", lang)),
                html.Ul([html.Li([html.Strong(names.get(i, i)), ": ", t("index_other_link", lang)])
                         for i in coverage.others])]
    out.append(html.P(t("index_national", lang), className="source-line"))
    return out

GROUP_ORDER = ["emerging", "moderate", "strong", "leader"]
GROUP_COLOURS = ["#fdb863", "#e08214", "#8073ac", "#2d004b"]   # PuOr family, readable in grey too
GROUP_JA = {"leader": "リーダー", "strong": "ストロング", "moderate": "モデレート", "emerging": "エマージング"}



def group_label(g: str, lang: str) -> str:
    return g.capitalize() if lang == "en" else GROUP_JA.get(g, g)


def map_figure(scores, names: dict[str, str], lang: str, heading: str | None = None) -> dict:
    """Performance groups on the map; ``heading`` (default: the index's name) titles the chart so an
    exported image still says what the index is made of."""
    z = [GROUP_ORDER.index(g) if g in GROUP_ORDER else None for g in scores["group"]]
    scale = []
    for i, c in enumerate(GROUP_COLOURS):
        scale += [[i / 4, c], [(i + 1) / 4, c]]
    colour = {"colorscale": scale, "zmin": -0.5, "zmax": 3.5,
              "colorbar": {"tickvals": [0, 1, 2, 3], "ticktext": [group_label(g, lang) for g in GROUP_ORDER]}}
    ranks = [f"{int(r)} ({float(v):.0f})" for r, v in zip(scores["rank"], scores["relative"], strict=True)]
    title = f"{heading or t('nav_index', lang)} — {t('index_japan_100', lang)}"
    fig = figures.choropleth(geojson_url="/geo/prefectures.geojson", locations=scores["region_code"].tolist(),
                             names=[names[c] for c in scores["region_code"]], z=z, ranks=ranks, colour=colour,
                             unit="", title=title,
                             source=t("index_source", lang), hover_rank=t("rank", lang),
                             hover_national=t("national", lang), national=100.0, height=560)
    scale_name = t("index_japan_100", lang)
    fig["data"][0]["hovertemplate"] = (f"<b>%{{text}}</b><br>{t('rank', lang)} ({scale_name}): %{{customdata}}"
                                       "<extra></extra>")
    return fig


def band_figure(scores, names: dict[str, str], lang: str) -> dict:
    s = scores.sort_values("rank")
    return figures.rank_band(names=[names[c] for c in s["region_code"]], rank=s["rank"].tolist(),
                             best=s["rank_best"].tolist(), worst=s["rank_worst"].tolist(),
                             title=t("rank_band", lang), source=t("index_source", lang),
                             x_title=t("rank", lang))


def tie_cell(tie, region: str, names: dict[str, str], lang: str) -> str:
    """A short reason for the table; the full sentence (values, capped regions) is in the notes."""
    others = t("index_sep", lang).join(names.get(r, r) for r in tie.regions if r != region)
    key = {"capped": "index_tie_capped", "same_scores": "index_tie_same"}.get(tie.reason, "index_tie_equal")
    return t(key, lang, others=others, k=len(tie.capped))


def table_rows(scores, names: dict[str, str], lang: str, ties: dict[str, str] | None = None) -> list[dict]:
    """One row per prefecture; ``ties`` maps a region code to why it shares its rank (in ``lang``)."""
    ties = ties or {}
    return [{"region": names[r.region_code], "index": round(float(r.index), 3),
             "relative": round(float(r.relative), 1),
             "group": group_label(r.group, lang) if isinstance(r.group, str) else "",
             "rank": int(r.rank),
             "band": f"{int(r.rank_best)}–{int(r.rank_worst)}", "tie": ties.get(r.region_code, "")}
            for r in scores.sort_values(["rank", "region_code"]).itertuples()]


def rows_table(rows: list[dict], lang: str) -> html.Div:
    """Every prefecture's index in rank order, with its group, rank band and why a rank is shared."""
    columns = [("rank", t("rank", lang), False), ("region", t("region", lang), False),
               ("relative", t("index_japan_100", lang), True), ("group", t("group", lang), False),
               ("index", "0–1", True), ("band", t("rank_band", lang), False), ("tie", t("index_tie", lang), False)]
    return data_table(rows, columns, caption=t("nav_index", lang), lang=lang, page_size=len(rows) or 1)


def weights_inputs(indicators: list[str], weights: dict[str, float], names: dict[str, str]) -> list:
    # The label wraps its input: a pattern-matching id has no plain string for htmlFor to point at.
    return [html.Div(html.Label([names.get(i, i), " ",
                                 dcc.Input(id={"type": "index-weight", "id": i}, type="number", min=0, max=10,
                                           step=0.5, value=weights.get(i, 1), debounce=True,
                                           style={"width": "5rem"})]),
                     className="weight") for i in indicators]


def layout(state, *, query: str, options: list[dict], chosen: list[str], weights, fig_map: dict, fig_band: dict,
           rows: list[dict], notes: list[str], message, title: str, about_section: list) -> html.Div:
    lang = state["lang"]
    return html.Div([
        url_state(query, lang),
        html.H1(title, id=ids.INDEX_TITLE),
        notice(state.notices, lang, ids.INDEX_NOTICE),
        html.Div([control(t("index_indicators", lang), dcc.Checklist(id=ids.INDEX_INDICATORS, options=options,
                                                                     value=chosen), ids.INDEX_INDICATORS),
                  html.Div([html.Span(t("weights", lang), className="control-label"),
                            html.Div(weights, id=ids.INDEX_WEIGHTS)], className="control")],
                 className="controls"),
        html.Div(message, id="index-message"),
        html.Ul([html.Li(n) for n in notes], id=ids.INDEX_NOTES, className="source-line"),
        html.P(api_link("/index", "", lang), className="source"),
        export_bar(ids.INDEX_EXPORT, lang),
        html.Div([graph(ids.INDEX_MAP, fig_map, filename="chiiki-index-map"),
                  graph(ids.INDEX_BAND, fig_band, filename="chiiki-index-bands")], className="grid-2"),
        html.Div(rows_table(rows, lang), id=ids.INDEX_TABLE),
        html.Div(about_section, id=ids.INDEX_ABOUT, className="index-about"),
        html.Span(id=ids.INDEX_IMAGE_DONE, className="visually-hidden"),
    ])
