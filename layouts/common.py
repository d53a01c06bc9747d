"""Pieces every page uses: labelled controls, notices, export buttons, not-loaded messages."""

from __future__ import annotations

from dash import dcc, html

from layouts.figures import GRAPH_CONFIG
from layouts.i18n import t


def control(label: str, component, component_id: str) -> html.Div:
    """A control with a visible label tied to it (for screen readers and keyboard users)."""
    return html.Div([html.Label(label, htmlFor=component_id, className="control-label"), component],
                    className="control")


def notice(messages: list[str], lang: str, notice_id: str) -> html.Div:
    """A visible notice for problems with the link (empty when there are none)."""
    if not messages:
        return html.Div(id=notice_id, className="notice notice-empty")
    return html.Div([t("notice_fallback", lang), "; ".join(messages)], id=notice_id, role="alert",
                    className="notice")


def not_loaded(meta: dict, lang: str) -> html.Div:
    """What a page shows instead of a chart for an indicator that is not loaded."""
    name = meta.get("name_en") if lang == "en" else meta.get("name_ja")
    source = meta.get("source_en") if lang == "en" else meta.get("source_ja")
    # A user is told what is missing and where it comes from; the command is for an administrator.
    return html.Div([
        html.Strong(f"{name}: {t('not_loaded', lang)}"), html.Br(),
        t("not_loaded_msg", lang).format(source=source or "—"), " ",
        dcc.Link(t("see_data_page", lang), href=f"/data?lang={lang}"),
        html.Details([html.Summary(t("admin_help", lang)), html.Code(meta.get("how_to_load") or "")],
                     className="admin-help"),
    ], className="not-loaded", role="status")


def graph(graph_id: str, figure: dict | None = None, *, filename: str = "chiiki", label: str = "") -> html.Div:
    """A chart in a labelled figure region; the table beside it is its text alternative."""
    config = {**GRAPH_CONFIG, "toImageButtonOptions": {**GRAPH_CONFIG["toImageButtonOptions"],
                                                       "filename": filename}}
    return html.Div(dcc.Graph(id=graph_id, figure=figure or {"data": [], "layout": {}}, config=config,
                              className="chart"), role="figure", **({"aria-label": label} if label else {}))


def export_bar(prefix: str, lang: str) -> html.Div:
    """PNG/SVG of the page's main chart (in the browser), CSV/Excel of its data (from the server), and
    presentation mode: present this view, or pin it to the tour stepped with the arrow keys."""
    return html.Div([
        html.Span(t("export", lang), className="export-label"),
        html.Button(t("download_png", lang), id=f"{prefix}-png", className="btn", n_clicks=0),
        html.Button(t("download_svg", lang), id=f"{prefix}-svg", className="btn", n_clicks=0),
        html.Button(t("download_csv", lang), id=f"{prefix}-csv", className="btn", n_clicks=0),
        html.Button(t("download_xlsx", lang), id=f"{prefix}-xlsx", className="btn", n_clicks=0),
        dcc.Download(id=f"{prefix}-download"),
        html.Button(t("present", lang), id=f"{prefix}-present", className="btn", n_clicks=0,
                    title="← → で移動、Esc で終了 / arrows to step, Esc to leave"),
        html.Button(t("pin_view", lang), id=f"{prefix}-pin", className="btn", n_clicks=0),
        html.Span(id=f"{prefix}-pin-count", className="source-line", role="status"),
    ], className="export-bar")


def url_state(query: str, lang: str) -> html.Div:
    """Stores every page carries: its state as a query string (mirrored into the address bar) and language."""
    from layouts import ids

    return html.Div([dcc.Store(id=ids.URL_QUERY, data=query), dcc.Store(id=ids.LANG, data=lang),
                     html.Span(id=ids.URL_LINK, className="visually-hidden")])


def page(title: str, *children, page_id: str) -> html.Div:
    return html.Div([html.H1(title), *children], id=page_id, className="page")
