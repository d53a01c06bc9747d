"""Map page: URL state → view → figures; indicator or year changes send only values (dash.Patch)."""

from __future__ import annotations

import copy
from functools import lru_cache
from urllib.parse import urlencode

import pandas as pd
from dash import Dash, Input, Output, Patch, State, ctx, html, no_update

from callbacks import state as st
from callbacks.exports import export_format, register_image_export, send_frame
from layouts import ids, map_page
from layouts.api_page import api_link
from layouts.common import not_loaded
from layouts.i18n import t
from loaders.errors import DataError
from loaders.ssdse_items import THEMES
from loaders.store import get_store
from metrics import classify
from metrics.service import cached_view
from metrics.views import allowed_normalisations

DEFAULTS = {"ind": "univ_students_per_1000", "year": None, "level": "prefecture", "pref": "", "norm": "none",
            "cls": "quantile", "k": 5, "bins": "", "pal": "viridis", "region": ""}
KEYS = ["ind", "year", "level", "pref", "norm", "cls", "k", "bins", "pal", "region", "lang", "present"]
CENTRES = {"relative": 100.0, "deviation": 50.0}


def parse(params: dict) -> st.State:
    """Validate the map's URL parameters against the catalog; fall back with a notice."""
    def indicator(raw: str) -> str:
        if raw not in st.catalog_ids() or st.catalog_row(raw)["kind"] == "lq":
            raise ValueError("unknown indicator")
        return raw

    state = st.parse(params, {
        "ind": (indicator, DEFAULTS["ind"]),
        "year": (st.integer(1900, 2100), None),
        "level": (st.choice(("prefecture", "municipality")), "prefecture"),
        "pref": (st.choice([f"{i:02d}" for i in range(1, 48)]), ""),
        "norm": (st.choice(map_page.NORM_KEYS), "none"),
        "cls": (st.choice(map_page.CLS_KEYS), "quantile"),
        "k": (st.integer(3, 9), 5),
        "bins": (lambda raw: ",".join(str(b) for b in classify.fixed_breaks(raw)), ""),
        "pal": (st.choice(map_page.PALETTES), "viridis"),
        "region": (st.choice([f"{i:02d}" for i in range(1, 48)]), ""),
    })
    return reconcile(state)


def reconcile(state: st.State) -> st.State:
    """Make the parameters consistent with the indicator (level, year, normalisation, breaks)."""
    v, notes = state.values, state.notices
    row = st.catalog_row(v["ind"])
    if v["level"] == "municipality" and not st.years_of(row, "municipality"):
        notes.append(f"level=municipality ({v['ind']} has no municipal data)")
        v["level"] = "prefecture"
    if v["pref"] and v["level"] != "municipality":
        v["pref"] = ""
    years = st.years_of(row, v["level"])
    if v["year"] is not None and v["year"] not in years:
        notes.append(f"year={v['year']} (available: {', '.join(map(str, years)) or 'none'})")
        v["year"] = None
    if v["year"] is None and years:
        v["year"] = years[-1]
    if v["norm"] not in allowed_normalisations(row):
        notes.append(f"norm={v['norm']} (applies to counts only)")
        v["norm"] = "none"
    if v["cls"] == "fixed" and not v["bins"]:
        notes.append("cls=fixed needs bins, e.g. bins=0,10,20")
        v["cls"] = "quantile"
    return state


def encode(state: st.State) -> str:
    """The view as a short link: defaults, including the latest year, are left out."""
    years = st.years_of(st.catalog_row(state["ind"]), state["level"])
    defaults = {**DEFAULTS, "year": years[-1] if years else None}
    return st.encode(state.values, KEYS, defaults)


@lru_cache(maxsize=1024)
def _breaks(version: tuple, ind: str, year: int, level: str, norm: str, pref: str | None, cls: str, k: int,
            bins: str) -> list[float]:
    view = cached_view(version, ind, year, level, norm, pref)
    return classify.breaks(view.table["value"], cls, k, bins)


SHOWN = ("ind", "year", "level", "pref", "norm", "cls", "k", "bins", "pal", "lang", "region")


def build(state: st.State) -> dict:
    """Everything the page shows for a state: figures, rows, message (or a not-loaded panel).

    Memoised per data version and view, so switching back and forth between views costs a lookup.
    """
    return _build(get_store().version, tuple(state.values[k] for k in SHOWN))


