"""Map page: URL state → view → figures; indicator or year changes send only values (dash.Patch)."""

from __future__ import annotations

import copy
import json
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
from metrics.views import allowed_normalisations, empty_reason, nearest_year

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
        notes.append(t("notice_no_municipal", v["lang"], ind=v["ind"]))
        v["level"] = "prefecture"
    if v["pref"] and v["level"] != "municipality":
        v["pref"] = ""
    years = st.years_of(row, v["level"])
    if v["year"] is not None and v["year"] not in years:
        notes.append(t("notice_year", v["lang"], year=v["year"],
                       years=", ".join(map(str, years)) or t("notice_none", v["lang"])))
        v["year"] = None
    if v["year"] is None and years:
        v["year"] = years[-1]
    if v["norm"] not in allowed_normalisations(row):
        notes.append(t("notice_norm_counts", v["lang"], norm=v["norm"]))
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


def _has_values(ind: str, year: int, level: str, norm: str, pref: str | None) -> bool:
    try:
        return bool(cached_view(get_store().version, ind, year, level, norm, pref).table["value"].notna().any())
    except DataError:
        return False


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
    out = {"figure": None, "ranking": None, "rows": [], "message": None, "source": "", "view": None, "empty": None}
    if row["status"] != "loaded" or v["year"] is None:
        out["message"] = not_loaded(row, lang)
        return out
    try:
        view = cached_view(version, v["ind"], v["year"], v["level"], v["norm"], v["pref"] or None)
    except DataError as exc:
        out["message"] = str(exc)
        return out
    reason = empty_reason(view, v["norm"])
    if reason:   # say why inside the map and find the nearest year that has something to draw
        pref = v["pref"] or None
        near = nearest_year(v["year"], st.years_of(row, v["level"]),
                            lambda y: _has_values(v["ind"], y, v["level"], v["norm"], pref))
        out["empty"] = {"reason": reason, "nearest": near,
                        "text": map_page.empty_text(row, v["year"], v["norm"], reason, lang)}
    centre = CENTRES.get(v["norm"])
    edges = None
    if centre is None and not reason:
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
                                          centre=centre, notice=out["empty"] and out["empty"]["text"]),
               ranking=map_page.ranking_figure(view, lang=lang, level=v["level"], highlight=v["region"] or None,
                                              prefecture=v["pref"] or None),
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


def empty_message(state: st.State, b: dict):
    """The notice for a view without values: why, and a link to the nearest year (or to the values as
    published when no year can be shown this way). The link keeps presentation mode."""
    e = b.get("empty")
    if not e:
        return None
    lang = state["lang"]
    if e["nearest"] is not None:
        target, note = {**state.values, "year": e["nearest"]}, None
        label = t("map_empty_nearest", lang, year=e["nearest"])
    elif state["norm"] != "none":
        target, note = {**state.values, "norm": "none"}, t("map_empty_no_year", lang)
        label = t("map_empty_as_published", lang, year=state["year"])
    else:
        return map_page.empty_notice(e["text"], None, None, None)
    return map_page.empty_notice(e["text"], note, label, "/map?" + encode(st.State(target)))


def _join(first, second):
    return second if first is None else first if second is None else html.Div([first, second])


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
        figure=b["figure"], ranking=b["ranking"], rows=b["rows"], message=_join(b["message"], empty_message(state, b)),
        source=b["source"], controls=controls_table(lang))


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
        for key in ("z", "customdata", "colorscale", "zmin", "zmax", "zmid", "hovertemplate", "colorbar", "showscale"):
            patch["data"][0][key] = trace.get(key)
        patch["layout"]["title"]["text"] = fig["layout"]["title"]["text"]
        # The whole list: the source line, plus the notice of a year without values (or no notice).
        patch["layout"]["annotations"] = fig["layout"]["annotations"]
        fig = patch
    elif fig is None:
        fig = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}
    message = _join(b["message"], empty_message(state, b))
    if state.notices:   # e.g. breaks typed in the wrong order: say why the map fell back
        note = t("notice_fallback", state["lang"]) + "; ".join(state.notices)
        message = note if message is None else html.Div([html.P(note), message])
    return fig, message, b["source"], new_query


