"""Compare page."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from dash import Dash, Input, Output, State, html, no_update

from callbacks import state as st
from callbacks.exports import export_format, register_image_export, send_frame
from layouts import compare_page, ids
from layouts.common import not_loaded
from layouts.figures import lines
from layouts.i18n import t
from loaders import query
from loaders.store import get_store
from metrics import service

DEFAULTS = {"regions": ["13", "27", "metro-all", "non-metro"], "ind": "univ_students_per_1000",
            "x": "professional_employee_share", "y": "value_added_per_employee",
            "lq_measure": "employees", "lq_year": None, "lq_ind": None}
KEYS = ["regions", "ind", "x", "y", "lq_measure", "lq_year", "lq_ind", "lang", "present"]
# What a link without lq_ind compares: manufacturing, in either classification (JSIC or SNA).
DEFAULT_INDUSTRY_NAME = "製造業"


def region_codes() -> list[tuple[str, str, str, str]]:
    """(code, name_ja, name_en, level) of the prefectures and groups (memoised: every request checks codes)."""
    return _region_codes(get_store().version)


@lru_cache(maxsize=4)
def _region_codes(version: tuple) -> list[tuple[str, str, str, str]]:
    r = query.regions(get_store().cursor())
    r = r[r["level"] != "municipality"]
    return list(zip(r["code"], r["name_ja"], r["name_en"], r["level"], strict=True))


@lru_cache(maxsize=4)
def _group_codes(version: tuple) -> frozenset[str]:
    return frozenset(c for c, *_ in _region_codes(version))


# A 類似団体 median is chosen as ``peer-<municipality code>``: the median over that municipality's type.
PEER = "peer-"
MAX_MUNICIPALITIES = 10      # municipalities and peer medians
MAX_REGIONS = 12             # in all, as the start page's "neighbours" link needs
SEARCH_LIMIT = 30


@lru_cache(maxsize=4)
def _municipalities(version: tuple) -> dict[str, tuple[str, str, str, str]]:
    r = query.regions(get_store().cursor())
    prefs = r[r["level"] == "prefecture"].set_index("code")
    m = r[r["level"] == "municipality"]
    return {c: (n, p, prefs.at[p, "name_ja"], prefs.at[p, "name_en"])
            for c, n, p in zip(m["code"], m["name_ja"], m["prefecture_code"], strict=True)}


def municipalities() -> dict[str, tuple[str, str, str, str]]:
    """code → (name_ja, prefecture code, prefecture name_ja, prefecture name_en) of the 1,741 municipalities."""
    return _municipalities(get_store().version)


def has_peers(code: str) -> bool:
    return code in municipalities() and bool(service.peer_type_members(code))


def known_region(code: str) -> bool:
    if code.startswith(PEER):
        return has_peers(code[len(PEER):])
    return code in municipalities() or code in _group_codes(get_store().version)


def peer_set(code: str) -> list[str]:
    """What the one-click comparison of a municipality shows: it, its prefecture, its 類似団体 median, Japan."""
    munis = municipalities()
    if code not in munis:
        return []
    return [code, munis[code][1], *([PEER + code] if has_peers(code) else []), "00"]


def municipality_label(code: str, lang: str) -> str:
    """A municipality with its prefecture: 府中市 is in 東京都 and in 広島県."""
    name, _, pref_ja, pref_en = municipalities()[code]
    return f"{name} ({pref_en})" if lang == "en" and isinstance(pref_en, str) and pref_en else f"{name}（{pref_ja}）"


def peer_label(code: str, lang: str, n: int | None = None) -> str:
    row = service.peer_type_of(code[len(PEER):]) or {}
    kind = row.get("type_label_en" if lang == "en" else "type_label_ja") or row.get("type_label_ja") or "—"
    if n is None:
        return t("compare_peer_median", lang, type=kind)
    return t("compare_peer_n", lang, type=kind, n=n)


def labels(regions, aggregation: str, lang: str, peer_n: dict[str, int] | None = None) -> dict[str, str]:
    """Display names of the chosen codes: groups as before, municipalities with their prefecture, peer medians
    with their type (and n when the year is known)."""
    names = compare_page.region_labels(region_codes(), aggregation, lang)
    for c in regions:
        if c in municipalities():
            names[c] = municipality_label(c, lang)
        elif c.startswith(PEER):
            names[c] = peer_label(c, lang, (peer_n or {}).get(c))
    return names


def chart_label(name: str) -> str:
    """A long name on two lines in a chart (類似団体<br>（都市 Ⅳ-2）中央値 n=9): on one line it squeezes the plot."""
    for mark in ("（", " ("):
        i = name.find(mark)
        if i > 0 and len(name) > 10:
            return name[:i] + "<br>" + name[i:].lstrip()
    return name


def _bare(name: str) -> str:
    return name[:-1] if len(name) > 1 and name[-1] in "市町村区" else name


def search_municipalities(text: str | None, limit: int = SEARCH_LIMIT) -> list[str]:
    """Codes of the municipalities whose kanji name contains ``text`` (with or without 市/町/村/区), exact
    names first, then names that start with it, then the rest, each in code order."""
    import unicodedata

    q = unicodedata.normalize("NFKC", str(text or "")).strip()[:40]
    if not q:
        return []
    bare = _bare(q)
    hits = []
    for code, (name, *_) in municipalities().items():
        if q in name or bare in _bare(name):
            hits.append(((0 if name in (q, bare) else 1 if name.startswith(bare) else 2), code))
    return [c for _, c in sorted(hits)[:limit]]


def region_options(selected, search: str | None, lang: str) -> list[dict]:
    """The regions dropdown's options: prefectures and groups, the chosen municipalities and peer medians, and
    the municipalities matching what is typed (1,741 names would weigh on every page load)."""
    base = [{"label": en if lang == "en" and en else ja, "value": c} for c, ja, en, _ in region_codes()]
    extra = [c for c in (selected or []) if isinstance(c, str) and not any(o["value"] == c for o in base)]
    extra += [c for c in search_municipalities(search) if c not in extra]
    names = labels([c for c in extra if known_region(c)], "ratio", lang)
    return base + [{"label": names[c], "value": c} for c in extra if c in names]


def municipality_options(selected: str | None, search: str | None, lang: str) -> list[dict]:
    codes = ([selected] if isinstance(selected, str) and selected in municipalities() else [])
    codes += [c for c in search_municipalities(search) if c not in codes]
    return [{"label": municipality_label(c, lang), "value": c} for c in codes]


# What the one-click municipal comparison shows when the indicator chosen has no municipal values.
MUNICIPAL_DEFAULT = "aging_rate"


def compare_municipality(code, ind, lang: str) -> tuple:
    """The regions dropdown's value and options, and the indicator, after "compare this municipality with its
    prefecture, peers and Japan"; an indicator without municipal values gives way to the aging rate."""
    chosen = peer_set(code) if isinstance(code, str) else []
    if not chosen:
        return no_update, no_update, no_update
    has_muni = isinstance(ind, str) and ind in st.catalog_ids() and st.years_of(st.catalog_row(ind), "municipality")
    return chosen, region_options(chosen, None, lang), no_update if has_muni else MUNICIPAL_DEFAULT