@lru_cache(maxsize=256)
def _build(version: tuple, key: tuple) -> dict:
    v = dict(zip(SHOWN, key, strict=True))
    lang = v["lang"]
    row = st.catalog_row(v["ind"])
    out = {"figure": None, "ranking": None, "rows": [], "message": None, "source": "", "view": None}
    if row["status"] != "loaded" or v["year"] is None:
        out["message"] = not_loaded(row, lang)
        return out
    try:
        view = cached_view(version, v["ind"], v["year"], v["level"], v["norm"], v["pref"] or None)
    except DataError as exc:
        out["message"] = str(exc)
        return out
    centre = CENTRES.get(v["norm"])
    edges = None
    if centre is None:
        try:
            edges = _breaks(version, v["ind"], v["year"], v["level"], v["norm"], v["pref"] or None,
                            v["cls"], v["k"], v["bins"])
        except ValueError as exc:
            out["message"] = f"{t('fixed_breaks', lang)}: {exc}"
            edges = classify.breaks(view.table["value"], "quantile", v["k"])
    api_query = urlencode({k: val for k, val in (("indicator", v["ind"]), ("year", v["year"]),
                                                 ("level", v["level"]), ("prefecture", v["pref"]),
                                                 ("norm", v["norm"])) if val not in (None, "", "none")})
    out.update(view=view, source=[map_page.source_line(row, lang), " · ", api_link("/values", api_query, lang)],
               figure=map_page.map_figure(view, lang=lang, level=v["level"], edges=edges, palette=v["pal"],
                                          centre=centre),
               ranking=map_page.ranking_figure(view, lang=lang, level=v["level"], highlight=v["region"] or None),
               rows=map_page.table_rows(view, lang))
    return out


def preview_svg(params: dict) -> str:
    """The map of a link as a static SVG (prefecture level), for the first paint."""
    from plotly.colors import sample_colorscale

    from layouts import preview

    state = parse(params)
    b = build(state)
    fig = b["figure"]
    if fig is None or state["level"] != "prefecture":
        return preview.svg("prefecture", {}, "")
    trace = fig["data"][0]
    lo, hi = trace.get("zmin"), trace.get("zmax")
    scale = trace["colorscale"]
    fills = {}
    for code, z in zip(trace["locations"], trace["z"], strict=True):
        if z is None or lo is None or hi is None or hi == lo:
            continue
        pos = min(1.0, max(0.0, (z - lo) / (hi - lo)))
        if isinstance(scale, str) or trace.get("zmid") is not None:   # continuous (diverging) scale
            fills[code] = sample_colorscale(scale, [pos])[0]
        else:   # stepped scale: the colour of the class containing pos
            fills[code] = next((c for p, c in reversed(scale) if p <= pos), scale[0][1])
    return preview.svg("prefecture", fills, fig["layout"]["title"]["text"])


def page_layout(**params):
    state = parse(params)
    lang = state["lang"]
    cat = st.catalog()
    row = st.catalog_row(state["ind"])
    b = build(state)
    regions = st.prefectures()
    return map_page.layout(
        state, query=encode(state),
        options=map_page.indicator_options(cat, lang, THEMES), years=st.years_of(row, state["level"]),
        norms=list(allowed_normalisations(row)),
        prefectures=[{"label": en if lang == "en" else ja, "value": c} for c, ja, en in regions],
        figure=b["figure"], ranking=b["ranking"], rows=b["rows"], message=b["message"], source=b["source"])


def state_from_inputs(ind, year, level, pref, norm, cls, k, bins, pal, lang, region="", present=False) -> st.State:
    """The same validation as a URL, so a control can never put the page in a state a link cannot."""
    params = {"ind": ind, "year": year, "level": level, "pref": pref, "norm": norm, "cls": cls, "k": k,
              "bins": bins, "pal": pal, "lang": lang, "region": region, "present": "1" if present else None}
    return parse({k: str(v) for k, v in params.items() if v not in (None, "")})


VALUE_INPUTS = {ids.MAP_INDICATOR, ids.MAP_YEAR, ids.MAP_NORMALISATION, ids.MAP_CLASSIFICATION, ids.MAP_CLASSES,
                ids.MAP_BREAKS, ids.MAP_PALETTE}


def update_map(ind, year, level, pref, norm, cls, k, bins, pal, lang, region, query,
               triggered: set[str] | None = None):
    """Figure (or a Patch with only values and colours), message and the new query string."""
    present = isinstance(query, str) and "present=1" in query
    state = state_from_inputs(ind, year, level, pref, norm, cls, k, bins, pal, lang, region=region or "",
                              present=present)
    b = build(state)
    new_query = encode(state)
    fig = b["figure"]
    if fig is not None and not (triggered and triggered <= VALUE_INPUTS):
        fig = copy.deepcopy(fig)   # the cached figure is shared; Dash must not see the same object twice
    if fig is not None and triggered and triggered <= VALUE_INPUTS:
        patch = Patch()
        trace = fig["data"][0]
        for key in ("z", "customdata", "colorscale", "zmin", "zmax", "zmid", "hovertemplate", "colorbar"):
            patch["data"][0][key] = trace.get(key)
        patch["layout"]["title"]["text"] = fig["layout"]["title"]["text"]
        patch["layout"]["annotations"][0]["text"] = fig["layout"]["annotations"][0]["text"]
        fig = patch
    elif fig is None:
        fig = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}
    message = b["message"]
    if state.notices:   # e.g. breaks typed in the wrong order: say why the map fell back
        note = t("notice_fallback", state["lang"]) + "; ".join(state.notices)
        message = note if message is None else html.Div([html.P(note), message])
    return fig, message, b["source"], new_query