def update_side(ind, year, level, pref, norm, cls, k, bins, pal, lang, region=""):
    """Ranking chart and the first page of the table for the controls' view."""
    state = state_from_inputs(ind, year, level, pref, norm, cls, k, bins, pal, lang, region=region)
    b = build(state)
    return b["ranking"] or {"data": [], "layout": {}}, map_page.rank_table(b["rows"], state["lang"])


def turn_table_page(prev_clicks, next_clicks, page, ind, year, level, pref, norm, cls, k, bins, pal, lang,
                    region="", triggered: str | None = None):
    """The table's previous or next page (the view is rebuilt from the controls: memoised, so cheap)."""
    state = state_from_inputs(ind, year, level, pref, norm, cls, k, bins, pal, lang, region=region)
    step = 1 if triggered == f"{ids.MAP_TABLE_PAGER}-next" else -1 if triggered == f"{ids.MAP_TABLE_PAGER}-prev" else 0
    current = page if isinstance(page, int) else 0
    return map_page.rank_table(build(state)["rows"], state["lang"], page=current + step)


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


def controls_table(lang: str) -> dict:
    """What update_controls answers, for every indicator and level at once, so the browser can follow an
    indicator or level change without a round trip: the map's own request would otherwise wait for that
    answer (Dash holds a callback until the ones producing its inputs have returned), 40 ms and more on a
    slow line. Year lists and normalisation lists repeat across indicators, so each is written once and
    referred to by its index: ``ind[id] = [prefecture years, municipal years, normalisations]``."""
    return _controls_table(get_store().version, lang)


@lru_cache(maxsize=16)
def _controls_table(version: tuple, lang: str) -> dict:
    year_lists: list[list[int]] = []
    norm_lists: list[list[dict]] = []

    def ref(pool: list, item: list) -> int:
        if item not in pool:
            pool.append(item)
        return pool.index(item)

    indicators = {}
    for ind in sorted(st.catalog_ids()):
        if st.catalog_row(ind)["kind"] == "lq":
            continue
        (pref, _, norms), (muni, _, _) = (update_controls(ind, level, lang) for level in ("prefecture", "municipality"))
        indicators[ind] = [ref(year_lists, [o["value"] for o in pref]), ref(year_lists, [o["value"] for o in muni]),
                           ref(norm_lists, norms)]
    return {"years": year_lists, "norms": norm_lists, "ind": indicators, "default": DEFAULTS["ind"]}


# The browser's side of controls_table: the year dropdown and slider (map_page.slider_props), the play button
# and the normalisations for the chosen indicator and level.
# What the controls already show is left alone (no_update): every re-rendered dropdown or slider is main-thread
# time before Dash sends the map's request, and most indicators share their years and normalisations.
CONTROLS_JS = """function(ind, level, table, shownYears, shownYear, shownNorms) {
    const nu = window.dash_clientside.no_update;
    if (!table || !table.ind) { return [nu, nu, nu, nu, nu, nu, nu, nu, nu]; }
    const row = table.ind[ind] || table.ind[table.default];
    const years = table.years[level === 'municipality' ? row[1] : row[0]];
    const year = years.length ? years[years.length - 1] : null;
    const norms = table.norms[row[2]];
    const same = function (a, b) { return JSON.stringify(a) === JSON.stringify(b); };
    if (same(years, shownYears || [])) {
        return [nu, year === shownYear ? nu : year, same(norms, shownNorms) ? nu : norms, nu, nu,
                year === shownYear ? nu : Math.max(years.length - 1, 0), nu, nu, nu];
    }
    const marks = {};
    years.forEach(function (y, i) { marks[i] = String(y); });
    if (!years.length) { marks[0] = '\\u2014'; }
    const disabled = years.length < 2;
    return [years.map(function (y) { return {label: String(y), value: y}; }), year,
            same(norms, shownNorms) ? nu : norms, Math.max(years.length - 1, 1), marks,
            Math.max(years.length - 1, 0), disabled, years, disabled];
}"""


