"""Data page: filter the catalog, import an uploaded file with the command line's validation.

Uploading changes what every visitor sees, so it is an administrator's act: the server allows it only
with the token in ``CHIIKI_ADMIN_TOKEN``, or for the one local user of ``chiiki serve`` on loopback
(which sets ``CHIIKI_LOCAL_ADMIN=1``). The callback checks this itself on every upload; what the page
shows is only a convenience.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
import logging
import os
import tempfile
from pathlib import Path

from dash import Dash, Input, Output, State, html

from callbacks import state as st
from layouts import ids
from layouts.data_page import UPLOAD_GUARD_ID, UPLOAD_TOKEN_ID, catalog_rows, catalog_table, filter_catalog, layout
from layouts.i18n import t
from loaders import query
from loaders.errors import DataError
from loaders.ssdse_items import THEMES
from loaders.store import get_store

ADMIN_TOKEN_ENV = "CHIIKI_ADMIN_TOKEN"
LOCAL_ADMIN_ENV = "CHIIKI_LOCAL_ADMIN"
MAX_REQUEST_ENV = "CHIIKI_MAX_REQUEST_MB"
DEFAULT_MAX_REQUEST_MB = 20
MIB = 1024 * 1024
# Room in a callback request for everything but the file: the JSON around it, the file name and the
# other controls' values.
REQUEST_OVERHEAD = 64 * 1024

log = logging.getLogger("chiiki.upload")


def max_request_bytes() -> int:
    """The largest request body the server reads (``CHIIKI_MAX_REQUEST_MB``, default 20 MiB)."""
    raw = os.environ.get(MAX_REQUEST_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_REQUEST_MB
    except ValueError:
        mb = float("nan")
    if not 1 <= mb <= 1024:   # also catches nan
        log.warning("%s=%r is not a number of MB from 1 to 1024; using %d", MAX_REQUEST_ENV, raw[:20],
                    DEFAULT_MAX_REQUEST_MB)
        mb = DEFAULT_MAX_REQUEST_MB
    return int(mb * MIB)


def max_upload_bytes() -> int:
    """The largest file the form accepts: its base64 (4 bytes per 3) must fit in one request."""
    return (max_request_bytes() - REQUEST_OVERHEAD) * 3 // 4


def upload_mode() -> str:
    """``"token"`` (uploads need ``CHIIKI_ADMIN_TOKEN``), ``"local"`` (chiiki serve on loopback) or ``"off"``."""
    if os.environ.get(ADMIN_TOKEN_ENV):
        return "token"
    if os.environ.get(LOCAL_ADMIN_ENV) == "1":
        return "local"
    return "off"


def _from_loopback() -> bool:
    """Whether the current request came from this machine (defence in depth for the local mode)."""
    from flask import has_request_context, request

    if not has_request_context():
        return False
    try:
        addr = ipaddress.ip_address((request.remote_addr or "").split("%")[0])
    except ValueError:
        return False
    mapped = getattr(addr, "ipv4_mapped", None)      # ::ffff:127.0.0.1 from a dual-stack socket
    return addr.is_loopback or bool(mapped and mapped.is_loopback)


def upload_permission(token) -> tuple[bool, str]:
    """(allowed, reason) for an upload carrying ``token`` (whatever the page sent)."""
    mode = upload_mode()
    if mode == "token":
        expected = os.environ[ADMIN_TOKEN_ENV].encode("utf-8", "surrogatepass")
        given = token.encode("utf-8", "surrogatepass") if isinstance(token, str) else b""
        # Constant time, so the answer's timing does not tell how much of a guess was right.
        if hmac.compare_digest(given, expected):
            return True, ""
        return False, "token"
    if mode == "local" and _from_loopback():
        return True, ""
    return False, "off"


def refusal(reason: str, lang: str) -> str:
    """Why an upload was refused and how an administrator imports instead."""
    if reason == "token":
        return ("The administrator token is missing or wrong; nothing was imported." if lang == "en" else
                "管理者トークンが未入力か誤っています。取り込みは行っていません。")
    return ("Uploads are turned off on this server; nothing was imported. An administrator imports on the server "
            f"with `chiiki import KIND FILE`, or sets {ADMIN_TOKEN_ENV} to allow uploads with that token."
            if lang == "en" else
            "このサーバーではアップロードを受け付けていません。取り込みは行っていません。管理者がサーバー上で "
            f"`chiiki import KIND FILE` を実行するか、{ADMIN_TOKEN_ENV} を設定して"
            "トークン付きのアップロードを許可します。")


def store_health_message() -> str | None:
    """What is wrong with the user store, for the data page; None when nothing is.

    Hook for ``loaders.store.health()`` (being added): tolerant of its absence and of its exact shape.
    """
    from loaders import store

    health = getattr(store, "health", None)
    if not callable(health):
        return None
    try:
        report = health()
    except Exception as exc:   # a broken health check must not take the page down with it
        return f"user store: {exc}"
    if not isinstance(report, dict):
        return None
    message = report.get("message") or "; ".join(map(str, report.get("problems") or []))
    return (message or "user store needs attention") if report.get("ok") is False else None


def page_layout(**params):
    state = st.parse(params, {})
    datasets = query.datasets(get_store().cursor())
    return layout(state, st.catalog(), datasets, THEMES, upload_mode=upload_mode(),
                  max_upload_bytes=max_upload_bytes(), store_message=store_health_message())


def update_catalog(search, themes, status, catalog, lang: str = "ja") -> tuple[list[dict], str]:
    # Whatever a request carries: text, a list of theme keys, one status; anything else counts as unset.
    search = search if isinstance(search, str) else None
    themes = [x for x in themes if isinstance(x, str)] if isinstance(themes, list) else None
    status = status if isinstance(status, str) else "all"
    lang = "en" if lang == "en" else "ja"
    rows = filter_catalog(catalog_rows(catalog, lang), catalog, search, themes, status or "all")
    return rows, t("catalog_count", lang, shown=len(rows), total=len(catalog))


def import_upload(contents, filename, kind, indicator) -> tuple[str, bool]:
    """Import an uploaded file; returns (message, ok). Bad files change nothing.

    Only for callers that have checked :func:`upload_permission`. Never replaces official figures:
    that is for an administrator on the command line (``--replace-official``).
    """
    from loaders.importers import run_import

    if not isinstance(contents, str) or not contents or not isinstance(filename, str) or not filename:
        return "", False
    name = Path(filename.replace("\x00", "")).name[:120] or "upload"
    try:
        _, b64 = contents.split(",", 1)
        data = base64.b64decode(b64, validate=True)
    except (ValueError, TypeError):
        return f"{name}: the upload could not be decoded", False
    limit = max_upload_bytes()
    if len(data) > limit:
        return f"{name}: file is {len(data):,} bytes; the limit is {limit:,}", False
    if not isinstance(kind, str):
        kind = "tidy"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        try:
            path.write_bytes(data)
        except OSError:
            return f"{name}: the file name cannot be used; rename the file and try again", False
        try:
            report = run_import(kind, path, indicator=indicator if isinstance(indicator, str) and indicator else None,
                                source="upload on the data page", replace_official=False)
        except DataError as exc:
            return str(exc), False
    return report, True


def upload(contents, filename, kind, indicator, token, lang) -> tuple[str, bool]:
    """The upload callback's work: check permission first, then import."""
    if not contents:
        return "", False
    allowed, reason = upload_permission(token)
    if not allowed:
        # Say that it happened, never what was typed.
        log.warning("upload refused (%s)", "wrong or missing token" if reason == "token" else "uploads off")
        return refusal(reason, lang if lang in ("ja", "en") else "ja"), False
    return import_upload(contents, filename, kind, indicator)


