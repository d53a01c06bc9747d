"""Start page: question-led entry points and the data date."""

from __future__ import annotations

import json

from callbacks import state as st
from layouts import start_page
from loaders.store import data_dir


def page_layout(**params):
    state = st.parse(params, {"region": (st.choice([f"{i:02d}" for i in range(1, 48)]), "13")})
    manifest = json.loads((data_dir() / "manifest.json").read_text(encoding="utf-8"))
    cat = st.catalog()
    loaded = int((cat["status"] == "loaded").sum())
    prefs = st.prefectures()
    return start_page.layout(state, manifest, loaded, len(cat) - loaded, prefs)


def register(app) -> None:
    from dash import Input, Output, State, dcc

    from layouts import ids

    @app.callback(Output(ids.START_QUESTIONS, "children"), Input(ids.START_REGION, "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _questions(region, lang):
        return [dcc.Link(text, href=href, id=f"start-q{i}")
                for i, (text, href) in enumerate(start_page.question_links(region or "13", lang))]