def update_side(ind, year, level, pref, norm, cls, k, bins, pal, lang, region=""):
    state = state_from_inputs(ind, year, level, pref, norm, cls, k, bins, pal, lang, region=region)
    b = build(state)
    return b["ranking"] or {"data": [], "layout": {}}, b["rows"]


def update_controls(ind, level, lang):
    """Years and normalisations the chosen indicator and level allow (after the URL's validation)."""
    state = state_from_inputs(ind, None, level, None, None, None, None, None, None, lang)
    row = st.catalog_row(state["ind"])
    years = st.years_of(row, state["level"])
    norms = allowed_normalisations(row)
    return ([{"label": str(y), "value": y} for y in years], years[-1] if years else None,
            [{"label": t(f"norm_{n}", state["lang"]), "value": n} for n in norms])


def export_data(ind, year, level, pref, norm, lang, fmt: str):
    state = state_from_inputs(ind, year, level, pref, norm, "quantile", 5, "", "viridis", lang)
    b = build(state)
    if b["view"] is None:
        return no_update
    view = b["view"]
    unit = view.unit_en if lang == "en" else view.unit_ja
    df = view.table.assign(year=view.year, unit=unit, indicator_id=state["ind"])[
        ["indicator_id", "region_code", "name_ja", "name_en", "year", "value", "unit", "rank", "raw", "dataset"]]
    df = pd.concat([df, pd.DataFrame([{"indicator_id": state["ind"], "region_code": "00", "name_ja": "全国",
                                       "name_en": "Japan", "year": view.year, "value": view.national,
                                       "unit": unit, "dataset": view.national_dataset}])], ignore_index=True)
    name = f"chiiki_{state['ind']}_{view.year}_{state['level']}"
    return send_frame(df, name, fmt, view.meta)


CONTROLS = [Input(ids.MAP_INDICATOR, "value"), Input(ids.MAP_YEAR, "value"), Input(ids.MAP_LEVEL, "value"),
            Input(ids.MAP_PREFECTURE, "value"), Input(ids.MAP_NORMALISATION, "value"),
            Input(ids.MAP_CLASSIFICATION, "value"), Input(ids.MAP_CLASSES, "value"), Input(ids.MAP_BREAKS, "value"),
            Input(ids.MAP_PALETTE, "value")]


def register(app: Dash) -> None:
    @app.callback(Output(ids.MAP_YEAR, "options"), Output(ids.MAP_YEAR, "value"),
                  Output(ids.MAP_NORMALISATION, "options"),
                  Input(ids.MAP_INDICATOR, "value"), Input(ids.MAP_LEVEL, "value"), State(ids.LANG, "data"),
                  prevent_initial_call=True)
    def _controls(ind, level, lang):
        return update_controls(ind, level, lang)

    @app.callback(Output(ids.MAP_GRAPH, "figure"), Output(ids.MAP_MESSAGE, "children"),
                  Output(ids.MAP_SOURCE, "children"), Output(ids.URL_QUERY, "data", allow_duplicate=True),
                  *CONTROLS, State(ids.LANG, "data"), State(ids.MAP_REGION, "data"), State(ids.URL_QUERY, "data"),
                  prevent_initial_call=True)
    def _map(*args):
        triggered = {t_["prop_id"].split(".")[0] for t_ in ctx.triggered}
        return update_map(*args, triggered=triggered)

    @app.callback(Output(ids.MAP_RANKING, "figure"), Output(ids.MAP_TABLE, "data"),
                  *CONTROLS, State(ids.LANG, "data"), State(ids.MAP_REGION, "data"), prevent_initial_call=True)
    def _side(*args):
        return update_side(*args)

    # A click opens the region's profile (a municipality opens its prefecture's).
    app.clientside_callback(
        """function(click, lang) {
            const p = click && click.points && click.points[0];
            if (!p || !p.location) { return window.dash_clientside.no_update; }
            const href = '/profile?region=' + String(p.location).slice(0, 2) + (lang === 'en' ? '&lang=en' : '');
            window.location.assign(href);
            return href;
        }""",
        Output(ids.MAP_GOTO, "children"), Input(ids.MAP_GRAPH, "clickData"), State(ids.LANG, "data"),
        prevent_initial_call=True)

    @app.callback(Output(f"{ids.MAP_EXPORT}-download", "data"), Input(f"{ids.MAP_EXPORT}-csv", "n_clicks"),
                  Input(f"{ids.MAP_EXPORT}-xlsx", "n_clicks"), *CONTROLS[:5], State(ids.LANG, "data"),
                  prevent_initial_call=True)
    def _export(_csv, _xlsx, ind, year, level, pref, norm, lang):
        fmt = export_format(ids.MAP_EXPORT)
        return export_data(ind, year, level, pref, norm, lang, fmt)

    register_image_export(app, ids.MAP_EXPORT, "map-graph", "chiiki-map", ids.MAP_IMAGE_DONE)
