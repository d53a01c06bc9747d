"""The Dash application factory. Navigation and the page container only; pages live in layouts/ and
their wiring in callbacks/.

The factory also makes the server safe to put in front of a whole organisation: a request body limit
(``CHIIKI_MAX_REQUEST_MB``), callback requests checked for shape before Dash sees them, and one log
line per request.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sys
import time
from pathlib import Path

import dash
from dash import Dash, Input, Output, dcc, html
from flask import Flask, Response, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import RequestEntityTooLarge

from callbacks import (
    api_callbacks,
    compare_callbacks,
    data_callbacks,
    index_callbacks,
    industry_callbacks,
    map_callbacks,
    profile_callbacks,
    routes,
    start_callbacks,
    warm,
)
from layouts import ids
from layouts.common import in_page_language
from layouts.i18n import browser_strings, t
from layouts.ids import API_PREFIX

PAGES = [
    # (module name, path, string key, layout function)
    ("start", "/", "nav_start", start_callbacks.page_layout),
    ("map", "/map", "nav_map", map_callbacks.page_layout),
    ("profile", "/profile", "nav_profile", profile_callbacks.page_layout),
    ("compare", "/compare", "nav_compare", compare_callbacks.page_layout),
    ("industry", "/industry", "nav_industry", industry_callbacks.page_layout),
    ("index", "/index", "nav_index", index_callbacks.page_layout),
    ("data", "/data", "nav_data", data_callbacks.page_layout),
    ("api", "/api", "nav_api", api_callbacks.page_layout),
]

ACCESS_LOG_ENV = "CHIIKI_ACCESS_LOG"
access_log = logging.getLogger("chiiki.access")
# No control value a browser sends nests deeper than a few levels (figure click data is the deepest).
MAX_JSON_DEPTH = 64


PLOTLY_BUNDLE = Path(__file__).resolve().parent / "assets" / "plotly-chiiki.min.js"


def use_partial_plotly(app: Dash) -> None:
    """Serve only the plotly.js the app draws with (assets/plotly-chiiki.min.js, built by
    bench/plotly_bundle/build.sh): Dash's full plotly.min.js is 1.47 MB gzipped, ours 425 KB.

    Dash registers its copy as an async resource of dash_core_components; removing it means the
    browser never fetches it. Our bundle is an asset script, loaded before the renderer starts, and
    preloaded with the page so it downloads while the HTML is parsed.
    """
    from dash import dcc

    dcc._js_dist[:] = [r for r in dcc._js_dist if r.get("relative_package_path") != "package_data/plotly.min.js"]
    # Babel's polyfill (34 KB gzipped) serves browsers without ES2017; Dash 4 supports none of those, and
    # every browser a city hall runs today (Edge, Chrome, Firefox, Safari) has it all built in.
    for dep in dash.dash._dash_renderer._js_dist_dependencies:
        for where in ("relative_package_path", "external_url"):
            for mode, paths in dep.get(where, {}).items():
                dep[where][mode] = [p for p in paths if "polyfill" not in p]
    # Dash imports its DataTable package whatever an app uses, and so sends its 9 KB bundle with every
    # page; our tables are plain HTML (layouts.common.data_table; tests/test_plotly_bundle.py checks no
    # layout uses DataTable), so the page never needs it.
    from dash import dash_table

    dash_table._js_dist[:] = []
    # The same address Dash writes for the asset (its modification time as the cache key).
    href = f"/assets/{PLOTLY_BUNDLE.name}?m={os.path.getmtime(PLOTLY_BUNDLE)}"
    app.index_string = app.index_string.replace(
        "{%css%}", f'{{%css%}}\n        <link rel="preload" as="script" href="{href}">')
    # A request for a library that is not registered (the full plotly.js, say) is a 404, not a 500.
    app.server.register_error_handler(dash.exceptions.DependencyException, lambda exc: (str(exc), 404))


def create_app() -> Dash:
    app = Dash(__name__, use_pages=True, pages_folder="", title="chiiki — 地域経済ダッシュボード",
               suppress_callback_exceptions=True, serve_locally=True, compress=True, update_title=None)
    routes.register(app)
    api_callbacks.register(app)
    use_partial_plotly(app)
    # Pages open in Japanese; the language callback below switches the document to English.
    app.index_string = app.index_string.replace("<html>", '<html lang="ja">', 1)
    # Strings for the browser-side helpers (copy link, pinned views), from the one translation table.
    strings = json.dumps(browser_strings(), ensure_ascii=False).replace("</", "<\\/")
    app.index_string = app.index_string.replace(
        "{%css%}", f'{{%css%}}\n        <script id="chiiki-strings" type="application/json">{strings}</script>', 1)
    for module, path, key, layout in PAGES:
        dash.register_page(module, path=path, name=t(key, "ja"), title=f"{t(key, 'ja')} — chiiki",
                           layout=in_page_language(layout))
    start_callbacks.register(app)
    map_callbacks.register(app)
    profile_callbacks.register(app)
    compare_callbacks.register(app)
    industry_callbacks.register(app)
    index_callbacks.register(app)
    data_callbacks.register(app)

    app.layout = html.Div([
        html.Nav(id=ids.NAV, **{"aria-label": t("nav_label", "ja")}, children=[
            *[dcc.Link(t(key, "ja"), href=path, id=f"nav-{module}") for module, path, key, _ in PAGES],
            html.Span(className="spacer"),
            # Find a region by name (assets/search.js loads the names on first focus, not with every page).
            html.Div([html.Label(t("search_label", "ja"), htmlFor=ids.NAV_SEARCH, id=f"{ids.NAV_SEARCH}-label",
                                 className="visually-hidden"),
                      dcc.Input(id=ids.NAV_SEARCH, type="search", placeholder=t("search_placeholder", "ja"),
                                autoComplete="off", spellCheck=False, list=ids.NAV_SEARCH_LIST),
                      html.Span(id=f"{ids.NAV_SEARCH}-status", role="status", className="nav-search-status")],
                     role="search", className="nav-search-box"),
            html.A(t("switch_lang", "ja"), href="?lang=en", id="nav-lang", hrefLang="en"),
        ]),
        html.Main(dash.page_container, id=ids.PAGE_CONTAINER),
        html.Footer(html.Small(t("footer", "ja"), id="app-footer-text"), className="no-print"),
    ])

    # The address bar follows the page's state; nav links and the language switch follow the language.
    nav = json.dumps({"switch": [t("switch_lang", "ja"), t("switch_lang", "en")],
                      "label": [t("nav_label", "ja"), t("nav_label", "en")],
                      "footer": [t("footer", "ja"), t("footer", "en")],
                      "pages": [[path, [t(key, "ja"), t(key, "en")]] for _, path, key, _ in PAGES]},
                     ensure_ascii=False)
    app.clientside_callback(
        """function(query, lang) {
            const nav = NAV;
            const i = lang === 'en' ? 1 : 0;
            const link = window.dash_clientside.chiiki.syncUrl(query);
            const params = new URLSearchParams(query || '');
            if (lang === 'en') { params.delete('lang'); } else { params.set('lang', 'en'); }
            const out = [link, '?' + params.toString(), nav.switch[i]];
            // One language per page: the document, the nav's name, the switch (named in its own language).
            document.documentElement.lang = lang === 'en' ? 'en' : 'ja';
            const navEl = document.getElementById('app-nav');
            if (navEl) { navEl.setAttribute('aria-label', nav.label[i]); }
            const sw = document.getElementById('nav-lang');
            if (sw) { sw.setAttribute('lang', i ? 'ja' : 'en'); sw.setAttribute('hreflang', i ? 'ja' : 'en'); }
            const here = nav.pages.find(p => p[0] === window.location.pathname);
            if (here) { document.title = here[1][i] + ' — chiiki'; }
            const suffix = lang === 'en' ? '?lang=en' : '';
            for (const p of nav.pages) { out.push(p[0] + suffix); out.push(p[1][i]); }
            out.push(nav.footer[i]);
            return out;
        }""".replace("NAV", nav),
        Output(ids.URL_LINK, "children"), Output("nav-lang", "href"), Output("nav-lang", "children"),
        *[o for module, *_ in PAGES for o in (Output(f"nav-{module}", "href"), Output(f"nav-{module}", "children"))],
        Output("app-footer-text", "children"), Input(ids.URL_QUERY, "data"), Input(ids.LANG, "data"))

    limit_body(app.server)
    check_callback_requests(app)
    log_requests(app.server)
    return app


# --- Request body limit ---------------------------------------------------------------------------


def limit_body(server: Flask) -> None:
    """Refuse bodies over ``CHIIKI_MAX_REQUEST_MB`` with 413 and a readable message.

    A declared Content-Length over the limit is refused before anything reads the body; a chunked
    body is read up to the limit and no further (MAX_CONTENT_LENGTH), so a worker never holds more.
    """
    limit = data_callbacks.max_request_bytes()
    server.config["MAX_CONTENT_LENGTH"] = limit

    @server.before_request
    def _refuse_large_bodies():
        if (request.content_length or 0) > limit:
            raise RequestEntityTooLarge()
        # Werkzeug stops reading a chunked body at the limit but hands on what it read as if that were
        # all; one more byte from the server's stream tells a body that fits from one cut off.
        # (get_data caches, so the view reads the same bytes.)
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if chunked and len(request.get_data(cache=True)) >= limit and request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()

    @server.errorhandler(RequestEntityTooLarge)
    def _too_large(_exc):
        mb = limit / 1024 / 1024
        detail = (f"the request body is larger than this server accepts ({mb:g} MB); "
                  "an administrator imports larger files with `chiiki import KIND FILE`")
        if request.path.startswith(API_PREFIX):
            body = {"type": "about:blank", "title": "Content Too Large", "status": 413, "detail": detail}
            resp = Response(json.dumps(body), status=413, mimetype="application/problem+json")
            resp.headers["Access-Control-Allow-Origin"] = "*"
        elif request.path.endswith("/_dash-update-component"):
            resp = Response(json.dumps({"status": 413, "error": detail, "limit_bytes": limit}), status=413,
                            mimetype="application/json")
        else:
            resp = Response(f"413 Content Too Large: {detail}\n", status=413, mimetype="text/plain")
        # The unread rest of the body makes the connection unusable for another request.
        resp.headers["Connection"] = "close"
        return resp


# --- Callback requests ------------------------------------------------------------------------------


class StrictJSON(DefaultJSONProvider):
    """Request JSON as browsers write it: no NaN or Infinity, and nesting the parser survives.

    (A ValueError from ``loads`` is what Flask turns into 400 Bad Request.)
    """

    def loads(self, s: str | bytes, **kwargs):
        def constant(name: str):
            raise ValueError(f"{name} is not JSON")

        kwargs.setdefault("parse_constant", constant)
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _depth_and_text_ok(value) -> bool:
    """Nesting within MAX_JSON_DEPTH and every string encodable (no lone surrogates)."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return False
        if isinstance(v, dict):
            stack.extend((x, depth + 1) for x in v.values())
            stack.extend((k, depth + 1) for k in v)
        elif isinstance(v, list):
            stack.extend((x, depth + 1) for x in v)
        elif isinstance(v, str) and not v.isascii():
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(v, float) and not math.isfinite(v):   # 1e999 parses to inf
            return False
    return True


