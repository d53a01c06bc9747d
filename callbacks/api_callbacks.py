"""The API page (/api) and the HTTP API itself (registered on the Flask server)."""

from __future__ import annotations

from dash import Dash

from callbacks import api, api_spec
from callbacks import state as st
from layouts import api_page


def page_layout(**params):
    from flask import request

    state = st.parse(params, {})
    return api_page.layout(state, host=request.host_url.rstrip("/") if request else "", endpoints=api_spec.ENDPOINTS)


def register(app: Dash) -> None:
    app.server.register_blueprint(api.blueprint())
