"""Plain HTTP routes beside the Dash callbacks: boundaries, the first-paint map preview, ``/healthz``,
and one serving snapshot per request."""

from __future__ import annotations

from dash import Dash

from callbacks import map_callbacks
from loaders import store


def _maybe_gzipped(raw: bytes, packed, mimetype: str, *, max_age: int):
    """A cacheable response, gzipped when the client accepts it (``packed``: bytes or a callable)."""
    from flask import Response, request

    gz = "gzip" in request.headers.get("Accept-Encoding", "")
    body = (packed() if callable(packed) else packed) if gz else raw
    resp = Response(body, mimetype=mimetype)
    if gz:
        resp.headers["Content-Encoding"] = "gzip"
    resp.headers["Vary"] = "Accept-Encoding"
    resp.headers["Cache-Control"] = f"public, max-age={max_age}"
    return resp


def geo_route(app: Dash) -> None:
    """Boundaries at /geo/<file>, gzipped once and cacheable (static files are not compressed by Dash)."""
    import gzip
    from functools import lru_cache
    from pathlib import Path

    from flask import abort

    folder = Path(__file__).resolve().parent.parent / "assets" / "geo"
    allowed = {"prefectures.geojson", "municipalities.geojson", "prefectures.topojson", "municipalities.topojson",
               "municipalities-13.geojson"}

    @lru_cache(maxsize=8)
    def payload(name: str) -> tuple[bytes, bytes]:
        raw = (folder / name).read_bytes()
        return raw, gzip.compress(raw, 9)

    @app.server.route("/geo/<name>")
    def _geo(name: str):
        if name not in allowed:
            abort(404)
        raw, packed = payload(name)
        return _maybe_gzipped(raw, packed, "application/geo+json" if name.endswith("geojson")
                              else "application/json", max_age=86400)


def preview_route(app: Dash) -> None:
    """/preview/map.svg?<map link>: the map as a static image for the first paint."""
    import gzip

    from flask import request

    @app.server.route("/preview/map.svg")
    def _preview():
        data = map_callbacks.preview_svg(dict(request.args.items())).encode("utf-8")
        return _maybe_gzipped(data, lambda: gzip.compress(data, 6), "image/svg+xml", max_age=3600)


def pin_store_per_request(app: Dash) -> None:
    """Every ``get_store()`` within one request returns the same snapshot.

    An import may swap the serving file while a request runs; without the pin, a callback that asks
    for the store twice could put old and new figures into one response.
    """
    from flask import g

    server = app.server

    @server.before_request
    def _pin():
        g.chiiki_store_token = store.begin_request()

    @server.teardown_request
    def _unpin(_exc):
        token = g.pop("chiiki_store_token", None)
        if token is not None:
            store.end_request(token)


def health_route(app: Dash) -> None:
    """/healthz for load balancers: 200 while the bundled data serves (status "ok" or "degraded", with
    the reason), 503 only when nothing can be served. Never cached."""
    import json

    from flask import Response

    from callbacks import warm

    @app.server.route("/healthz")
    def _healthz():
        h = store.health()
        body = {key: h[key] for key in ("status", "reason", "data_version", "imports", "worker")}
        body["problems"] = [{"what": p["what"], "repair": p["repair"]} for p in h["problems"]]
        body["user_store"] = h["user_store"]["status"]
        # Whether this worker warmed itself before serving (null: not warmed, e.g. a dev server).
        body["warm_up"] = warm.LAST_REPORT
        resp = Response(json.dumps(body, ensure_ascii=False), status=503 if h["status"] == "down" else 200,
                        mimetype="application/json")
        resp.headers["Cache-Control"] = "no-store"
        return resp


def register(app: Dash) -> None:
    pin_store_per_request(app)
    health_route(app)
    geo_route(app)
    preview_route(app)