# The slider's value is an index into the years (see map_page.slider_props); the dropdown holds the year
# the map callbacks read. Each follows the other in the browser, so a slider step costs one Patch request.
SYNC_YEAR = """function(year, idx, years, lang) {
    const nu = window.dash_clientside.no_update;
    const trig = window.dash_clientside.callback_context.triggered.map(function (t) { return t.prop_id; });
    const label = function (y) { return y === null || y === undefined ? '—' : (lang === 'en' ? String(y) : y + '年'); };
    years = years || [];
    if (trig.indexOf('SLIDER.value') >= 0) {
        const y = years[idx];
        if (y === undefined) { return [nu, nu, nu]; }
        return [y === year ? nu : y, nu, label(y)];
    }
    const i = years.indexOf(year);
    return [nu, (i < 0 || i === idx) ? nu : i, label(year)];
}"""

# Play steps one year per tick of the timer and stops at the last year; Play at the last year starts
# again from the first.
PLAY = """function(clicks, ticks, idx, years, stopped, lang) {
    const nu = window.dash_clientside.no_update;
    const labels = LABELS[lang === 'en' ? 'en' : 'ja'];
    const trig = window.dash_clientside.callback_context.triggered.map(function (t) { return t.prop_id; });
    const last = (years || []).length - 1;
    if (trig.indexOf('BUTTON.n_clicks') >= 0) {
        if (!stopped || last < 1) { return [nu, true, labels.play]; }
        return [idx >= last ? 0 : nu, false, labels.pause];
    }
    if (stopped || last < 1) { return [nu, nu, nu]; }
    const next = Math.min((idx || 0) + 1, last);
    return next >= last ? [next, true, labels.play] : [next, nu, nu];
}"""


