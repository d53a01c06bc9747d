"""Start page: what people come to ask, a prefecture picker, and how fresh the data is."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.common import control, notice, url_state
from layouts.i18n import t


def question_links(region: str, lang: str, neighbours: list[str] | None = None) -> list[tuple[str, str]]:
    """The start page's questions as links; ``neighbours`` are the codes the comparison shows beside
    the region (its block, the other prefectures of the block, 三大都市圏/地方圏 and Japan)."""
    suffix = "&lang=en" if lang == "en" else ""
    compare = ",".join(neighbours or [region, "metro-all", "non-metro"])
    return [
        (t("q_strengths", lang), f"/profile?region={region}{suffix}"),
        (t("q_neighbours", lang), f"/compare?regions={compare}{suffix}"),
        (t("q_innovation", lang), f"/index?{suffix.lstrip('&')}"),
        (t("q_industries", lang), f"/industry?region={region}{suffix}"),
    ]


def layout(state, manifest: dict, loaded: int, not_loaded: int, prefectures: list[tuple],
           neighbours: list[str] | None = None) -> html.Div:
    lang = state["lang"]
    counts = manifest["counts"]
    region = state["region"]
    return html.Div([
        url_state("lang=en" if lang == "en" else "", lang),
        html.H1(t("app_title", lang)),
        notice(state.notices, lang, ids.START_NOTICE),
        control(t("pick_prefecture", lang), dcc.Dropdown(
            id=ids.START_REGION, value=region, clearable=False,
            options=[{"label": en if lang == "en" else ja, "value": c} for c, ja, en in prefectures]),
            ids.START_REGION),
        html.Div(id=ids.START_QUESTIONS, className="questions", children=[
            dcc.Link(text, href=href, id=f"start-q{i}")
            for i, (text, href) in enumerate(question_links(region, lang, neighbours))
        ]),
        html.P([t("data_date", lang), ": ", html.Strong(str(manifest["latest_reference_year"]),
                                                        id=ids.START_DATA_DATE)]),
        html.P(id=ids.START_COUNTS, children=(
            f"{counts['prefectures']} 都道府県・{counts['municipalities']} 市区町村、指標 {loaded} 件を収録"
            f"（未読込 {not_loaded} 件）。" if lang != "en" else
            f"{counts['prefectures']} prefectures, {counts['municipalities']} municipalities, "
            f"{loaded} indicators loaded ({not_loaded} not loaded).")),
    ])
