"""Region profile page."""

from __future__ import annotations

import io
from functools import lru_cache

import pandas as pd
from dash import Dash, Input, Output, State, dcc, no_update

from callbacks import state as st
from callbacks.exports import export_format, register_image_export
from layouts import ids, profile_page
from loaders.store import get_store
from metrics import lq, service

PREFS = [f"{i:02d}" for i in range(1, 48)]
DEFAULTS = {"region": "13", "series": service.PROFILE_SERIES_DEFAULT}


def series_choices() -> list[str]:
    cat = st.catalog()
    many = cat["prefecture_years"].map(lambda ys: hasattr(ys, "__len__") and len(ys) >= 5)
    return sorted(cat.loc[many & (cat["kind"] != "lq"), "id"])


def region_codes() -> tuple[str, ...]:
    """Prefecture codes and every municipality's 5-digit code: what ``region=`` accepts."""
    return _region_codes(get_store().version)


@lru_cache(maxsize=4)
def _region_codes(version: tuple) -> tuple[str, ...]:
    # The regions table, not the profile's tables: a prefecture page must not pay for every municipality.
    return (*PREFS, *service.region_table(get_store().cursor(), "municipality")["code"])


def parse(params: dict) -> st.State:
    return st.parse(params, {"region": (st.choice(region_codes()), "13"),
                             "series": (st.choice(series_choices()), "A1101")})


def is_municipality(region: str) -> bool:
    return isinstance(region, str) and len(region) == 5 and region.isdigit()


def region_options(lang: str) -> list[dict]:
    """The picker's options: each prefecture followed by its municipalities (memoised per data version)."""
    return _region_options(get_store().version, lang)


SEARCH_LIMIT = 60


def initial_options(region: str, lang: str) -> list[dict]:
    """What the picker starts with: the 47 prefectures and the municipalities of the region's prefecture.

    The other 1,700 municipalities come by search (:func:`search_options`): sending every option with
    each page tripled the profile's response (9 → 28 KB gzipped) and its serialisation time.
    """
    return _initial_options(get_store().version, region[:2], lang)


@lru_cache(maxsize=128)
def _initial_options(version: tuple, pref: str, lang: str) -> list[dict]:
    return [o for o in region_options(lang) if len(o["value"]) == 2 or o["value"][:2] == pref]


def search_options(search: str | None, value: str | None, lang: str) -> list[dict]:
    """Options whose label contains ``search`` (case-insensitive; the prefecture's name finds all its
    municipalities), at most :data:`SEARCH_LIMIT`, always with the chosen region's own option."""
    # A request may carry anything as the search text or the value: only text is a search.
    value = value if isinstance(value, str) else None
    if not isinstance(search, str) or not search.strip():
        return initial_options(value or DEFAULTS["region"], lang)
    needle = search.strip().casefold()[:100]
    found = [o for o in region_options(lang) if needle in o["label"].casefold()][:SEARCH_LIMIT]
    if value and all(o["value"] != value for o in found):
        found += [o for o in region_options(lang) if o["value"] == value]
    return found


@lru_cache(maxsize=8)
def _region_options(version: tuple, lang: str) -> list[dict]:
    cur = get_store().cursor()
    nm = names(lang)
    munis = service.region_table(cur, "municipality")
    name_col = munis["name_en"].where(munis["name_en"].notna() & (munis["name_en"] != ""), munis["name_ja"]) \
        if lang == "en" else munis["name_ja"]
    return profile_page.region_options([(c, nm[c]) for c in PREFS],
                                       list(zip(munis["code"], name_col, munis["prefecture_code"], strict=True)),
                                       lang)


def names(lang: str) -> dict[str, str]:
    return service._cached_region_names(lang)


def headline_cards(region: str) -> list[dict]:
    return service.cached_prefecture_profile(region)["headline"]


def deviation_table(region: str) -> pd.DataFrame:
    return service.cached_prefecture_profile(region)["deviation"]