def loaded_prefecture_indicators() -> list[str]:
    cat = st.catalog()
    ok = (cat["status"] == "loaded") & cat["prefecture_years"].map(lambda ys: hasattr(ys, "__len__") and len(ys) > 0)
    return sorted(cat.loc[ok & (cat["kind"] != "lq"), "id"])


def loaded_indicators() -> list[str]:
    """Indicators the bars can show: with prefecture values, municipal values or both."""
    cat = st.catalog()

    def has(ys):
        return hasattr(ys, "__len__") and len(ys) > 0
    ok = (cat["status"] == "loaded") & (cat["prefecture_years"].map(has) | cat["municipality_years"].map(has))
    return sorted(cat.loc[ok & (cat["kind"] != "lq"), "id"])


def is_municipal(code: str) -> bool:
    return code.startswith(PEER) or code in municipalities()


def limit_regions(items: list[str], lang: str) -> tuple[list[str], list[str]]:
    """At most 10 municipalities (peer medians counted) and 12 regions in all, the first ones given; the notices
    say what was left out."""
    notices = []
    munis = [c for c in items if is_municipal(c)]
    if len(munis) > MAX_MUNICIPALITIES:
        notices.append(t("compare_too_many", lang, n=len(munis), max=MAX_MUNICIPALITIES))
        dropped = set(munis[MAX_MUNICIPALITIES:])
        items = [c for c in items if c not in dropped]
    if len(items) > MAX_REGIONS:
        notices.append(t("compare_too_many_regions", lang, n=len(items), max=MAX_REGIONS))
        items = items[:MAX_REGIONS]
    return items, notices


