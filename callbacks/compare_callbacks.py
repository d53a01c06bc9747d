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
            "x": "professional_employee_share", "y": "value_added_per_employee"}
KEYS = ["regions", "ind", "x", "y", "lang", "present"]


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
    return st.parse(params, {"regions": (regions, DEFAULTS["regions"]), "ind": (st.choice(inds), DEFAULTS["ind"]),
                             "x": (st.choice(inds), DEFAULTS["x"]), "y": (st.choice(inds), DEFAULTS["y"])})


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
    return compare_page.layout(state, query=st.encode(state.values, KEYS, DEFAULTS), region_options=regions,
                               indicator_options=options, bars=b.get("bars"), scatter=b.get("scatter"),
                               series=b.get("series"), rows=b.get("rows", []), message=b.get("message"))


def update(regions, ind, x, y, lang):
    regions = [str(r) for r in regions] if isinstance(regions, list | tuple) else []
    params = {"regions": ",".join(regions), "ind": ind, "x": x, "y": y, "lang": lang}
    state = parse({k: v for k, v in params.items() if v})
    b = build(state)
    empty = {"data": [], "layout": {}}
    return (b.get("bars", empty), b.get("series", empty), b.get("scatter", empty), b.get("rows", []), b["message"],
            st.encode(state.values, KEYS, DEFAULTS), compare_page.api_links(state["ind"], state["lang"]))


def register(app: Dash) -> None:
    inputs = [Input(ids.COMPARE_REGIONS, "value"), Input(ids.COMPARE_INDICATOR, "value"), Input(ids.COMPARE_X, "value"),
              Input(ids.COMPARE_Y, "value"), State(ids.LANG, "data")]

    @app.callback(Output(ids.COMPARE_BARS, "figure"), Output(ids.COMPARE_SERIES, "figure"),
                  Output(ids.COMPARE_SCATTER, "figure"), Output(ids.COMPARE_TABLE, "data"),
                  Output("compare-message", "children"), Output(ids.URL_QUERY, "data", allow_duplicate=True),
                  Output(ids.COMPARE_API, "children"), *inputs, prevent_initial_call=True)
    def _update(*args):
        return update(*args)

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