# Files over the form's limit never reach the server (dcc.Upload drops them without a word), so the
# page itself says why. The listener sits on the document, so it works whenever the upload's lazily
# loaded element appears, and is added once however often the page is visited.
UPLOAD_GUARD = """function(maxSize, lang) {
    window.chiikiUploadLimit = {max: maxSize, lang: lang};
    if (window.chiikiUploadGuard) { return 'armed'; }
    window.chiikiUploadGuard = true;
    const mb = function(n) { return (n / 1048576).toFixed(1) + ' MB'; };
    const check = function(event, files) {
        const target = event.target;
        if (!target || !target.closest || !target.closest('#UPLOAD_ID')) { return; }
        const limit = window.chiikiUploadLimit;
        for (const f of Array.from(files || [])) {
            if (f.size <= limit.max) { continue; }
            const text = limit.lang === 'en'
                ? f.name + ' is ' + mb(f.size) + '; files up to ' + mb(limit.max) + ' can be uploaded. '
                  + 'An administrator imports larger files on the server with chiiki import KIND FILE.'
                : f.name + ' は ' + mb(f.size) + ' です。アップロードできるのは ' + mb(limit.max) + ' までです。'
                  + 'それより大きいファイルは管理者がサーバー上で chiiki import KIND FILE により取り込みます。';
            window.dash_clientside.set_props('RESULT_ID', {children: {
                type: 'Div', namespace: 'dash_html_components',
                props: {children: text, className: 'notice', role: 'alert', id: 'RESULT_ID-too-large'}}});
        }
    };
    document.addEventListener('drop', function(e) { check(e, e.dataTransfer && e.dataTransfer.files); }, true);
    document.addEventListener('change', function(e) { check(e, e.target && e.target.files); }, true);
    return 'armed';
}""".replace("UPLOAD_ID", ids.DATA_UPLOAD).replace("RESULT_ID", ids.DATA_UPLOAD_RESULT)