def parse(params: dict) -> st.State:
    inds = loaded_prefecture_indicators()

    def regions(raw: str) -> list[str]:
        items = list(dict.fromkeys(x.strip() for x in raw.split(",") if x.strip()))
        bad = [x for x in items[:50] if not known_region(x)]
        if bad or not items:
            raise ValueError(f"unknown region {', '.join(bad)[:40]}")
        return items[:50]
    state = st.parse(params, {"regions": (regions, DEFAULTS["regions"]),
                              "ind": (st.choice(loaded_indicators()), DEFAULTS["ind"]),
                              "x": (st.choice(inds), DEFAULTS["x"]), "y": (st.choice(inds), DEFAULTS["y"]),
                              "lq_measure": (st.choice(compare_page.MEASURES), DEFAULTS["lq_measure"]),
                              "lq_year": (st.integer(1900, 2100), None), "lq_ind": (lambda raw: raw[:20], None)})
    state.values["regions"], too_many = limit_regions(state["regions"], state["lang"])
    state.notices.extend(too_many)
    years = lq_years(state["lq_measure"])
    if state["lq_year"] not in years:
        if state["lq_year"] is not None:
            state.notices.append(f"lq_year={state['lq_year']} (available: {', '.join(map(str, years))})")
        state.values["lq_year"] = years[-1]
    codes = [o["value"] for o in lq_industries(state["lq_measure"], state["lq_year"], "ja")]
    if state["lq_ind"] not in codes:
        if state["lq_ind"] is not None:
            state.notices.append(f"lq_ind={state['lq_ind']!r} (not an industry of this measure)")
        state.values["lq_ind"] = default_industry(state["lq_measure"], state["lq_year"])
    return state


def lq_years(measure: str) -> list[int]:
    return service.lq_years(get_store().cursor(), measure)


def lq_industries(measure: str, year: int, lang: str) -> list[dict]:
    """The industries of a measure and year as dropdown options, in the classification's order."""
    table = service.cached_lq_table(measure, year).drop_duplicates("industry_code")
    col = "industry_name_en" if lang == "en" else "industry_name_ja"
    return [{"label": n, "value": c} for c, n in table[["industry_code", col]].to_numpy()]


def default_industry(measure: str, year: int) -> str:
    return _default_industry(get_store().version, measure, year)


@lru_cache(maxsize=32)
def _default_industry(version: tuple, measure: str, year: int) -> str:
    table = service.cached_lq_table(measure, year).drop_duplicates("industry_code")
    hit = table.loc[table["industry_name_ja"] == DEFAULT_INDUSTRY_NAME, "industry_code"]
    return str(hit.iloc[0]) if len(hit) else str(table["industry_code"].iloc[0])


def encode(state: st.State) -> str:
    """The view's query string; the LQ year and industry are left out when they are the defaults (latest year,
    manufacturing), so the plain compare link stays short."""
    defaults = DEFAULTS | {"lq_year": lq_years(state["lq_measure"])[-1],
                           "lq_ind": default_industry(state["lq_measure"], state["lq_year"])}
    return st.encode(state.values, KEYS, defaults)


def build(state: st.State) -> dict:
    """Figures and rows for a state, memoised per data version and view."""
    return _build(get_store().version, tuple(state["regions"]), state["ind"], state["x"], state["y"], state["lang"])


