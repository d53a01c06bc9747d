"""Region profile (地域カルテ): headline figures, findings, comparison chart, industries, series, peers."""

from __future__ import annotations

import math

import pandas as pd
from dash import dcc, html

from layouts import figures, ids
from layouts.api_page import api_link
from layouts.common import control, data_table, export_bar, graph, notice, url_state
from layouts.i18n import t
from layouts.industry_page import strength_rule
from layouts.numbers import scaled


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
    cols = [("indicator", t("indicator", lang), False), ("year", t("year", lang), False),
            ("value", t("value", lang), True), ("unit", "単位" if lang != "en" else "Unit", False),
            ("rank", t("rank", lang), True), ("region", region_name, True), ("nation", labels["nation"], True),
            ("block", labels["block"], True), ("group", labels["group"], True)]
    return html.Div(data_table(rows, cols, caption=f"{region_name}: {t('profile_chart', lang)}", lang=lang),
                    id=ids.PROFILE_DEVIATION_TABLE)


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
    cols = [("region", t("region", lang), False), ("distance", "距離" if lang != "en" else "Distance", True),
            ("similar", t("similar_on", lang), False), ("different", t("different_on", lang), False)]
    return html.Div(data_table(rows, cols, caption=t("peers", lang), lang=lang), id=ids.PROFILE_PEERS)


