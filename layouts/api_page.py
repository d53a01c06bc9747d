"""The API page (/api): what each endpoint returns, a curl example each, licence and credit rules.

Built from the same endpoint table as the OpenAPI document, so the page cannot describe an
endpoint that does not exist or miss one that does.
"""

from __future__ import annotations

from dash import html

from layouts.common import notice, url_state
from layouts.i18n import t
from layouts.ids import API_PREFIX as PREFIX


def example_url(e, host: str = "") -> str:
    path = e.extra.get("example_path", e.path)
    return f"{host}{PREFIX}{path}{e.example}"


def api_link(path: str, query: str, lang: str) -> html.A:
    """The "this data through the API" link each page view carries."""
    return html.A(t("api_link", lang), href=f"{PREFIX}{path}{'?' + query if query else ''}", className="api-link",
                  target="_blank", rel="noopener")


def layout(state, host: str, endpoints) -> html.Div:
    """``endpoints``: the API's endpoint table (callbacks.api_spec.ENDPOINTS)."""
    lang = state["lang"]
    en = lang == "en"
    rows = []
    for e in endpoints:
        params = [html.Li([html.Code(p.name), " — ", p.description, " (required)" if p.required else ""])
                  for p in e.params]
        rows.append(html.Section([
            html.H2(html.Code(f"GET {PREFIX}{e.path}")),
            html.P(e.summary_en if en else e.summary_ja),
            html.Ul(params),
            html.Pre(html.Code(f"curl '{example_url(e, host)}'")),
            html.P(html.A(example_url(e), href=example_url(e))),
        ], className="api-endpoint"))
    intro_ja = ("ダッシュボードに表示するすべての数値を、出典とクレジット付きで HTTP から取得できます"
                "（読み取り専用・登録不要）。2025年3月に終了した RESAS API の代わりに使えます。")
    intro_en = ("Every figure the dashboard shows, with its source and credit, over plain HTTP: read-only, no key. "
                "It replaces the RESAS API, closed in March 2025.")
    rules_ja = ("応答の meta に source（出典）、credit（クレジット）、licence（利用条件）、data_version が入ります。"
                "利用する際は credit の文言で出典を明記してください。?format=csv（または Accept: text/csv）で "
                "Excel で開ける CSV（UTF-8、BOM付き）になります。エラーは RFC 9457 の problem+json です。")
    rules_en = ("Each response's meta names its source, credit, licence and data_version. Credit the source with the "
                "credit line when you use the figures. ?format=csv (or Accept: text/csv) gives CSV (UTF-8 with BOM) "
                "that Excel opens. Errors are RFC 9457 problem+json naming the bad parameter.")
    return html.Div([
        url_state("lang=en" if en else "", lang),
        html.H1(t("nav_api", lang)),
        notice(state.notices, lang, "api-notice"),
        html.P(intro_en if en else intro_ja),
        html.P(rules_en if en else rules_ja, id="api-rules"),
        html.P([html.A("OpenAPI 3.1 (openapi.json)", href=f"{PREFIX}/openapi.json")]),
        *rows,
    ], id="api-page")