@lru_cache(maxsize=256)
def _build(version: tuple, regions: tuple, ind: str, x: str, y: str, lang: str) -> dict:
    state = st.State({"regions": list(regions), "ind": ind, "x": x, "y": y, "lang": lang})
    cur = get_store().cursor()
    meta = st.catalog_row(state["ind"])
    if meta["status"] != "loaded":
        return {"message": not_loaded(meta, lang)}
    munis = [c for c in regions if c in municipalities()]
    peers = [c for c in regions if c.startswith(PEER)]
    others = [c for c in regions if c not in munis and c not in peers]
    muni_years, pref_years = st.years_of(meta, "municipality"), st.years_of(meta, "prefecture")
    parts = [service.cached_series(state["ind"], others)] if others and pref_years else []
    peer_n: dict[str, dict[int, int]] = {}
    if muni_years:
        if munis:
            parts.append(service.municipal_series(cur, state["ind"], munis))
        for p in peers:
            med = service.peer_median_series(cur, state["ind"], p[len(PEER):])
            peer_n[p] = dict(zip(med["year"].astype(int), med["n"].astype(int), strict=True))
            parts.append(med.assign(region_code=p)[["year", "region_code", "value"]])
    s = (pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts)
         else pd.DataFrame(columns=["year", "region_code", "value"]))
    if (munis or peers) and muni_years:
        # One year for every bar: the latest with municipal values (and prefecture values, when both are shown).
        common = [yr for yr in muni_years if yr in pref_years]
        year = common[-1] if others and common else muni_years[-1]
    else:
        year = int(s["year"].max()) if len(s) else 0
    names = labels(regions, meta["aggregation"], lang, {p: n.get(year, 0) for p, n in peer_n.items()})
    last = s[s["year"] == year]
    by_code = dict(zip(last["region_code"], last["value"], strict=True))
    values = [(names[c], by_code.get(c)) for c in state["regions"]]
    shown = {c: chart_label(names[c]) if c in munis or c in peers else names[c] for c in state["regions"]}
    # The bars' names slant when long, so one line each there; the series' legend takes two lines.
    bar_values = [(names[c], by_code.get(c)) for c in state["regions"]]
    notes = []
    if (munis or peers) and not muni_years:
        notes.append(t("compare_no_muni_data", lang, names=", ".join(names[c] for c in munis + peers)))
    elif others and muni_years and not pref_years:
        notes.append(t("compare_no_pref_data", lang, names=", ".join(names[c] for c in others)))
    elif (munis or peers) and others and pref_years and year != pref_years[-1]:
        notes.append(t("compare_year_note", lang, year=year))
    if peers and muni_years:
        notes.append(t("compare_peer_about", lang))
    groups = dict(list(s.groupby("region_code", sort=False)))
    series = lines(series=[{"name": shown[c], "x": groups[c]["year"].tolist(), "y": groups[c]["value"].tolist()}
                           for c in state["regions"] if c in groups],     # in the order chosen, as the bars
                   title=f"{meta['name_en'] if lang == 'en' else meta['name_ja']} — {t('timeseries', lang)}",
                   y_title=meta["unit_en"] if lang == "en" else meta["unit"],
                   source=f"{t('source', lang)}: {meta['source_en'] if lang == 'en' else meta['source_ja']}. "
                          f"{t('group_' + meta['aggregation'], lang)}")
    mx, my = st.catalog_row(state["x"]), st.catalog_row(state["y"])
    tx = service.cached_comparison(state["x"], None).set_index("region_code")
    ty = service.cached_comparison(state["y"], None).set_index("region_code")
    prefs = [c for c, *_ , level in region_codes() if level == "prefecture"]
    points = [(c, names[c], tx["value"].get(c), ty["value"].get(c)) for c in prefs]
    chosen = {names[c] for c in state["regions"]}
    how = {p: f"median of n={peer_n[p].get(year, 0)}" for p in peer_n}
    return {"bars": compare_page.bars_figure(bar_values, meta, year, lang), "series": series,
            "scatter": compare_page.scatter_figure(points, mx, my, lang, chosen),
            "rows": [{"region": n, "value": None if v is None or v != v else float(f"{v:.6g}")} for n, v in values],
            "message": html.P(" ".join(notes), className="source", role="status") if notes else None,
            "frame": pd.DataFrame(values, columns=["region", "value"]).assign(
                region_code=list(state["regions"]), indicator_id=state["ind"], year=year,
                method=[how.get(c, "") for c in state["regions"]])}


