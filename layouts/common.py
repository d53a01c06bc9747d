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
                    title=t("present_help", lang)),
        html.Button(t("copy_link", lang), id=f"{prefix}-copy", className="btn copy-link", n_clicks=0),
        html.Button(t("pin_view", lang), id=f"{prefix}-pin", className="btn", n_clicks=0),
        # The pinned views, listed by assets/app.js from the browser's storage: reorder or remove them.
        html.Details([html.Summary([t("tour_views", lang), " (", html.Span(id=f"{prefix}-pin-count"), ")"]),
                      html.Div(className="tour-views")], className="tour-list"),
    ], className="export-bar")


def url_state(query: str, lang: str) -> html.Div:
    """Stores every page carries: its state as a query string (mirrored into the address bar) and language."""
    from layouts import ids

    return html.Div([dcc.Store(id=ids.URL_QUERY, data=query), dcc.Store(id=ids.LANG, data=lang),
                     html.Span(id=ids.URL_LINK, className="visually-hidden")])


# The words Dash's dropdowns write themselves (English by default).
DROPDOWN_LABELS_JA = {"select_all": "すべて選択", "deselect_all": "すべて解除",
                      "selected_count": "{num_selected}件を選択",
                      "search": "検索", "clear_search": "検索を消去", "clear_selection": "選択を解除",
                      "no_options_found": "該当する項目はありません"}


def in_page_language(layout):
    """A page layout function whose dropdowns speak the page's language (``lang`` in the link)."""
    import functools

    @functools.wraps(layout)
    def localised(**params):
        tree = layout(**params)
        if params.get("lang") != "en" and hasattr(tree, "_traverse"):
            for c in tree._traverse():
                if isinstance(c, dcc.Dropdown) and getattr(c, "labels", None) is None:
                    c.labels = DROPDOWN_LABELS_JA
                elif isinstance(c, dcc.Graph) and isinstance(getattr(c, "config", None), dict):
                    c.config = {**c.config, "locale": "ja"}     # the toolbar (see figures.MODEBAR_JA)
        return tree

    return localised


def page(title: str, *children, page_id: str) -> html.Div:
    return html.Div([html.H1(title), *children], id=page_id, className="page")


def data_table(rows: list[dict], columns: list[tuple[str, str, bool]], *, caption: str, lang: str,
               page: int = 0, page_size: int = 50, pager_id: str | None = None) -> html.Div:
    """A chart's data as a plain HTML table: what a screen reader reads, what a keyboard scrolls, and no
    table widget to download (Dash's DataTable adds 158 KB of JavaScript to the page).

    ``columns`` are (key, header, numeric); numbers are written as :func:`layouts.numbers.plain` does
    (separators, no scientific notation) and right-aligned; a cell may be a component (a link, code), and
    a row's ``_class`` becomes its class. Long tables are shown ``page_size`` rows at
    a time with previous/next buttons (ids ``{pager_id}-prev`` / ``-next``, page in ``{pager_id}-page``);
    the whole table is in the CSV/Excel export and the API.
    """
    from layouts.numbers import plain

    pages = max(1, -(-len(rows) // page_size))
    page = min(max(page, 0), pages - 1)
    shown = rows[page * page_size:(page + 1) * page_size]

    def cell(value, numeric: bool):
        if hasattr(value, "to_plotly_json"):   # a component (a link, code) shown as it is
            return html.Td(value)
        if numeric:
            return html.Td(plain(value) if isinstance(value, int | float) else "—", className="num")
        return html.Td("" if value is None else str(value))

    table = html.Table([
        html.Caption(caption, className="visually-hidden"),
        html.Thead(html.Tr([html.Th(head, scope="col", className="num" if numeric else None)
                            for _, head, numeric in columns])),
        html.Tbody([html.Tr([cell(r.get(key), numeric) for key, _, numeric in columns], className=r.get("_class"))
                    for r in shown]),
    ], className="data-table")
    children = [html.Div(table, className="table-scroll", tabIndex="0", role="region",
                         **{"aria-label": caption})]
    if pager_id:
        first, last = page * page_size + 1, page * page_size + len(shown)
        status = t("table_rows", lang, first=first, last=last, total=len(rows)) if rows else ""
        children.append(html.Div([
            html.Button(t("table_prev", lang), id=f"{pager_id}-prev", className="btn btn-small", n_clicks=0,
                        disabled=page == 0),
            html.Span(status, role="status", className="source-line"),
            html.Button(t("table_next", lang), id=f"{pager_id}-next", className="btn btn-small", n_clicks=0,
                        disabled=page >= pages - 1),
            dcc.Store(id=f"{pager_id}-page", data=page),
        ], className="table-pager", hidden=pages == 1))
    return html.Div(children)
