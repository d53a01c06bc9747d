"""Industry page: LQ heatmap of prefectures × industries and a map of one industry's LQ."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from layouts import figures, ids
from layouts.common import control, data_table, export_bar, graph, notice, url_state
from layouts.i18n import t
from metrics import lq as lq_rules

MEASURES = ("employees", "establishments", "value_added")
UNITS = {"employees": ("人", "employees"), "establishments": ("事業所", "establishments"),
         "value_added": ("百万円", "million yen")}


def count_text(value: float, measure: str, lang: str) -> str:
    """The count behind an LQ, with its unit: ``1,234人`` / ``1,234 employees``."""
    if value != value:
        return "—"
    ja, en = UNITS[measure]
    return f"{value:,.0f}{ja}" if lang != "en" else f"{value:,.0f} {en}"


def strength_rule(measure: str, lang: str) -> str:
    """The thresholds of a strength in words, for every view that marks strengths."""
    rule = lq_rules.strength_rule(measure)
    size = rule["min_value"]
    ja, en = UNITS[measure]
    if lang == "en":
        text = f"Strength = LQ ≥ {rule['lq_threshold']:g} and ≥ {rule['min_share']:.0%} of the region"
        return text + (f" and ≥ {size:,.0f} {en}" if size else "")
    text = f"強み＝特化係数 {rule['lq_threshold']:g} 以上・域内シェア {rule['min_share']:.0%} 以上"
    return text + (f"・{size:,.0f}{ja}以上" if size else "")


def source(measure: str, lang: str) -> str:
    if measure == "value_added":
        return ("出典: 内閣府「県民経済計算」（16産業、名目）" if lang != "en" else
                "Source: Cabinet Office, Prefectural Accounts (16 sectors, nominal)")
    return ("出典: 総務省・経済産業省「経済センサス‐活動調査」（統計センター SSDSE）" if lang != "en" else
            "Source: Economic Census for Business Activity (via NSTAC SSDSE)")


def rule_and_api(measure: str, year: int, lang: str) -> list:
    """The strength rule and the API link of the view, shown under the table."""
    from layouts.api_page import api_link

    return [strength_rule(measure, lang), " · ", api_link("/lq", f"measure={measure}&year={year}", lang)]


def heatmap_figure(table: pd.DataFrame, sort: str | None, measure: str, year: int, lang: str,
                   first: str | None = None) -> dict:
    """Heatmap sorted by one industry's LQ; ``first`` (a region code) is put on top to find it at once."""
    ind_col = "industry_name_en" if lang == "en" else "industry_name_ja"
    reg_col = "region_name_en" if lang == "en" else "region_name_ja"
    wide = table.pivot_table(index="region_code", columns="industry_code", values="lq", sort=False)
    order_ind = list(dict.fromkeys(table["industry_code"]))
    wide = wide[order_ind]
    if sort in wide.columns:
        wide = wide.sort_values(sort, ascending=False)
    if first in wide.index:
        wide = wide.loc[[first, *[r for r in wide.index if r != first]]]
    names = table.drop_duplicates("region_code").set_index("region_code")[reg_col]
    inames = table.drop_duplicates("industry_code").set_index("industry_code")[ind_col]
    z = [[None if pd.isna(v) else float(v) for v in row] for row in wide.to_numpy()]
    counts = table.pivot_table(index="region_code", columns="industry_code", values="value", sort=False)
    counts = counts.reindex(index=wide.index, columns=wide.columns)
    text = [[("LQ —" if lq != lq else f"LQ {lq:.2f}") + " · " + count_text(n, measure, lang)
             for lq, n in zip(lqs, ns, strict=True)]
            for lqs, ns in zip(wide.to_numpy(), counts.to_numpy(), strict=True)]
    title = (f"特化係数（{t('measure_' + measure, lang)}、{year}年）" if lang != "en" else
             f"Location quotients ({t('measure_' + measure, lang).lower()}, {year})")
    return figures.heatmap(z=z, x=[inames[c] for c in wide.columns], y=[names[r] for r in wide.index], title=title,
                           source=source(measure, lang) + (" · 色は対数、1で中立" if lang != "en" else
                                                            " · log colour scale, neutral at 1"), colorbar="LQ",
                           text=text)


def lq_map_figure(table: pd.DataFrame, industry: str, measure: str, year: int, lang: str) -> dict:
    sub = table[table["industry_code"] == industry]
    ind_name = sub["industry_name_en" if lang == "en" else "industry_name_ja"].iloc[0] if len(sub) else industry
    names = sub["region_name_en" if lang == "en" else "region_name_ja"].tolist()
    z = figures.numbers(sub["lq"].tolist())
    ranks = [None if v != v else int(v) for v in sub["lq"].rank(ascending=False, method="min")]
    colour = figures.colour_spec(z, edges=None, palette="puor", centre=1.0)
    title = f"{ind_name}: 特化係数（{year}年）" if lang != "en" else f"{ind_name}: location quotient ({year})"
    return figures.choropleth(geojson_url="/geo/prefectures.geojson", locations=sub["region_code"].tolist(),
                              names=names, z=z, ranks=ranks, colour=colour, unit="LQ", title=title,
                              source=source(measure, lang) + (" · 境界: 国土数値情報" if lang != "en" else
                                                               " · Boundaries: MLIT N03")
                              + " · " + strength_rule(measure, lang),
                              hover_rank=t("rank", lang), hover_national=t("national", lang), national=1.0,
                              height=520, details=[count_text(v, measure, lang) for v in sub["value"]])


