"""Innovation index page."""

from __future__ import annotations

from functools import lru_cache

from dash import ALL, Dash, Input, Output, State, no_update

from callbacks import state as st
from callbacks.exports import export_format, register_image_export, send_frame
from layouts import ids, index_page
from layouts.i18n import t
from loaders import study
from loaders.errors import DataError
from loaders.store import get_store
from metrics import index, service

KEYS = ["inds", "w", "lang", "present"]


def candidates() -> list[str]:
    """Indicators that may go into the index: the catalog's index set plus loaded directional ones."""
    cat = st.catalog()
    loaded = cat["prefecture_years"].map(lambda ys: hasattr(ys, "__len__") and len(ys) > 0)
    pick = cat["in_index"] | (loaded & cat["higher_is_better"].notna() & (cat["kind"] == "derived"))
    return sorted(cat.loc[pick, "id"])


def defaults() -> list[str]:
    cat = st.catalog()
    loaded = set(cat.loc[cat["status"] == "loaded", "id"])
    return index.default_indicators(sorted(set(cat.loc[cat["in_index"], "id"]) & loaded), loaded, study.STANDS_FOR)


def parse(params: dict) -> st.State:
    allowed = set(candidates())

    def inds(raw: str) -> list[str]:
        items = [x for x in raw.split(",") if x][:20]
        bad = [x for x in items if x not in allowed]
        if bad or not items:
            raise ValueError(f"not an index indicator: {', '.join(bad)[:60]}")
        return items

    def weights(raw: str) -> dict[str, float]:
        out = {}
        for part in raw.split(",")[:20]:
            k, _, v = part.partition(":")
            try:
                w = float(v)
            except ValueError:
                raise ValueError("expected id:weight pairs") from None
            if k not in allowed or not 0 <= w <= 10:
                raise ValueError(f"weight for {k[:20]!r} must be an index indicator and 0–10")
            out[k] = w
        return out
    return st.parse(params, {"inds": (inds, None), "w": (weights, {})})


def compute(state: st.State):
    chosen = state["inds"] or defaults()
    weights = state["w"] or {}
    w = {i: weights.get(i, 1.0) for i in chosen}
    use_weights = tuple(sorted(w.items())) if any(v != 1.0 for v in w.values()) else None
    try:
        result, years = service.cached_index(tuple(chosen), use_weights)
    except (DataError, ValueError) as exc:
        return chosen, w, None, None, str(exc)
    return chosen, w, result, years, None


def names(lang: str) -> dict[str, str]:
    return service.region_names(get_store().cursor(), lang)


def ind_names(lang: str) -> dict[str, str]:
    cat = st.catalog().set_index("id")
    return (cat["name_en"] if lang == "en" else cat["name_ja"]).to_dict()


def build(state: st.State) -> dict:
    """Figures, rows and notes for a state, memoised per data version and view."""
    weights = tuple(sorted((state["w"] or {}).items()))
    return _build(get_store().version, tuple(state["inds"] or ()), weights, state["lang"])


@lru_cache(maxsize=128)
def _build(version: tuple, inds: tuple, weights: tuple, lang: str) -> dict:
    state = st.State({"inds": list(inds) or None, "w": dict(weights), "lang": lang})
    chosen, w, result, years, error = compute(state)
    nm = names(lang)
    inm = ind_names(lang)
    coverage = result.coverage if result is not None else index.coverage(chosen, study.STUDY_IDS, study.PROXY_IDS,
                                                                         study.STANDS_FOR)
    out = {"chosen": chosen, "weights": w, "map": {"data": [], "layout": {}}, "band": {"data": [], "layout": {}},
           "rows": [], "notes": [], "message": error, "result": result, "years": years,
           "title": index_page.page_title(coverage, lang), "about": index_page.about(coverage, inm, lang)}
    if result is None:
        return out
    used = ", ".join(f"{inm.get(i, i)} ({years[i]})" for i in result.indicators)
    notes = [t("index_used", lang) + used, coverage.summary(lang, inm)]
    # The service's English notes, less the coverage line already given above in the page's language.
    notes += [n for n in result.notes if n != coverage.summary("en")]
    if result.transformed:
        notes.append(t("index_sqrt", lang) + ", ".join(inm.get(i, i) for i in result.transformed))
    if result.outliers:
        notes.append(t("index_capped", lang) +
                     "; ".join(f"{inm.get(k, k)}: {', '.join(nm[c] for c in v)}" for k, v in result.outliers.items()))
    ties = {code: index_page.tie_cell(tie, code, nm, lang) for tie in result.ties for code in tie.regions}
    notes += [index.tie_text(tie, None, lang, region_names=nm, indicator_names=inm, outlier_sd=result.outlier_sd)
              for tie in result.ties]
    heading = index_page.page_title(coverage, lang)
    out.update(map=index_page.map_figure(result.scores, nm, lang, heading),
               band=index_page.band_figure(result.scores, nm, lang),
               rows=index_page.table_rows(result.scores, nm, lang, ties), notes=notes)
    return out


