"""Plain HTTP routes beside the Dash callbacks: boundaries and the first-paint map preview."""

from __future__ import annotations

from dash import Dash

from callbacks import map_callbacks


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
    allowed = {"prefectures.geojson", "municipalities.geojson", "prefectures.topojson", "municipalities.topojson"}

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


def register(app: Dash) -> None:
    geo_route(app)
    preview_route(app)