def register(app: Dash) -> None:
    if 0 < len(os.environ.get(ADMIN_TOKEN_ENV, "")) < 16:
        log.warning("%s is shorter than 16 characters and easy to guess; use e.g. "
                    "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'", ADMIN_TOKEN_ENV)

    @app.callback(Output(ids.DATA_TABLE, "children"), Output(ids.DATA_COUNT, "children"),
                  Input(ids.DATA_SEARCH, "value"), Input(ids.DATA_THEME, "value"), Input(ids.DATA_STATUS, "value"),
                  State(ids.LANG, "data"))
    def _update(search, themes, status, lang):
        lang = lang if lang in ("ja", "en") else "ja"
        rows, count = update_catalog(search, themes, status, st.catalog(), lang)
        return catalog_table(rows, lang), count

    @app.callback(Output(ids.DATA_UPLOAD_RESULT, "children"), Output(ids.DATA_TABLE, "children", allow_duplicate=True),
                  Output(ids.DATA_COUNT, "children", allow_duplicate=True), Input(ids.DATA_UPLOAD, "contents"),
                  State(ids.DATA_UPLOAD, "filename"), State(ids.DATA_UPLOAD_KIND, "value"),
                  State(ids.DATA_UPLOAD_INDICATOR, "value"), State(UPLOAD_TOKEN_ID, "value"),
                  State(ids.DATA_SEARCH, "value"), State(ids.DATA_THEME, "value"), State(ids.DATA_STATUS, "value"),
                  State(ids.LANG, "data"), prevent_initial_call=True)
    def _upload(contents, filename, kind, indicator, token, search, themes, status, lang):
        message, ok = upload(contents, filename, kind, indicator, token, lang)
        # The import swapped in a new serving database: the catalog now shows the new status.
        lang = lang if lang in ("ja", "en") else "ja"
        rows, count = update_catalog(search, themes, status, st.catalog(), lang)
        box = html.Div(message, className="notice" if not ok else "ok", role="alert" if not ok else "status")
        return box, catalog_table(rows, lang), count

    app.clientside_callback(UPLOAD_GUARD, Output(UPLOAD_GUARD_ID, "title"),
                            Input(ids.DATA_UPLOAD, "max_size"), State(ids.LANG, "data"))

    server = app.server

    @server.route("/download/<name>")
    def _download(name: str):
        from flask import abort, send_file

        from loaders.store import data_dir

        if name == "catalog.csv":
            import io

            buf = io.BytesIO(st.catalog().drop(columns=["prefecture_years", "municipality_years"])
                             .to_csv(index=False).encode("utf-8-sig"))
            return send_file(buf, mimetype="text/csv", download_name="catalog.csv")
        files = {"SOURCES.md": data_dir() / "SOURCES.md",
                 "tidy_template.csv": data_dir() / "templates" / "tidy_template.csv"}
        if name not in files:
            abort(404)
        return send_file(files[name], as_attachment=True, download_name=name)