def _split_id(raw):
    """A dependency id as registered: a string, or a pattern-matching dict."""
    if isinstance(raw, str) and raw.startswith("{"):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _matches(entry, spec: dict) -> bool:
    """Whether one inputs/state entry of a request is the one the callback declared."""
    want = _split_id(spec["id"])
    if not isinstance(want, dict):
        return isinstance(entry, dict) and entry.get("id") == want and entry.get("property") == spec["property"]
    items = entry if isinstance(entry, list) else [entry]    # ALL / ALLSMALLER send a list, MATCH one item
    for item in items:
        if not (isinstance(item, dict) and isinstance(item.get("id"), dict)
                and item.get("property") == spec["property"] and set(item["id"]) == set(want)):
            return False
        if any(not isinstance(w, list) and item["id"][k] != w for k, w in want.items()):
            return False
    return True


def _names_an_input(prop_id, specs: list[dict]) -> bool:
    """Whether a changedPropIds entry ("id.property") is one of the callback's inputs."""
    if not isinstance(prop_id, str) or "." not in prop_id:
        return False
    raw, prop = prop_id.rsplit(".", 1)
    cid = _split_id(raw)
    for spec in specs:
        if spec["property"] == prop and (cid == spec["id"] or (
                isinstance(cid, dict) and _matches({"id": cid, "property": prop}, spec))):
            return True
    return False