def page_layout(**params):
    state = parse(params)
    lang = state["lang"]
    b = build(state)
    cat = st.catalog().set_index("id")

    def options(ids_):
        return [{"label": cat.loc[i, "name_en"] if lang == "en" else cat.loc[i, "name_ja"], "value": i} for i in ids_]
    q = build_lq(state)
    lq = compare_page.lq_section(state, years=lq_years(state["lq_measure"]),
                                 industries=lq_industries(state["lq_measure"], state["lq_year"], lang),
                                 figure=q["figure"], rows=q["rows"], note=q["note"])
    first_muni = next((c for c in state["regions"] if c in municipalities()), None)
    return compare_page.layout(state, query=encode(state), region_options=region_options(state["regions"], None, lang),
                               indicator_options=options(loaded_indicators()),
                               xy_options=options(loaded_prefecture_indicators()),
                               muni_options=municipality_options(first_muni, None, lang), muni=first_muni,
                               bars=b.get("bars"), scatter=b.get("scatter"),
                               series=b.get("series"), rows=b.get("rows", []), message=b.get("message"), lq=lq)


def _params(regions, **values) -> dict:
    """The controls' values as URL parameters (what a link to the same view would say)."""
    regions = [str(r) for r in regions] if isinstance(regions, list | tuple) else []
    params = {"regions": ",".join(regions), **values}
    return {k: (v if isinstance(v, str) else str(v)) for k, v in params.items()
            if v is not None and v != "" and v is not False}


def update(regions, ind, x, y, lang, lq_measure=None, lq_year=None, lq_ind=None):
    state = parse(_params(regions, ind=ind, x=x, y=y, lang=lang, lq_measure=lq_measure, lq_year=lq_year,
                          lq_ind=lq_ind))
    b = build(state)
    empty = {"data": [], "layout": {}}
    message = b["message"]
    given = list(dict.fromkeys(str(r) for r in regions)) if isinstance(regions, list | tuple) else []
    too_many = limit_regions([c for c in given if known_region(c)], state["lang"])[1]
    if too_many:      # the dropdown lets one pick more: say which are shown, as the link's notice does
        message = html.Div([html.P(" ".join(too_many), className="notice", role="alert"), message])
    return (b.get("bars", empty), b.get("series", empty), b.get("scatter", empty), b.get("rows", []), message,
            encode(state), compare_page.api_links(state["ind"], state["lang"]))


def build_lq(state: st.State) -> dict:
    """The LQ chart, table, note and export frame of a state, memoised per data version and view."""
    return _build_lq(get_store().version, tuple(state["regions"]), state["lq_measure"], state["lq_year"],
                     state["lq_ind"], state["lang"])


@lru_cache(maxsize=256)
def _build_lq(version: tuple, regions: tuple, measure: str, year: int, industry: str, lang: str) -> dict:
    levels = {c: level for c, *_, level in region_codes()}
    names = labels(regions, "ratio", lang)
    rows = service.cached_lq_for_regions(measure, industry, regions, year)
    meta = st.catalog_row(f"lq_{measure}")
    munis = [c for c in regions if c in municipalities()]
    muni_years = st.years_of(meta, "municipality")
    if munis and year in muni_years:
        # Municipal LQs are against Japan too, from the same census, so they stand beside the prefectures'.
        mrows = service.pick_lq(service.cached_lq_table(measure, year, "municipality"), industry, munis)
        order = {c: i for i, c in enumerate(regions)}
        rows = pd.concat([rows, mrows], ignore_index=True).sort_values(
            "region_code", key=lambda c: c.map(order)).reset_index(drop=True)
    industry_name = next((o["label"] for o in lq_industries(measure, year, lang) if o["value"] == industry), industry)
    note = [compare_page.lq_source(meta, year, lang)]
    if munis and year not in muni_years:
        note.append(" " + t("compare_lq_munis", lang, year="、".join(map(str, muni_years)) or "—"))
    groups = [names[c] for c in regions if levels.get(c) != "prefecture" and c not in munis]
    if groups:
        note.append(" " + t("compare_lq_groups", lang, names="、".join(groups) if lang != "en" else ", ".join(groups)))
    if rows.empty:
        note.insert(0, t("compare_lq_none", lang) + " ")
    cols = ["region_code", "region_name_ja", "region_name_en", "industry_code", "industry_name_ja",
            "industry_name_en", "measure", "year", "lq", "value", "share", "region_total"]
    # ``value`` is the count behind each LQ: the export says in what, and that the LQ is relative to Japan.
    frame = rows[cols].assign(count_unit=compare_page.UNITS[measure][0], unit=t("compare_lq_unit", lang))
    return {"figure": compare_page.lq_figure(rows, names, measure, industry_name, year, lang),
            "rows": compare_page.lq_table_rows(rows, names), "note": note, "frame": frame}