def series_figure(indicator: str, region: str, lang: str) -> dict:
    bundle = service.cached_prefecture_profile(region)
    s = (bundle["series"] if indicator == service.PROFILE_SERIES_DEFAULT else
         service.cached_series(indicator, [region, "00", bundle["region"]["block_code"], bundle["group"]]))
    return profile_page.series_figure(s, names(lang), st.catalog_row(indicator), lang)


def page_layout(**params):
    state = parse(params)
    if is_municipality(state["region"]):
        return _municipal_page(get_store().version, state["region"], state["lang"], state["present"],
                               tuple(state.notices))
    return _page(get_store().version, state["region"], state["series"], state["lang"], state["present"],
                 tuple(state.notices))


@lru_cache(maxsize=128)
def _page(version: tuple, region: str, series: str, lang: str, present: bool, notices: tuple):
    state = st.State({"region": region, "series": series, "lang": lang, "present": present}, list(notices))
    nm = names(lang)
    bundle = service.cached_prefecture_profile(region)
    labels = {"nation": nm["00"], "block": nm[bundle["region"]["block_code"]], "group": nm[bundle["group"]]}
    cat = st.catalog().set_index("id")
    ind_names = (cat["name_en"] if lang == "en" else cat["name_ja"]).to_dict()
    return profile_page.layout(
        state, query=st.encode(state.values, ["region", "series", "lang", "present"], DEFAULTS),
        prefectures=initial_options(region, lang), region_name=nm[region],
        cards=profile_page.headline(headline_cards(region), lang),
        found=profile_page.findings_list(bundle["findings"], lang),
        deviation=profile_page.deviation_figure(deviation_table(region), nm[region], lang, labels),
        deviation_table=profile_page.deviation_table(profile_page.deviation_rows(deviation_table(region), lang),
                                                     labels, nm[region], lang),
        bubble=profile_page.bubble_figure(bundle["lq_rows"], nm[region], lang, lq.LQ_STRENGTH, lq.MIN_SHARE),
        series_options=[{"label": ind_names.get(i, i), "value": i} for i in series_choices()],
        series=series_figure(state["series"], region, lang),
        peers=profile_page.peers_table(bundle["peers"], nm, ind_names, lang))


@lru_cache(maxsize=128)
def _municipal_page(version: tuple, region: str, lang: str, present: bool, notices: tuple):
    state = st.State({"region": region, "series": DEFAULTS["series"], "lang": lang, "present": present},
                     list(notices))
    profile = service.cached_municipal_profile(region, lang)
    return profile_page.municipal_layout(
        state, query=st.encode(state.values, ["region", "lang", "present"], DEFAULTS),
        options=initial_options(region, lang),
        profile=profile, bubble=profile_page.muni_bubble(profile, lang, lq.LQ_STRENGTH, lq.MIN_SHARE))


def municipal_export(region: str, lang: str, fmt: str):
    """The municipal profile's tables (headline, finance, population, industries, changes) as CSV or Excel."""
    p = service.cached_municipal_profile(region, lang)
    flat = [{"id": f["id"], "name": f["name"], "value": f["value"], "unit": f["unit"], "year": f["year"],
             "dataset": f["dataset"], "rank_prefecture": f["rank_prefecture"]["rank"],
             "n_prefecture": f["rank_prefecture"]["n"], "rank_nation": f["rank_nation"]["rank"],
             "n_nation": f["rank_nation"]["n"], "rank_peer": f["rank_peer"]["rank"], "n_peer": f["rank_peer"]["n"],
             "peer_median": f["peer_median"]["value"], "direction": f["direction"]}
            for f in [*p["headline"], *p["finance"]]]
    sheets = {"figures": pd.DataFrame(flat), "population": pd.DataFrame(p["population"]["rows"]),
              "industries": pd.DataFrame(p["industry"]["rows"]), "changes": pd.DataFrame(p["changes"])}
    name = f"chiiki_profile_{region}"
    if fmt == "csv":
        return dcc.send_string("\n".join(df.to_csv(index=False) for df in sheets.values()), f"{name}.csv")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf) as xl:
        for sheet, df in sheets.items():
            df.to_excel(xl, sheet_name=sheet, index=False)
    return dcc.send_bytes(buf.getvalue(), f"{name}.xlsx")