def _output_entry_ok(entry) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("property"), str)
            and isinstance(entry.get("id"), str | dict))


def callback_request_problem(body, app: Dash) -> str | None:
    """What is wrong with a callback request body, or None if it has the shape its callback declared.

    Dash itself trusts the body; a wrong shape would end in a 500 deep inside it.
    """
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in app.callback_map:
        return "output does not name a callback of this app"
    cb = app.callback_map[output]
    if "callback" not in cb:
        return "that callback runs in the browser"
    for key in ("inputs", "state"):
        entries, specs = body.get(key, []), cb.get(key, [])
        if not isinstance(entries, list) or len(entries) != len(specs):
            return f"{key} must be a list of {len(specs)} entries"
        if not all(_matches(e, s) for e, s in zip(entries, specs, strict=True)):
            return f"{key} do not match the callback's {key}"
    declared = cb["output"] if isinstance(cb["output"], list | tuple) else None
    outputs = body.get("outputs")
    if declared is None and not cb.get("no_output"):
        if not _output_entry_ok(outputs):
            return "outputs must describe the callback's output"
    elif declared is not None and not (isinstance(outputs, list) and len(outputs) == len(declared)
                                       and all(_output_entry_ok(o) for o in outputs)):
        return f"outputs must be a list of {len(declared)} outputs"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(_names_an_input(c, cb["inputs"]) for c in changed):
        return "changedPropIds must name inputs of the callback"
    if not _depth_and_text_ok(body):
        return "values nest too deeply or contain text that is not Unicode"
    # Dash's own page router takes the address bar as it is: a path under the app and a query string.
    for entry, spec in zip(body["inputs"], cb["inputs"], strict=True):
        if spec["id"] == "_pages_location":
            value = entry.get("value")
            if spec["property"] == "pathname" and not (
                    isinstance(value, str) and value.startswith(app.config.requests_pathname_prefix)):
                return "pathname must be a path under the app"
            if spec["property"] == "search" and not (value is None or isinstance(value, str)):
                return "search must be a query string"
    return None