def table_rows(table: pd.DataFrame, industry: str, lang: str) -> list[dict]:
    sub = table[table["industry_code"] == industry].sort_values("lq", ascending=False)
    return [{"region": r.region_name_en if lang == "en" else r.region_name_ja, "value": float(r.value),
             "share": round(float(r.share) * 100, 2) if r.share == r.share else None,
             "lq": round(float(r.lq), 3) if r.lq == r.lq else None,
             "strength": "●" if r.strength else ""} for r in sub.itertuples()]


def rows_table(rows: list[dict], measure: str, lang: str) -> html.Div:
    """The sorted industry's LQ of every prefecture, highest first, with the count behind it."""
    columns = [("region", t("region", lang), False), ("value", t(f"measure_{measure}", lang), True),
               ("share", "%", True), ("lq", "LQ", True), ("strength", t("strength", lang), False)]
    return data_table(rows, columns, caption=t("nav_industry", lang), lang=lang, page_size=len(rows) or 1)


def change_rows(change: pd.DataFrame, industry: str, names: dict[str, str]) -> list[dict]:
    """One industry's LQ in both years and the change, largest rise first."""
    sub = change[change["industry_code"] == industry].sort_values("lq_change", ascending=False)
    return [{"region": names.get(r.region_code, r.region_code), "lq_from": r.lq_from, "lq_to": r.lq_to,
             "lq_change": r.lq_change, "value_to": r.value_to, "growth": r.value_growth}
            for r in sub.itertuples()]


def change_section(rows: list[dict], measure: str, years: tuple[int, int] | None, industry_name: str,
                   lang: str) -> html.Div:
    """The LQ change between the two censuses, with its caveat; a plain note when there is one census."""
    if years is None:
        return html.Div(html.P(t("lq_change_none", lang), className="source-line"))
    y0, y1 = years
    columns = [("region", t("region", lang), False), ("lq_from", t("lq_from", lang, y=y0), True),
               ("lq_to", t("lq_to", lang, y=y1), True), ("lq_change", t("lq_diff", lang), True),
               ("value_to", t("count_to", lang, measure=t(f"measure_{measure}", lang), y=y1), True),
               ("growth", t("growth_pct", lang), True)]
    return html.Div([html.H2(t("lq_change_head", lang, y0=y0, y1=y1, industry=industry_name)),
                     html.P(t("lq_change_caveat", lang, y0=y0, y1=y1), className="source-line"),
                     data_table(rows, columns, caption=t("lq_change_head", lang, y0=y0, y1=y1, industry=industry_name),
                                lang=lang, page_size=max(len(rows), 1))])


def layout(state, *, query: str, years: list[int], industries: list[dict], heatmap: dict, lq_map: dict,
           rows: list[dict], change=None) -> html.Div:
    lang = state["lang"]
    return html.Div([
        url_state(query, lang),
        html.H1(t("nav_industry", lang)),
        notice(state.notices, lang, ids.INDUSTRY_NOTICE),
        html.Div([
            control(t("measure", lang), dcc.RadioItems(
                id=ids.INDUSTRY_MEASURE, value=state["measure"], inline=True,
                options=[{"label": t(f"measure_{m}", lang), "value": m} for m in MEASURES]), ids.INDUSTRY_MEASURE),
            control(t("year", lang), dcc.Dropdown(id=ids.INDUSTRY_YEAR, value=state["year"], clearable=False,
                                                  options=[{"label": str(y), "value": y} for y in years]),
                    ids.INDUSTRY_YEAR),
            control(t("sort_by", lang), dcc.Dropdown(id=ids.INDUSTRY_SORT, options=industries, value=state["sort"],
                                                     clearable=False), ids.INDUSTRY_SORT),
        ], className="controls"),
        export_bar(ids.INDUSTRY_EXPORT, lang),
        graph(ids.INDUSTRY_HEATMAP, heatmap, filename="chiiki-lq-heatmap"),
        html.Div([graph(ids.INDUSTRY_MAP, lq_map, filename="chiiki-lq-map"),
                  html.Div(rows_table(rows, state["measure"], lang), id=ids.INDUSTRY_TABLE)], className="grid-2"),
        html.P(rule_and_api(state["measure"], state["year"], lang), className="source",
               id=ids.INDUSTRY_STRENGTH_RULE),
        html.Div(change, id=ids.INDUSTRY_CHANGE),
        html.Span(id=ids.INDUSTRY_IMAGE_DONE, className="visually-hidden"),
        dcc.Store(id="industry-region", data=state["region"]),
    ])