def layout(state, *, query: str, prefectures: list[dict], region_name: str, cards, found, deviation: dict,
           deviation_table, bubble: dict, series_options: list[dict], series: dict, peers) -> html.Div:
    lang = state["lang"]
    return html.Div([
        url_state(query, lang),
        html.H1(f"{t('nav_profile', lang)}: {region_name}"),
        notice(state.notices, lang, ids.PROFILE_NOTICE),
        region_controls(prefectures, state["region"], lang),
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


# --- region picker and the municipal profile (市区町村カルテ) -----------------------------------------------

def region_options(prefectures: list[tuple[str, str]], municipalities: list[tuple[str, str, str]],
                   lang: str) -> list[dict]:
    """Each prefecture followed by its municipalities, labelled "茨城県 日立市", so typing a prefecture's
    name lists it with all its municipalities and typing a municipality's name finds it.

    ``prefectures`` are (code, name), ``municipalities`` (code, name, prefecture code), in display order.
    """
    by_pref: dict[str, list[tuple[str, str]]] = {}
    for code, name, pref in municipalities:
        by_pref.setdefault(pref, []).append((code, name))
    out = []
    for pcode, pname in prefectures:
        out.append({"label": pname, "value": pcode})
        sep = " " if lang != "en" else ", "
        out.extend({"label": f"{pname}{sep}{name}" if lang != "en" else f"{name}{sep}{pname}", "value": code}
                   for code, name in by_pref.get(pcode, []))
    return out


def region_controls(options: list[dict], value: str, lang: str) -> html.Div:
    return html.Div([control(t("pick_region", lang), dcc.Dropdown(id=ids.PROFILE_REGION, options=options, value=value,
                                                                  clearable=False, searchable=True),
                             ids.PROFILE_REGION),
                     html.Button(t("print", lang), id=ids.PROFILE_PRINT, className="btn", n_clicks=0)],
                    className="controls")


def _value_text(f: dict, lang: str) -> list:
    return [scaled(f["value"], f["unit"], lang)]


def muni_headline(profile: dict, lang: str) -> html.Div:
    """Cards: value with unit and year, ranks in the prefecture / Japan / peer group, the peer median."""
    cards = []
    for f in profile["headline"]:
        ranks = [f"{t(k, lang)} {f[r]['text']}" for k, r in (("muni_rank_pref", "rank_prefecture"),
                                                             ("muni_rank_nation", "rank_nation"),
                                                             ("muni_rank_peer", "rank_peer")) if f[r]["text"]]
        med = f["peer_median"]["value"]
        cards.append(html.Div([
            html.Div(f["name"], className="card-title"),
            html.Div(_value_text(f, lang), className="value"),
            html.Div(" · ".join(ranks), className="card-ranks"),
            html.Div(f"{t('muni_peer_median', lang)} {scaled(med, f['unit'], lang)}"
                     + (f" (n={f['peer_median']['n']})" if f["peer_median"]["n"] else ""), className="card-median"),
            html.Div(f"{f['year']}{'' if lang == 'en' else '年'}"
                     + (f" ÷ {f['denominator_year']}" if f["denominator_year"] and f["denominator_year"] != f["year"]
                        else "") + f" · {f['direction_text']} · {f['dataset']}", className="source-line"),
        ], className="card", **{"data-indicator": f["id"]}))
    src = profile["headline"][0]["source"] if profile["headline"] else ""
    return html.Div([html.Div(cards, className="headline"),
                     html.P(f"{t('source', lang)}: {src}", className="source")], id=ids.PROFILE_HEADLINE)


def muni_findings(profile: dict) -> html.Ul:
    return html.Ul([html.Li(f["text"], className=f"finding-{f['kind']}") for f in profile["findings"]],
                   id=ids.PROFILE_FINDINGS, className="findings")


def muni_peer_type(profile: dict, lang: str) -> html.Div:
    p = profile["peer_type"]
    if not p or p["type_code"] == "unclassified":
        return html.Div(html.P(t("muni_no_peer", lang)), id=ids.PROFILE_PEER_TYPE)
    href = p["compare_href"] + ("&lang=en" if lang == "en" else "")
    members = f"（{p['n_members']}団体）" if lang != "en" else f" ({p['n_members']} municipalities)"
    # The designation source is written in Japanese only; an English page names the dataset alone.
    src = p["dataset"] if lang == "en" else f"{p['designation_source']} · {p['dataset']}"
    return html.Div([
        html.P([html.Strong(p["label"], className="peer-type-label"), members], **{"data-type": p["type_code"]}),
        html.P([f"{t('muni_peer_reason', lang)}: ", p["reason"]], className="peer-type-reason"),
        html.P(f"{t('source', lang)}: {src}", className="source"),
        html.P(dcc.Link(t("muni_compare_peers", lang, n=len(p["compare_codes"]) - 1), href=href,
                        id=ids.PROFILE_COMPARE_LINK), className="no-print"),
    ], id=ids.PROFILE_PEER_TYPE)


def _r(v, digits: int = 2):
    return None if v is None else round(float(v), digits)


def muni_population(profile: dict, lang: str) -> html.Div:
    pop = profile["population"]
    rows = [dict(r, share=_r(r["share"], 1), prefecture_share=_r(r["prefecture_share"], 1),
                 nation_share=_r(r["nation_share"], 1)) for r in pop["rows"]]
    cols = [("group", t("muni_group", lang), False), ("value", t("muni_count", lang), True),
            ("share", t("muni_share", lang), True), ("prefecture_share", t("muni_pref_share", lang), True),
            ("nation_share", t("muni_nation_share", lang), True)]
    year = f"{pop['year']}" + ("" if lang == "en" else "年")
    return html.Div([
        data_table(rows, cols, caption=f"{t('muni_population', lang)} ({year})", lang=lang),
        html.P(f"{year}. {pop['note']} {t('source', lang)}: {pop['source']} ({pop['dataset']})", className="source"),
        html.P(pop["change_note"], className="source change-note") if pop["change_note"] else None,
    ], id=ids.PROFILE_POPULATION)


def muni_industry(profile: dict, lang: str) -> html.Div:
    ind = profile["industry"]
    star = "★"

    def lq_cell(r, m, against):
        v = r[f"{m}_lq_{against}"]
        return None if v is None else f"{v:.2f}" + (f" {star}" if r[f"{m}_strength_{against}"] else "")

    rows = [{"industry": r["industry"], "employees": r["employees"], "employees_share": _r(r["employees_share"], 1),
             "emp_lq_n": lq_cell(r, "employees", "nation"), "emp_lq_p": lq_cell(r, "employees", "prefecture"),
             "establishments": r["establishments"], "est_lq_n": lq_cell(r, "establishments", "nation"),
             "est_lq_p": lq_cell(r, "establishments", "prefecture")} for r in ind["rows"]]
    e, s = t("muni_employees", lang), t("muni_establishments", lang)
    cols = [("industry", t("muni_industry_col", lang), False), ("employees", e, True),
            ("employees_share", t("muni_share", lang), True),
            ("emp_lq_n", f"{e}: {t('muni_lq_nation', lang)}", False),
            ("emp_lq_p", f"{e}: {t('muni_lq_pref', lang)}", False), ("establishments", s, True),
            ("est_lq_n", f"{s}: {t('muni_lq_nation', lang)}", False),
            ("est_lq_p", f"{s}: {t('muni_lq_pref', lang)}", False)]
    year = f"{ind['year']}" + ("" if lang == "en" else "年")
    return html.Div([
        data_table(rows, cols, caption=f"{t('muni_industry', lang)} ({year})", lang=lang),
        html.P(t("muni_rule", lang), className="source"),
        html.P(f"{year}. {ind['note']} {t('source', lang)}: {ind['source']} ({ind['dataset']})", className="source"),
    ], id=ids.PROFILE_LQ_TABLE)


def muni_bubble(profile: dict, lang: str, threshold: float, min_share: float) -> dict:
    """LQ against Japan × share of the municipality's employees, sized by employees."""
    rows = [r for r in profile["industry"]["rows"] if r["employees_lq_nation"] is not None and r["employees"]]
    frame = pd.DataFrame({"industry_name_ja": [r["industry_ja"] for r in rows],
                          "industry_name_en": [r["industry_en"] for r in rows],
                          "share": [(r["employees_share"] or 0) / 100 for r in rows],
                          "lq": [r["employees_lq_nation"] for r in rows], "value": [r["employees"] for r in rows],
                          "year": profile["industry"]["year"]})
    return bubble_figure(frame, profile["name"], lang, threshold, min_share)


def _finance_rows(profile: dict) -> list[dict]:
    return [{"indicator": f["name"], "year": f["year"], "value": _r(f["value"], 1), "unit": f["unit"],
             "peer_median": _r(f["peer_median"]["value"], 1), "rank_peer": f["rank_peer"]["text"],
             "rank_prefecture": f["rank_prefecture"]["text"], "rank_nation": f["rank_nation"]["text"],
             "direction": f["direction_text"], "dataset": f["dataset"]} for f in profile["finance"]]


def muni_finance(profile: dict, lang: str) -> html.Div:
    cols = [("indicator", t("indicator", lang), False), ("year", t("year", lang), False),
            ("value", t("value", lang), True), ("unit", "単位" if lang != "en" else "Unit", False),
            ("peer_median", t("muni_peer_median", lang), True), ("rank_peer", t("muni_rank_peer", lang), False),
            ("rank_prefecture", t("muni_rank_pref", lang), False), ("rank_nation", t("muni_rank_nation", lang), False),
            ("direction", t("rank", lang), False), ("dataset", t("dataset", lang), False)]
    src = profile["finance"][0]["source"] if profile["finance"] else ""
    note = ("1人当たりの額は決算年度の額 ÷ 2020年国勢調査人口。" if lang != "en" else
            "Per-person amounts are the fiscal year's amount ÷ the 2020 census population. ")
    return html.Div([data_table(_finance_rows(profile), cols, caption=t("muni_finance", lang), lang=lang),
                     html.P(f"{note}{t('source', lang)}: {src}", className="source")], id=ids.PROFILE_FINANCE)


def muni_changes(profile: dict, lang: str) -> html.Div:
    rows = [dict(c, change_pct=_r(c["change_pct"], 1), period=f"{c['year_from']}→{c['year_to']}")
            for c in profile["changes"]]
    cols = [("name", t("indicator", lang), False), ("period", t("year", lang), False),
            ("value_from", t("muni_from", lang), True), ("value_to", t("muni_to", lang), True),
            ("change", t("muni_change", lang), True), ("change_pct", "%", True), ("unit", "単位" if lang != "en"
                                                                                else "Unit", False),
            ("dataset_to", t("dataset", lang), False)]
    return html.Div(data_table(rows, cols, caption=t("muni_changes", lang), lang=lang), id=ids.PROFILE_CHANGES)


def municipal_layout(state, *, query: str, options: list[dict], profile: dict, bubble: dict) -> html.Div:
    lang = state["lang"]
    title = f"{profile['name']}（{profile['prefecture']}）" if lang != "en" else \
        f"{profile['name']}, {profile['prefecture']}"
    return html.Div([
        url_state(query, lang),
        html.H1(f"{t('nav_profile', lang)}: {title}"),
        notice(state.notices, lang, ids.PROFILE_NOTICE),
        region_controls(options, state["region"], lang),
        html.H2(t("headline", lang)), muni_headline(profile, lang),
        html.H2(t("findings", lang)), muni_findings(profile),
        html.H2(t("muni_peer_type", lang)), muni_peer_type(profile, lang),
        html.H2(t("muni_population", lang)), muni_population(profile, lang),
        html.H2(t("muni_industry", lang)),
        export_bar(ids.PROFILE_MUNI_EXPORT, lang),
        graph(ids.PROFILE_BUBBLE, bubble, filename="chiiki-industries",
              label=t("industries", lang)),
        muni_industry(profile, lang),
        html.H2(t("muni_finance", lang)), muni_finance(profile, lang),
        html.H2(t("muni_changes", lang)), muni_changes(profile, lang),
        html.Span(id=ids.PROFILE_MUNI_IMAGE_DONE, className="visually-hidden"),
        dcc.Location(id="profile-goto", refresh="callback-nav"),
    ])
