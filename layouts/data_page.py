"""The data and sources page: the catalog with status, every dataset's credit line, downloads and the
importer as an upload form."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from layouts import ids
from layouts.common import control, data_table, notice, url_state
from layouts.i18n import t
from layouts.ids import API_PREFIX

# Ids only this page uses.
UPLOAD_TOKEN_ID = "data-upload-token"
UPLOAD_GUARD_ID = "data-upload-guard"
UPLOAD_HELP_ID = "data-upload-help"
STORE_NOTICE_ID = "data-store-notice"

CATALOG_COLUMNS = [("id", "ID", "ID"), ("name_ja", "指標", "Indicator (ja)"), ("name_en", "Indicator", "Indicator"),
                   ("unit", "単位", "Unit"), ("status", "状態", "Status"), ("years", "年", "Years"),
                   ("source_ja", "出典", "Source"), ("how_to_load", "読み込み方法", "How to load")]
# What the table shows in each language (one language per page): (row key, heading).
SHOWN_COLUMNS = {"ja": [("id", "ID"), ("name_ja", "指標"), ("unit", "単位"), ("status_text", "状態"), ("years", "年"),
                        ("source_ja", "出典"), ("how_to_load", "読み込み方法")],
                 "en": [("id", "ID"), ("name_en", "Indicator"), ("unit_en", "Unit"), ("status_text", "Status"),
                        ("years", "Years"), ("source_en", "Source"), ("how_to_load", "How to load")]}


def edition(text: str, lang: str) -> str:
    """An edition as published ("平成23年度〜令和4年度 (2011–2022)"); in English only its Western years."""
    import re

    if lang == "en" and re.search(r"[\u3000-\u9fff]", text or ""):
        years = re.search(r"\(([^()]*)\)\s*$", text)
        return years.group(1) if years else text
    return text


def catalog_rows(catalog: pd.DataFrame, lang: str = "ja") -> list[dict]:
    """Rows for the catalog table; years as text, not-loaded rows keep their loading instructions."""
    def years(r) -> str:
        ys = r["prefecture_years"]
        ys = ys if hasattr(ys, "__len__") else r["municipality_years"]
        if not hasattr(ys, "__len__") or len(ys) == 0:
            return "—"
        ys = [int(y) for y in ys]
        return f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])

    loaded, missing = ("loaded" if lang == "en" else "読込済"), t("not_loaded", lang)
    out = catalog.assign(years=catalog.apply(years, axis=1),
                         status_text=catalog["status"].map(lambda s: loaded if s == "loaded" else missing),
                         # Shown as code: a command is the same in either language.
                         how_to_load=catalog["how_to_load"].map(lambda s: f"`{s}`" if isinstance(s, str) and s else ""))
    keys = [c for c, _, _ in CATALOG_COLUMNS] + ["unit_en", "source_en", "status_text"]
    return out[keys].fillna("").to_dict("records")


def catalog_table(rows: list[dict], lang: str) -> html.Div:
    """The catalog as a table: not-loaded rows marked, their loading command shown as code."""
    def shown(r: dict) -> dict:
        cmd = r.get("how_to_load", "").strip("`")
        return {**r, "how_to_load": html.Code(cmd) if cmd else "",
                "_class": "row-not-loaded" if r.get("status") == "not loaded" else None}
    columns = [(key, head, False) for key, head in SHOWN_COLUMNS[lang]]
    return data_table([shown(r) for r in rows], columns, caption=t("nav_data", lang), lang=lang,
                      page_size=max(len(rows), 1))


def layout(state, catalog: pd.DataFrame, datasets: pd.DataFrame, themes: dict[str, tuple[str, str]], *,
           upload_mode: str = "off", max_upload_bytes: int = 0, store_message: str | None = None) -> html.Div:
    """The page; ``upload_mode`` is "token", "local" or "off" (see callbacks.data_callbacks.upload_mode)."""
    lang = state["lang"]
    en = lang == "en"
    theme_options = [{"label": en_ if en else ja, "value": k} for k, (ja, en_) in themes.items()]
    return html.Div([
        url_state("lang=en" if en else "", lang),
        html.H1(t("nav_data", lang)),
        notice(state.notices, lang, ids.DATA_NOTICE),
        html.Div([("User data: " if en else "ユーザーデータ: "), store_message], id=STORE_NOTICE_ID, role="alert",
                 className="notice") if store_message else html.Div(id=STORE_NOTICE_ID, className="notice-empty"),
        html.P("Indicators marked not loaded appear once you import their official file (below)." if en else
               "「未読込」の指標は、下のフォームで公式ファイルを取り込むと表示されます。"),
        html.Div([
            control("Search" if en else "検索", dcc.Input(id=ids.DATA_SEARCH, type="search", debounce=True,
                                                           placeholder="population, patent" if en else "人口、特許"),
                    ids.DATA_SEARCH),
            control("Theme" if en else "分野", dcc.Dropdown(id=ids.DATA_THEME, options=theme_options, multi=True),
                    ids.DATA_THEME),
            control("Status" if en else "状態", dcc.RadioItems(
                id=ids.DATA_STATUS, value="all", inline=True,
                options=[{"label": "all" if en else "すべて", "value": "all"},
                         {"label": "loaded" if en else "読込済", "value": "loaded"},
                         {"label": t("not_loaded", lang), "value": "not loaded"}]), ids.DATA_STATUS),
        ], className="controls"),
        html.P(id=ids.DATA_COUNT, role="status"),
        html.Div(catalog_table(catalog_rows(catalog, lang), lang), id=ids.DATA_TABLE),
        *upload_section(lang, catalog, upload_mode, max_upload_bytes),
        html.P([html.A("data/templates/tidy_template.csv", href="/download/tidy_template.csv"), " — ",
                html.Code("region, indicator_id, year, value, unit, source")]),
        html.H2("API"),
        html.P(["All figures are also served read-only over HTTP as JSON or CSV, with source and credit: "
                if en else "すべての数値は HTTP（JSON / CSV、出典・クレジット付き）でも取得できます: ",
                html.A(t("nav_api", lang), href=f"/api{'?lang=en' if en else ''}"), " · ",
                html.A("OpenAPI", href=f"{API_PREFIX}/openapi.json"), " · ",
                html.A(f"{API_PREFIX}/indicators", href=f"{API_PREFIX}/indicators")], id="data-api"),
        html.H2(t("downloads", lang)),
        html.Ul([html.Li(html.A("catalog.csv", href="/download/catalog.csv")),
                 html.Li(html.A("SOURCES.md", href="/download/SOURCES.md"))]),
        html.H2(t("sources_head", lang)),
        html.Ul(id=ids.DATA_SOURCES, children=[
            html.Li([html.Strong(d.title_en if en else d.title_ja), f" — {d.publisher_en if en else d.publisher_ja}; "
                     f"{edition(d.edition, lang)}; ", html.Span(d.credit, className="credit", lang="ja"),
                     f"; {d.licence_en if en else d.licence_ja}"])
            for d in datasets.itertuples()]),
    ])


def upload_section(lang: str, catalog: pd.DataFrame, mode: str, max_upload_bytes: int) -> list:
    """The import form, or, where this server does not take uploads, how an administrator imports."""
    en = lang == "en"
    cli = html.Code("chiiki import KIND FILE")
    token_env = html.Code("CHIIKI_ADMIN_TOKEN")
    if mode not in ("token", "local"):
        return [html.H2(t("upload", lang)), html.P(
            ["Uploads are turned off on this server. An administrator imports official files on the server with ",
             cli, " (KIND: tidy, estat, koyo, gnt), or sets ", token_env,
             " on the server to allow uploads here with that token."] if en else
            ["このサーバーではアップロードを受け付けていません。管理者がサーバー上で ", cli,
             "（KIND: tidy, estat, koyo, gnt）で取り込むか、サーバーに ", token_env,
             " を設定するとトークン付きでここからアップロードできます。"], id=UPLOAD_HELP_ID, className="upload-off")]
    importable = catalog[catalog["kind"].isin(["import", "source"])]
    limit_mb = f"{max_upload_bytes / 1024 / 1024:.1f} MB"
    if mode == "token":
        help_text = (["Uploading needs the administrator token (set on the server as ", token_env,
                      f"). Files up to {limit_mb}; larger ones: ", cli, " on the server."] if en else
                     ["アップロードには管理者トークン（サーバーの ", token_env, f"）が必要です。{limit_mb} まで。"
                      "それより大きいファイルはサーバー上で ", cli, " を使います。"])
    else:
        help_text = ([f"Uploads are allowed because this dashboard runs on this computer only. Files up to "
                      f"{limit_mb}; larger ones: ", cli, "."] if en else
                     [f"このパソコンだけで動いているため、アップロードできます。{limit_mb} まで。"
                      "それより大きいファイルは ", cli, " を使います。"])
    token = control("Administrator token" if en else "管理者トークン",
                    dcc.Input(id=UPLOAD_TOKEN_ID, type="password", autoComplete="current-password", debounce=False),
                    UPLOAD_TOKEN_ID)
    return [
        html.H2(t("upload", lang)),
        html.P(help_text, id=UPLOAD_HELP_ID),
        html.Div([
            control(t("upload_kind", lang), dcc.Dropdown(
                id=ids.DATA_UPLOAD_KIND, value="tidy", clearable=False,
                options=[{"label": "tidy template (CSV/Excel)", "value": "tidy"},
                         {"label": "e-Stat (JSON / CSV)", "value": "estat"},
                         {"label": "雇用保険事業年報 (koyo)", "value": "koyo"},
                         {"label": "GNT firm list", "value": "gnt"}]), ids.DATA_UPLOAD_KIND),
            control(t("indicator", lang) + " (e-Stat)", dcc.Dropdown(
                id=ids.DATA_UPLOAD_INDICATOR, options=[{"label": f"{r.id} — {r.name_en if en else r.name_ja}",
                                                        "value": r.id} for r in importable.itertuples()]),
                    ids.DATA_UPLOAD_INDICATOR),
            # The callback reads the token as State, so the field exists in both modes; it is only
            # shown where it is needed.
            token if mode == "token" else html.Div(token, hidden=True),
        ], className="controls"),
        # max_size: the browser refuses a file whose request would exceed the server's body limit
        # before reading it, and the guard (data_callbacks.UPLOAD_GUARD) says so.
        dcc.Upload(id=ids.DATA_UPLOAD, children=html.Div(t("upload_drop", lang)), max_size=max_upload_bytes,
                   multiple=False, style={"border": "2px dashed #1f4e99", "padding": "1.5rem", "textAlign": "center",
                                          "cursor": "pointer"}),
        html.Span(id=UPLOAD_GUARD_ID, hidden=True),
        html.Div(id=ids.DATA_UPLOAD_RESULT, role="status", **{"aria-live": "polite"}),
    ]


def filter_catalog(rows: list[dict], catalog: pd.DataFrame, search: str | None, themes: list[str] | None,
                   status: str) -> list[dict]:
    """Rows of ``catalog`` (aligned with ``rows``) matching the search text, themes and status."""
    keep = pd.Series(True, index=catalog.index)
    if search:
        text = (catalog["id"] + " " + catalog["name_ja"] + " " + catalog["name_en"]).str.lower()
        keep &= text.str.contains(search.strip().lower(), regex=False)
    if themes:
        keep &= catalog["theme"].isin(themes)
    if status in ("loaded", "not loaded"):
        keep &= catalog["status"] == status
    return [r for r, k in zip(rows, keep, strict=True) if k]
