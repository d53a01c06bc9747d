"""Compare page."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from dash import Dash, Input, Output, State, no_update

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
    r = query.regions(get_store().cursor())
    r = r[r["level"] != "municipality"]
    return list(zip(r["code"], r["name_ja"], r["name_en"], r["level"], strict=True))


def loaded_prefecture_indicators() -> list[str]:
    cat = st.catalog()
    ok = (cat["status"] == "loaded") & cat["prefecture_years"].map(lambda ys: hasattr(ys, "__len__") and len(ys) > 0)
    return sorted(cat.loc[ok & (cat["kind"] != "lq"), "id"])


def parse(params: dict) -> st.State:
    codes = {c for c, *_ in region_codes()}
    inds = loaded_prefecture_indicators()

    def regions(raw: str) -> list[str]:
        items = [x.strip() for x in raw.split(",") if x.strip()][:12]
        bad = [x for x in items if x not in codes]
        if bad or not items:
            raise ValueError(f"unknown region {', '.join(bad)[:40]}")
        return items
    state = st.parse(params, {"regions": (regions, DEFAULTS["regions"]), "ind": (st.choice(inds), DEFAULTS["ind"]),
                              "x": (st.choice(inds), DEFAULTS["x"]), "y": (st.choice(inds), DEFAULTS["y"]),
                              "lq_measure": (st.choice(compare_page.MEASURES), DEFAULTS["lq_measure"]),
                              "lq_year": (st.integer(1900, 2100), None), "lq_ind": (lambda raw: raw[:20], None)})
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
    names = compare_page.region_labels(region_codes(), meta["aggregation"], lang)
    s = service.series(cur, state["ind"], list(state["regions"]))
    year = int(s["year"].max()) if len(s) else 0
    last = s[s["year"] == year]
    by_code = dict(zip(last["region_code"], last["value"], strict=True))
    values = [(names[c], by_code.get(c)) for c in state["regions"]]
    series = lines(series=[{"name": names[c], "x": g["year"].tolist(), "y": g["value"].tolist()}
                           for c, g in s.groupby("region_code", sort=False)],
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
    return {"bars": compare_page.bars_figure(values, meta, year, lang), "series": series,
            "scatter": compare_page.scatter_figure(points, mx, my, lang, chosen),
            "rows": [{"region": n, "value": None if v is None or v != v else float(f"{v:.6g}")} for n, v in values],
            "message": None, "frame": pd.DataFrame(values, columns=["region", "value"]).assign(
                indicator_id=state["ind"], year=year)}


def page_layout(**params):
    state = parse(params)
    lang = state["lang"]
    b = build(state)
    cat = st.catalog().set_index("id")
    options = [{"label": cat.loc[i, "name_en"] if lang == "en" else cat.loc[i, "name_ja"], "value": i}
               for i in loaded_prefecture_indicators()]
    regions = [{"label": en if lang == "en" and en else ja, "value": c} for c, ja, en, _ in region_codes()]
    q = build_lq(state)
    lq = compare_page.lq_section(state, years=lq_years(state["lq_measure"]),
                                 industries=lq_industries(state["lq_measure"], state["lq_year"], lang),
                                 figure=q["figure"], rows=q["rows"], note=q["note"])
    return compare_page.layout(state, query=encode(state), region_options=regions,
                               indicator_options=options, bars=b.get("bars"), scatter=b.get("scatter"),
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
    return (b.get("bars", empty), b.get("series", empty), b.get("scatter", empty), b.get("rows", []), b["message"],
            encode(state), compare_page.api_links(state["ind"], state["lang"]))


def build_lq(state: st.State) -> dict:
    """The LQ chart, table, note and export frame of a state, memoised per data version and view."""
    return _build_lq(get_store().version, tuple(state["regions"]), state["lq_measure"], state["lq_year"],
                     state["lq_ind"], state["lang"])


@lru_cache(maxsize=256)
def _build_lq(version: tuple, regions: tuple, measure: str, year: int, industry: str, lang: str) -> dict:
    levels = {c: level for c, *_, level in region_codes()}
    names = compare_page.region_labels(region_codes(), "ratio", lang)
    rows = service.cached_lq_for_regions(measure, industry, regions, year)
    meta = st.catalog_row(f"lq_{measure}")
    industry_name = next((o["label"] for o in lq_industries(measure, year, lang) if o["value"] == industry), industry)
    note = [compare_page.lq_source(meta, year, lang)]
    groups = [names[c] for c in regions if levels.get(c) != "prefecture"]
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
                  Output(ids.COMPARE_SCATTER, "figure"), Output(ids.COMPARE_TABLE, "data"),
                  Output("compare-message", "children"), Output(ids.URL_QUERY, "data", allow_duplicate=True),
                  Output(ids.COMPARE_API, "children"), *inputs, *lq_states, prevent_initial_call=True)
    def _update(*args):
        return update(*args)

    @app.callback(Output(ids.COMPARE_LQ_BARS, "figure"), Output(ids.COMPARE_LQ_TABLE, "data"),
                  Output(ids.COMPARE_LQ_TABLE, "columns"), Output(ids.COMPARE_LQ_NOTE, "children"),
                  Output(ids.COMPARE_LQ_YEAR, "options"), Output(ids.COMPARE_LQ_YEAR, "value"),
                  Output(ids.COMPARE_LQ_INDUSTRY, "options"), Output(ids.COMPARE_LQ_INDUSTRY, "value"),
                  Output(ids.URL_QUERY, "data", allow_duplicate=True),
                  Input(ids.COMPARE_REGIONS, "value"), Input(ids.COMPARE_LQ_MEASURE, "value"),
                  Input(ids.COMPARE_LQ_YEAR, "value"), Input(ids.COMPARE_LQ_INDUSTRY, "value"),
                  State(ids.COMPARE_INDICATOR, "value"), State(ids.COMPARE_X, "value"), State(ids.COMPARE_Y, "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _update_lq(*args):
        return update_lq(*args)

    @app.callback(Output(f"{ids.COMPARE_LQ_EXPORT}-download", "data"),
                  Input(f"{ids.COMPARE_LQ_EXPORT}-csv", "n_clicks"), Input(f"{ids.COMPARE_LQ_EXPORT}-xlsx", "n_clicks"),
                  State(ids.COMPARE_REGIONS, "value"), *lq_states, State(ids.LANG, "data"), prevent_initial_call=True)
    def _export_lq(_c, _x, regions, measure, year, industry, lang):
        return export_lq(regions, measure, year, industry, lang, export_format(ids.COMPARE_LQ_EXPORT))

    @app.callback(Output(f"{ids.COMPARE_EXPORT}-download", "data"), Input(f"{ids.COMPARE_EXPORT}-csv", "n_clicks"),
                  Input(f"{ids.COMPARE_EXPORT}-xlsx", "n_clicks"), *inputs, prevent_initial_call=True)
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