def register(app: Dash) -> None:
    # In the browser (see controls_table): the map's request goes out as soon as the indicator changes.
    app.clientside_callback(
        CONTROLS_JS,
        Output(ids.MAP_YEAR, "options"), Output(ids.MAP_YEAR, "value"), Output(ids.MAP_NORMALISATION, "options"),
        Output(ids.MAP_YEAR_SLIDER, "max"), Output(ids.MAP_YEAR_SLIDER, "marks"),
        Output(ids.MAP_YEAR_SLIDER, "value"), Output(ids.MAP_YEAR_SLIDER, "disabled"),
        Output(ids.MAP_YEARS, "data"), Output(ids.MAP_PLAY, "disabled"),
        Input(ids.MAP_INDICATOR, "value"), Input(ids.MAP_LEVEL, "value"),
        State(ids.MAP_CONTROLS_TABLE, "data"), State(ids.MAP_YEARS, "data"), State(ids.MAP_YEAR, "value"),
        State(ids.MAP_NORMALISATION, "options"), prevent_initial_call=True)

    app.clientside_callback(
        SYNC_YEAR.replace("SLIDER", ids.MAP_YEAR_SLIDER),
        Output(ids.MAP_YEAR, "value", allow_duplicate=True),
        Output(ids.MAP_YEAR_SLIDER, "value", allow_duplicate=True), Output(ids.MAP_YEAR_LABEL, "children"),
        Input(ids.MAP_YEAR, "value"), Input(ids.MAP_YEAR_SLIDER, "value"), State(ids.MAP_YEARS, "data"),
        State(ids.LANG, "data"), prevent_initial_call=True)

    # The slider's handle is named and read out as the year (its value is only an index). The handle is
    # drawn by a lazily loaded component, hence the short wait for it.
    app.clientside_callback(
        """function(text, lang) {
            let tries = 0;
            const name = function () {
                const handle = document.querySelector('#SLIDER [role="slider"]');
                if (!handle) { if (tries++ < 50) { window.setTimeout(name, 100); } return; }
                handle.setAttribute('aria-valuetext', text);
                handle.setAttribute('aria-label', lang === 'en' ? 'Year' : '年');
            };
            name();
            return text;
        }""".replace("SLIDER", ids.MAP_YEAR_SLIDER),
        Output(ids.MAP_YEAR_LABEL, "title"), Input(ids.MAP_YEAR_LABEL, "children"), State(ids.LANG, "data"))

    labels = {lang: {"play": t("map_play", lang), "pause": t("map_pause", lang)} for lang in ("ja", "en")}
    app.clientside_callback(
        PLAY.replace("BUTTON", ids.MAP_PLAY).replace("LABELS", json.dumps(labels, ensure_ascii=False)),
        Output(ids.MAP_YEAR_SLIDER, "value", allow_duplicate=True), Output(ids.MAP_PLAY_TIMER, "disabled"),
        Output(ids.MAP_PLAY, "children"),
        Input(ids.MAP_PLAY, "n_clicks"), Input(ids.MAP_PLAY_TIMER, "n_intervals"),
        State(ids.MAP_YEAR_SLIDER, "value"), State(ids.MAP_YEARS, "data"), State(ids.MAP_PLAY_TIMER, "disabled"),
        State(ids.LANG, "data"), prevent_initial_call=True)

    @app.callback(Output(ids.MAP_GRAPH, "figure"), Output(ids.MAP_MESSAGE, "children"),
                  Output(ids.MAP_SOURCE, "children"), Output(ids.URL_QUERY, "data", allow_duplicate=True),
                  Output(ids.MAP_DRAWN, "data"),
                  *CONTROLS, State(ids.LANG, "data"), State(ids.MAP_REGION, "data"), State(ids.URL_QUERY, "data"),
                  State(ids.MAP_DRAWN, "data"), prevent_initial_call=True)
    def _map(*args):
        *inputs, drawn = args
        triggered = {t_["prop_id"].split(".")[0] for t_ in ctx.triggered}
        # After a not-loaded indicator the graph is empty: a Patch would recolour nothing, so draw it whole.
        fig, *rest = update_map(*inputs, triggered=triggered if drawn is not False else None)
        return fig, *rest, not isinstance(fig, dict) or bool(fig.get("data"))

    @app.callback(Output(ids.MAP_TABLE, "children", allow_duplicate=True),
                  Input(f"{ids.MAP_TABLE_PAGER}-prev", "n_clicks"), Input(f"{ids.MAP_TABLE_PAGER}-next", "n_clicks"),
                  State(f"{ids.MAP_TABLE_PAGER}-page", "data"), *[State(c.component_id, c.component_property)
                                                                for c in CONTROLS],
                  State(ids.LANG, "data"), State(ids.MAP_REGION, "data"), prevent_initial_call=True)
    def _table_page(prev_clicks, next_clicks, page, *args):
        return turn_table_page(prev_clicks, next_clicks, page, *args, triggered=ctx.triggered_id)

    # Asked for once the map's answer is in, not alongside it: redrawing the ranking takes the browser
    # 50-100 ms, and when its answer came first the map's redraw waited behind it.
    @app.callback(Output(ids.MAP_RANKING, "figure"), Output(ids.MAP_TABLE, "children"),
                  Input(ids.MAP_DRAWN, "data"), *[State(c.component_id, c.component_property) for c in CONTROLS],
                  State(ids.LANG, "data"), State(ids.MAP_REGION, "data"), prevent_initial_call=True)
    def _side(_drawn, *args):
        return update_side(*args)

    # A click opens the clicked region's own profile: a prefecture's (2 digits) or a municipality's (5 digits).
    app.clientside_callback(
        """function(click, lang) {
            const p = click && click.points && click.points[0];
            const code = p && p.location ? String(p.location) : '';
            if (!/^([0-9]{2}|[0-9]{5})$/.test(code)) { return window.dash_clientside.no_update; }
            const href = '/profile?region=' + code + (lang === 'en' ? '&lang=en' : '');
            window.location.assign(href);
            return href;
        }""",
        Output(ids.MAP_GOTO, "children"), Input(ids.MAP_GRAPH, "clickData"), State(ids.LANG, "data"),
        prevent_initial_call=True)

    @app.callback(Output(f"{ids.MAP_EXPORT}-download", "data"), Input(f"{ids.MAP_EXPORT}-csv", "n_clicks"),
                  Input(f"{ids.MAP_EXPORT}-xlsx", "n_clicks"),
                  # States, not inputs: as inputs, every indicator or year change downloaded the table unasked
                  # (665 KB for municipalities, on the line beside the map's own answer).
                  *[State(c.component_id, c.component_property) for c in CONTROLS[:5]], State(ids.LANG, "data"),
                  prevent_initial_call=True)
    def _export(_csv, _xlsx, ind, year, level, pref, norm, lang):
        fmt = export_format(ids.MAP_EXPORT)
        return export_data(ind, year, level, pref, norm, lang, fmt)

    register_image_export(app, ids.MAP_EXPORT, "map-graph", "chiiki-map", ids.MAP_IMAGE_DONE)
