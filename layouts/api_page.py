"""The API page (/api): what each endpoint returns, a curl example each, licence and credit rules.

Built from the same endpoint table as the OpenAPI document, so the page cannot describe an
endpoint that does not exist or miss one that does.
"""

from __future__ import annotations

from dash import html

from layouts.common import notice, url_state
from layouts.i18n import STRINGS, t
from layouts.ids import API_PREFIX as PREFIX


def example_url(e, host: str = "") -> str:
    path = e.extra.get("example_path", e.path)
    return f"{host}{PREFIX}{path}{e.example}"


def api_link(path: str, query: str, lang: str) -> html.A:
    """The "this data through the API" link each page view carries."""
    return html.A(t("api_link", lang), href=f"{PREFIX}{path}{'?' + query if query else ''}", className="api-link",
                  target="_blank", rel="noopener")


def with_code(text: str) -> list:
    """``text`` with its `quoted` parts as code (parameter values read the same in either language)."""
    parts = text.split("`")
    return [html.Code(p) if i % 2 else p for i, p in enumerate(parts) if p]


def param_text(description: str, lang: str) -> list:
    key = f"api_param:{description}"
    return with_code(t(key, lang) if key in STRINGS else description)


def layout(state, host: str, endpoints) -> html.Div:
    """``endpoints``: the API's endpoint table (callbacks.api_spec.ENDPOINTS)."""
    lang = state["lang"]
    en = lang == "en"
    rows = []
    for e in endpoints:
        params = [html.Li([html.Code(p.name), " — ", *param_text(p.description, lang),
                           t("api_required", lang) if p.required else ""]) for p in e.params]
        rows.append(html.Section([
            html.H2(html.Code(f"GET {PREFIX}{e.path}")),
            html.P(e.summary_en if en else e.summary_ja),
            html.Ul(params),
            html.Pre(html.Code(f"curl '{example_url(e, host)}'")),
            html.P(html.A(example_url(e), href=example_url(e))),
        ], className="api-endpoint"))
    return html.Div([
        url_state("lang=en" if en else "", lang),
        html.H1(t("nav_api", lang)),
        notice(state.notices, lang, "api-notice"),
        html.P(t("api_intro", lang)),
        html.P(with_code(t("api_rules", lang)), id="api-rules"),
        html.P([html.A("OpenAPI 3.1 (openapi.json)", href=f"{PREFIX}/openapi.json")]),
        *rows,
    ], id="api-page")