def export_data(region: str, lang: str, fmt: str):
    dev = deviation_table(region)
    cards = pd.DataFrame(headline_cards(region))
    name = f"chiiki_profile_{region}"
    if fmt == "csv":
        text = cards.to_csv(index=False) + "\n" + dev.to_csv(index=False)
        return dcc.send_string(text, f"{name}.csv")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf) as xl:
        cards.to_excel(xl, sheet_name="headline", index=False)
        dev.to_excel(xl, sheet_name="deviation", index=False)
    return dcc.send_bytes(buf.getvalue(), f"{name}.xlsx")


def register(app: Dash) -> None:
    app.clientside_callback(
        """function(region, lang) {
            if (!region) { return window.dash_clientside.no_update; }
            return '/profile?region=' + region + (lang === 'en' ? '&lang=en' : '');
        }""",
        Output("profile-goto", "href"), Input(ids.PROFILE_REGION, "value"), State(ids.LANG, "data"),
        prevent_initial_call=True)

    @app.callback(Output(ids.PROFILE_REGION, "options"), Input(ids.PROFILE_REGION, "search_value"),
                  State(ids.PROFILE_REGION, "value"), State(ids.LANG, "data"), prevent_initial_call=True)
    def _search(search, value, lang):
        return search_options(search, value, "en" if lang == "en" else "ja")

    @app.callback(Output(ids.PROFILE_SERIES, "figure"), Output(ids.URL_QUERY, "data", allow_duplicate=True),
                  Input(ids.PROFILE_SERIES_INDICATOR, "value"), State(ids.PROFILE_REGION, "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _series(indicator, region, lang):
        state = parse({"region": region, "series": indicator, "lang": lang})
        return (series_figure(state["series"], state["region"], state["lang"]),
                st.encode(state.values, ["region", "series", "lang"], DEFAULTS))

    @app.callback(Output(f"{ids.PROFILE_EXPORT}-download", "data"), Input(f"{ids.PROFILE_EXPORT}-csv", "n_clicks"),
                  Input(f"{ids.PROFILE_EXPORT}-xlsx", "n_clicks"), State(ids.PROFILE_REGION, "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _export(_c, _x, region, lang):
        if region not in PREFS:
            return no_update
        return export_data(region, lang, export_format(ids.PROFILE_EXPORT))

    @app.callback(Output(f"{ids.PROFILE_MUNI_EXPORT}-download", "data"),
                  Input(f"{ids.PROFILE_MUNI_EXPORT}-csv", "n_clicks"),
                  Input(f"{ids.PROFILE_MUNI_EXPORT}-xlsx", "n_clicks"), State(ids.PROFILE_REGION, "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _muni_export(_c, _x, region, lang):
        if not is_municipality(region) or region not in region_codes():
            return no_update
        return municipal_export(region, lang, export_format(ids.PROFILE_MUNI_EXPORT))

    register_image_export(app, ids.PROFILE_EXPORT, "profile-deviation", "chiiki-profile", ids.PROFILE_IMAGE_DONE)
    register_image_export(app, ids.PROFILE_MUNI_EXPORT, ids.PROFILE_BUBBLE, "chiiki-industries",
                          ids.PROFILE_MUNI_IMAGE_DONE)
    app.clientside_callback("function(n) { if (n) { window.print(); } return ''; }",
                            Output(ids.PROFILE_PRINT, "title"), Input(ids.PROFILE_PRINT, "n_clicks"),
                            prevent_initial_call=True)