def update_lq(regions, measure, year, industry, ind, x, y, lang):
    state = parse(_params(regions, ind=ind, x=x, y=y, lang=lang, lq_measure=measure, lq_year=year,
                          lq_ind=industry))
    q = build_lq(state)
    years = lq_years(state["lq_measure"])
    return (q["figure"], q["rows"], compare_page.lq_columns(state["lq_measure"], state["lang"]), q["note"],
            [{"label": str(yr), "value": yr} for yr in years], state["lq_year"],
            lq_industries(state["lq_measure"], state["lq_year"], state["lang"]), state["lq_ind"], encode(state))


def export_lq(regions, measure, year, industry, lang, fmt: str) -> dict:
    """The LQs shown as CSV or Excel: each with its count, the year, and the source and credit of the measure."""
    state = parse(_params(regions, lq_measure=measure, lq_year=year, lq_ind=industry, lang=lang))
    name = f"chiiki_compare_lq_{state['lq_measure']}_{state['lq_year']}_{state['lq_ind']}"
    return send_frame(build_lq(state)["frame"], name, fmt, st.catalog_row(f"lq_{state['lq_measure']}"))


def _lang(lang) -> str:
    return lang if lang in ("ja", "en") else "ja"


def _image_export(app: Dash, prefix: str, graph_id: str, filename: str, done_id: str) -> None:
    """PNG/SVG of one more chart on the page (the page's present and pin buttons stay with its main export bar)."""
    app.clientside_callback(
        f"""function(png, svg) {{ return window.dash_clientside.chiiki.downloadImage(png, svg, '{graph_id}',
                                                                                    '{filename}'); }}""",
        Output(done_id, "children"), Input(f"{prefix}-png", "n_clicks"), Input(f"{prefix}-svg", "n_clicks"),
        prevent_initial_call=True)