def check_callback_requests(app: Dash) -> None:
    """Answer malformed callback requests with 400 (a 500 would say the server is broken)."""
    server = app.server
    server.json = StrictJSON(server)
    dispatch = app.config.routes_pathname_prefix + "_dash-update-component"

    @server.before_request
    def _check_callback_request():
        if request.path != dispatch or request.method != "POST":
            return None
        if not request.is_json:
            return _callback_error(415, "send the callback request as application/json")
        # Parsed once: Dash's own get_json() reuses this.
        problem = callback_request_problem(request.get_json(silent=True), app)
        return _callback_error(400, problem) if problem else None


def _callback_error(status: int, message: str) -> Response:
    return Response(json.dumps({"status": status, "error": message}), status=status, mimetype="application/json")


# --- Request log ------------------------------------------------------------------------------------

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


def _printable_path(environ: dict) -> str:
    """The path only (a query string may carry anything), one line, bounded."""
    raw = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1", "replace")
    path = raw.decode("utf-8", "replace")
    path = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", path)
    return path if len(path) <= 200 else path[:200] + "…"


def _configure_access_log() -> None:
    if access_log.level == logging.NOTSET:
        access_log.setLevel(logging.INFO)
    if any(getattr(h, "chiiki_stderr", False) for h in access_log.handlers):
        return      # create_app() may run more than once in a process
    handler = logging.StreamHandler(sys.stderr)
    handler.chiiki_stderr = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    access_log.addHandler(handler)
    # Its own handler, so a root logger configured by a host (gunicorn, pytest) does not print it twice.
    access_log.propagate = False


def log_requests(server: Flask) -> None:
    """One line per request to stderr: method, path, status, milliseconds until the response was ready
    (``CHIIKI_ACCESS_LOG=0``: off).

    Middleware around the whole WSGI app, so refusals before Flask's routing (413) and errors are
    logged too. Neither the query string nor any header or body is logged: tokens stay out of logs.
    """
    import os

    if os.environ.get(ACCESS_LOG_ENV, "1") == "0":
        return
    _configure_access_log()
    inner = server.wsgi_app

    def wsgi_app(environ, start_response):
        if environ.get(warm.ENVIRON_FLAG):   # the process warming itself, not a user
            return inner(environ, start_response)
        t0 = time.perf_counter()
        status = ["-"]

        def start(line, headers, exc_info=None):
            status[0] = line.split(" ", 1)[0]
            return start_response(line, headers, exc_info)

        def done():
            access_log.info("%s %s %s %.1fms", environ.get("REQUEST_METHOD", "-"), _printable_path(environ),
                            status[0], (time.perf_counter() - t0) * 1000)

        try:
            body = inner(environ, start)
        except BaseException:
            status[0] = "500"
            raise
        finally:
            # Flask has built the whole response by now (only send_file streams); logging here, not
            # on close, keeps it to exactly one line even for a client that never closes.
            done()
        return body

    server.wsgi_app = wsgi_app


app = create_app()
server = app.server


def warm_up(seconds: float | None = None) -> dict:
    """Warm this process (every page and API family once) before it serves: see :mod:`callbacks.warm`.

    gunicorn calls it from ``post_worker_init`` (deploy/gunicorn.conf.py), so a worker accepts its
    first request only when that request costs what any later one does.
    """
    return warm.warm_process(server, seconds)


def keep_warm() -> None:
    """Warm this process again after every import (a thread watching the serving file)."""
    warm.keep_warm(server)