def encode(state: st.State, chosen: list[str], w: dict[str, float]) -> str:
    values = dict(state.values)
    values["inds"] = "" if chosen == defaults() else ",".join(chosen)
    values["w"] = ",".join(f"{k}:{v:g}" for k, v in w.items() if v != 1.0)
    return st.encode(values, KEYS, {"inds": "", "w": ""})


def page_layout(**params):
    state = parse(params)
    lang = state["lang"]
    b = build(state)
    inm = ind_names(lang)
    cat = st.catalog().set_index("id")
    options = [{"label": inm.get(i, i) + ("" if cat.loc[i, "status"] == "loaded" else f" ({t('not_loaded', lang)})"),
                "value": i, "disabled": cat.loc[i, "status"] != "loaded"} for i in candidates()]
    return index_page.layout(state, query=encode(state, b["chosen"], b["weights"]), options=options,
                             chosen=b["chosen"], weights=index_page.weights_inputs(b["chosen"], b["weights"], inm),
                             fig_map=b["map"], fig_band=b["band"], rows=b["rows"], notes=b["notes"],
                             message=b["message"], title=b["title"], about_section=b["about"])


def update(chosen, weight_values, weight_ids, lang):
    chosen = [str(c) for c in chosen] if isinstance(chosen, list | tuple) else []
    weight_values = weight_values if isinstance(weight_values, list | tuple) else []
    weight_ids = ([w for w in weight_ids if isinstance(w, dict) and isinstance(w.get("id"), str)]
                  if isinstance(weight_ids, list) else [])
    w = {i["id"]: v for i, v in zip(weight_ids or [], weight_values or [], strict=False) if v is not None}
    params = {"inds": ",".join(chosen or []), "w": ",".join(f"{k}:{v}" for k, v in w.items() if k in (chosen or [])),
              "lang": lang}
    state = parse({k: v for k, v in params.items() if v})
    b = build(state)
    inm = ind_names(state["lang"])
    return (b["map"], b["band"], b["rows"], b["notes"], b["message"],
            index_page.weights_inputs(b["chosen"], b["weights"], inm), encode(state, b["chosen"], b["weights"]),
            b["title"], b["about"])


def register(app: Dash) -> None:
    @app.callback(Output(ids.INDEX_MAP, "figure"), Output(ids.INDEX_BAND, "figure"),
                  Output(ids.INDEX_TABLE, "children"),
                  Output(ids.INDEX_NOTES, "children"), Output("index-message", "children"),
                  Output(ids.INDEX_WEIGHTS, "children"), Output(ids.URL_QUERY, "data", allow_duplicate=True),
                  Output(ids.INDEX_TITLE, "children"), Output(ids.INDEX_ABOUT, "children"),
                  Input(ids.INDEX_INDICATORS, "value"), Input({"type": "index-weight", "id": ALL}, "value"),
                  State({"type": "index-weight", "id": ALL}, "id"), State(ids.LANG, "data"),
                  prevent_initial_call=True)
    def _update(chosen, values, wids, lang):
        fig_map, band, rows, notes, msg, weights, query, title, about = update(chosen, values, wids, lang)
        from dash import html

        return (fig_map, band, index_page.rows_table(rows, lang if lang in ("ja", "en") else "ja"),
                [html.Li(n) for n in notes], msg, weights, query, title, about)

    @app.callback(Output(f"{ids.INDEX_EXPORT}-download", "data"), Input(f"{ids.INDEX_EXPORT}-csv", "n_clicks"),
                  Input(f"{ids.INDEX_EXPORT}-xlsx", "n_clicks"), State(ids.URL_QUERY, "data"),
                  prevent_initial_call=True)
    def _export(_c, _x, query):
        from urllib.parse import parse_qs

        state = parse({k: v[0] for k, v in parse_qs(query if isinstance(query, str) else "").items()})
        b = build(state)
        if b["result"] is None:
            return no_update
        df = index.scores_frame(b["result"], b["years"], names(state["lang"]))
        return send_frame(df, "chiiki_index", export_format(ids.INDEX_EXPORT))

    register_image_export(app, ids.INDEX_EXPORT, "index-map", "chiiki-index", ids.INDEX_IMAGE_DONE)