def register(app: Dash) -> None:
    inputs = [Input(ids.COMPARE_REGIONS, "value"), Input(ids.COMPARE_INDICATOR, "value"), Input(ids.COMPARE_X, "value"),
              Input(ids.COMPARE_Y, "value"), State(ids.LANG, "data")]
    lq_states = [State(ids.COMPARE_LQ_MEASURE, "value"), State(ids.COMPARE_LQ_YEAR, "value"),
                 State(ids.COMPARE_LQ_INDUSTRY, "value")]

    @app.callback(Output(ids.COMPARE_BARS, "figure"), Output(ids.COMPARE_SERIES, "figure"),
                  Output(ids.COMPARE_SCATTER, "figure"), Output(ids.COMPARE_TABLE, "children"),
                  Output("compare-message", "children"), Output(ids.URL_QUERY, "data", allow_duplicate=True),
                  Output(ids.COMPARE_API, "children"), *inputs, *lq_states, prevent_initial_call=True)
    def _update(*args):
        out = list(update(*args))
        out[3] = compare_page.values_table(out[3], args[4] if args[4] in ("ja", "en") else "ja")
        return tuple(out)

    @app.callback(Output(ids.COMPARE_REGIONS, "options"), Input(ids.COMPARE_REGIONS, "search_value"),
                  State(ids.COMPARE_REGIONS, "value"), State(ids.LANG, "data"), prevent_initial_call=True)
    def _region_options(search, selected, lang):
        if not isinstance(search, str) or not search.strip():
            return no_update
        return region_options(selected if isinstance(selected, list) else [], search, _lang(lang))

    @app.callback(Output(ids.COMPARE_MUNI, "options"), Input(ids.COMPARE_MUNI, "search_value"),
                  State(ids.COMPARE_MUNI, "value"), State(ids.LANG, "data"), prevent_initial_call=True)
    def _muni_options(search, selected, lang):
        if not isinstance(search, str) or not search.strip():
            return no_update
        return municipality_options(selected, search, _lang(lang))

    @app.callback(Output(ids.COMPARE_REGIONS, "value"), Output(ids.COMPARE_REGIONS, "options", allow_duplicate=True),
                  Output(ids.COMPARE_INDICATOR, "value"),
                  Input(ids.COMPARE_MUNI_GO, "n_clicks"), State(ids.COMPARE_MUNI, "value"),
                  State(ids.COMPARE_INDICATOR, "value"), State(ids.LANG, "data"), prevent_initial_call=True)
    def _compare_municipality(_n, code, ind, lang):
        return compare_municipality(code, ind, _lang(lang))

    @app.callback(Output(ids.COMPARE_LQ_BARS, "figure"), Output(ids.COMPARE_LQ_TABLE, "children"),
                  Output(ids.COMPARE_LQ_NOTE, "children"),
                  Output(ids.COMPARE_LQ_YEAR, "options"), Output(ids.COMPARE_LQ_YEAR, "value"),
                  Output(ids.COMPARE_LQ_INDUSTRY, "options"), Output(ids.COMPARE_LQ_INDUSTRY, "value"),
                  Output(ids.URL_QUERY, "data", allow_duplicate=True),
                  Input(ids.COMPARE_REGIONS, "value"), Input(ids.COMPARE_LQ_MEASURE, "value"),
                  Input(ids.COMPARE_LQ_YEAR, "value"), Input(ids.COMPARE_LQ_INDUSTRY, "value"),
                  State(ids.COMPARE_INDICATOR, "value"), State(ids.COMPARE_X, "value"), State(ids.COMPARE_Y, "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _update_lq(*args):
        fig, rows, _columns, *rest = update_lq(*args)
        measure = args[1] if args[1] in compare_page.MEASURES else DEFAULTS["lq_measure"]
        return (fig, compare_page.lq_table(rows, measure, _lang(args[-1])), *rest)

    @app.callback(Output(f"{ids.COMPARE_LQ_EXPORT}-download", "data"),
                  Input(f"{ids.COMPARE_LQ_EXPORT}-csv", "n_clicks"), Input(f"{ids.COMPARE_LQ_EXPORT}-xlsx", "n_clicks"),
                  State(ids.COMPARE_REGIONS, "value"), *lq_states, State(ids.LANG, "data"), prevent_initial_call=True)
    def _export_lq(_c, _x, regions, measure, year, industry, lang):
        return export_lq(regions, measure, year, industry, lang, export_format(ids.COMPARE_LQ_EXPORT))

    @app.callback(Output(f"{ids.COMPARE_EXPORT}-download", "data"), Input(f"{ids.COMPARE_EXPORT}-csv", "n_clicks"),
                  Input(f"{ids.COMPARE_EXPORT}-xlsx", "n_clicks"),
                  # States: as inputs, every change of the view downloaded its table unasked.
                  *[State(i.component_id, i.component_property) for i in inputs], prevent_initial_call=True)
    def _export(_c, _x, regions, ind, x, y, lang):
        regions = [str(r) for r in regions] if isinstance(regions, list | tuple) else []
        state = parse({"regions": ",".join(regions), "ind": ind, "x": x, "y": y, "lang": lang or "ja"})
        b = build(state)
        if "frame" not in b:
            return no_update
        return send_frame(b["frame"], "chiiki_compare", export_format(ids.COMPARE_EXPORT),
                          st.catalog_row(state["ind"]))

    register_image_export(app, ids.COMPARE_EXPORT, "compare-bars", "chiiki-compare", ids.COMPARE_IMAGE_DONE)
    _image_export(app, ids.COMPARE_SCATTER_EXPORT, ids.COMPARE_SCATTER, "chiiki-compare-scatter",
                  ids.COMPARE_SCATTER_IMAGE_DONE)
    _image_export(app, ids.COMPARE_SERIES_EXPORT, ids.COMPARE_SERIES, "chiiki-compare-series",
                  ids.COMPARE_SERIES_IMAGE_DONE)
    _image_export(app, ids.COMPARE_LQ_EXPORT, ids.COMPARE_LQ_BARS, "chiiki-compare-lq", ids.COMPARE_LQ_IMAGE_DONE)
