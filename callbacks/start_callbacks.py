"""Start page: question-led entry points and the data date."""

from __future__ import annotations

import json

from callbacks import state as st
from layouts import start_page
from loaders import query
from loaders.store import data_dir, get_store


def neighbours(region: str) -> list[str]:
    """What "compare with our neighbours" shows: the region, the other prefectures of its block, the
    block, its group (三大都市圏 or 地方圏) and Japan — at most the 12 the compare page takes."""
    r = query.regions(get_store().cursor()).set_index("code")
    if region not in r.index:
        return [region, "metro-all", "non-metro", "00"]
    block, metro = r.loc[region, "block_code"], r.loc[region, "metro_code"]
    group = "non-metro" if metro == "non-metro" else "metro-all"
    same = [c for c in r.index[(r["level"] == "prefecture") & (r["block_code"] == block)] if c != region]
    return [region, *same[:8], block, group, "00"]


def page_layout(**params):
    state = st.parse(params, {"region": (st.choice([f"{i:02d}" for i in range(1, 48)]), "13")})
    manifest = json.loads((data_dir() / "manifest.json").read_text(encoding="utf-8"))
    cat = st.catalog()
    loaded = int((cat["status"] == "loaded").sum())
    prefs = st.prefectures()
    return start_page.layout(state, manifest, loaded, len(cat) - loaded, prefs, neighbours(state["region"]))


def register(app) -> None:
    from dash import Input, Output, State, dcc

    from layouts import ids

    @app.callback(Output(ids.START_QUESTIONS, "children"), Input(ids.START_REGION, "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _questions(region, lang):
        # The picker's value, checked as the link's is: a request may carry anything.
        region = region if isinstance(region, str) and region in {f"{i:02d}" for i in range(1, 48)} else "13"
        return [dcc.Link(text, href=href, id=f"start-q{i}")
                for i, (text, href) in enumerate(start_page.question_links(region or "13", lang,
                                                                           neighbours(region or "13")))]
