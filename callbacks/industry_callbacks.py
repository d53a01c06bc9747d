"""Industry page."""

from __future__ import annotations

from functools import lru_cache

from dash import Dash, Input, Output, State

from callbacks import state as st
from callbacks.exports import export_format, register_image_export, send_frame
from layouts import ids, industry_page
from loaders.store import get_store
from metrics import service

DEFAULTS = {"measure": "employees", "year": None, "sort": None, "region": ""}
KEYS = ["measure", "year", "sort", "region", "lang", "present"]


def parse(params: dict) -> st.State:
    state = st.parse(params, {"measure": (st.choice(industry_page.MEASURES), "employees"),
                              "year": (st.integer(1900, 2100), None), "sort": (lambda raw: raw[:20], None),
                              "region": (st.choice([f"{i:02d}" for i in range(1, 48)]), "")})
    cur = get_store().cursor()
    years = service.lq_years(cur, state["measure"])
    if state["year"] not in years:
        if state["year"] is not None:
            state.notices.append(f"year={state['year']} (available: {', '.join(map(str, years))})")
        state.values["year"] = years[-1]
    table = service.cached_lq_table(state["measure"], state["year"])
    codes = list(dict.fromkeys(table["industry_code"]))
    if state["sort"] not in codes:
        if state["sort"] is not None:
            state.notices.append(f"sort={state['sort']!r} (not an industry of this measure)")
        state.values["sort"] = "jsic-E" if "jsic-E" in codes else codes[0]
    return state


def build(state: st.State) -> dict:
    """Figures and rows for a state, memoised per data version and view."""
    return _build(get_store().version, state["measure"], state["year"], state["sort"], state["lang"],
                  state["region"])


@lru_cache(maxsize=128)
def _build(version: tuple, measure: str, year: int, sort: str, lang: str, region: str) -> dict:
    state = st.State({"measure": measure, "year": year, "sort": sort, "lang": lang, "region": region})
    table = service.cached_lq_table(measure, year)
    ind_col = "industry_name_en" if lang == "en" else "industry_name_ja"
    industries = [{"label": n, "value": c} for c, n in table.drop_duplicates("industry_code")[["industry_code",
                                                                                               ind_col]].to_numpy()]
    return {"table": table, "industries": industries,
            "heatmap": industry_page.heatmap_figure(table, state["sort"], measure, year, lang,
                                                    first=state["region"] or None),
            "map": industry_page.lq_map_figure(table, state["sort"], measure, year, lang),
            "rows": industry_page.table_rows(table, state["sort"], lang)}


def page_layout(**params):
    state = parse(params)
    b = build(state)
    cur = get_store().cursor()
    return industry_page.layout(state, query=st.encode(state.values, KEYS, DEFAULTS),
                                years=service.lq_years(cur, state["measure"]), industries=b["industries"],
                                heatmap=b["heatmap"], lq_map=b["map"], rows=b["rows"],
                                change=change_view(state["measure"], state["sort"], state["lang"]))


def change_view(measure, sort, lang):
    """The LQ change 2016 → 2021 of the sorted industry across prefectures (with its caveat)."""
    state = parse({k: str(v) for k, v in {"measure": measure, "sort": sort, "lang": lang}.items() if v})
    cur = get_store().cursor()
    years = service.lq_change_years(cur, state["measure"])
    if years is None:
        return industry_page.change_section([], state["measure"], None, "", state["lang"])
    change = service.cached_lq_change(state["measure"], *years)
    lang = state["lang"]
    table = service.cached_lq_table(state["measure"], years[1])
    hit = table[table["industry_code"] == state["sort"]]
    industry = hit[f"industry_name_{'en' if lang == 'en' else 'ja'}"].iloc[0] if len(hit) else state["sort"]
    return industry_page.change_section(industry_page.change_rows(change, state["sort"],
                                                                  service.region_names(cur, lang)),
                                        state["measure"], years, industry, lang)


def update(measure, year, sort, lang, region=""):
    params = {"measure": measure, "year": year, "sort": sort, "lang": lang, "region": region}
    state = parse({k: str(v) for k, v in params.items() if v})
    b = build(state)
    years = service.lq_years(get_store().cursor(), state["measure"])
    return (b["heatmap"], b["map"], b["rows"], [{"label": str(y), "value": y} for y in years], state["year"],
            b["industries"], state["sort"], st.encode(state.values, KEYS, DEFAULTS),
            industry_page.rule_and_api(state["measure"], state["year"], state["lang"]))


def register(app: Dash) -> None:
    inputs = [Input(ids.INDUSTRY_MEASURE, "value"), Input(ids.INDUSTRY_YEAR, "value"),
              Input(ids.INDUSTRY_SORT, "value"), State(ids.LANG, "data"), State("industry-region", "data")]

    @app.callback(Output(ids.INDUSTRY_HEATMAP, "figure"), Output(ids.INDUSTRY_MAP, "figure"),
                  Output(ids.INDUSTRY_TABLE, "children"), Output(ids.INDUSTRY_YEAR, "options"),
                  Output(ids.INDUSTRY_YEAR, "value"), Output(ids.INDUSTRY_SORT, "options"),
                  Output(ids.INDUSTRY_SORT, "value"), Output(ids.URL_QUERY, "data", allow_duplicate=True),
                  Output(ids.INDUSTRY_STRENGTH_RULE, "children"), *inputs, prevent_initial_call=True)
    def _update(measure, *args):
        out = update(measure, *args)
        lang = args[2] if len(args) > 2 and args[2] in ("ja", "en") else "ja"
        return (*out[:2], industry_page.rows_table(out[2], parse({"measure": str(measure or "")})["measure"], lang),
                *out[3:])

    @app.callback(Output(ids.INDUSTRY_CHANGE, "children"), Input(ids.INDUSTRY_MEASURE, "value"),
                  Input(ids.INDUSTRY_SORT, "value"), State(ids.LANG, "data"), prevent_initial_call=True)
    def _change(measure, sort, lang):
        return change_view(measure, sort, lang)

    @app.callback(Output(f"{ids.INDUSTRY_EXPORT}-download", "data"),
                  Input(f"{ids.INDUSTRY_EXPORT}-csv", "n_clicks"), Input(f"{ids.INDUSTRY_EXPORT}-xlsx", "n_clicks"),
                  State(ids.INDUSTRY_MEASURE, "value"), State(ids.INDUSTRY_YEAR, "value"), prevent_initial_call=True)
    def _export(_c, _x, measure, year):
        state = parse({"measure": measure or "employees", "year": str(year or "")})
        table = service.cached_lq_table(state["measure"], state["year"])
        cols = ["region_code", "region_name_ja", "region_name_en", "industry_code", "industry_name_ja",
                "industry_name_en", "measure", "year", "value", "share", "lq", "share_of_reference", "strength"]
        name = f"chiiki_lq_{state['measure']}_{state['year']}"
        # ``value`` is the count behind each LQ: say in what.
        rows = table[cols].assign(unit=industry_page.UNITS[state["measure"]][0])
        return send_frame(rows, name, export_format(ids.INDUSTRY_EXPORT),
                          st.catalog_row(f"lq_{state['measure']}"))

    register_image_export(app, ids.INDUSTRY_EXPORT, "industry-heatmap", "chiiki-lq", ids.INDUSTRY_IMAGE_DONE)
