"""Plain HTTP routes beside the Dash callbacks: boundaries and the first-paint map preview."""

from __future__ import annotations

from dash import Dash

from callbacks import map_callbacks


def geo_route(app: Dash) -> None:
    """Boundaries at /geo/<file>, gzipped once and cacheable (static files are not compressed by Dash)."""
    import gzip
    from functools import lru_cache
    from pathlib import Path

    from flask import Response, abort, request

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
        gz = "gzip" in request.headers.get("Accept-Encoding", "")
        resp = Response(packed if gz else raw, mimetype="application/geo+json" if name.endswith("geojson")
                        else "application/json")
        if gz:
            resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Vary"] = "Accept-Encoding"
        resp.headers["Cache-Control"] = "public, max-age=86400"
        return resp


def preview_route(app: Dash) -> None:
    """/preview/map.svg?<map link>: the map as a static image for the first paint."""
    import gzip

    from flask import Response, request

    @app.server.route("/preview/map.svg")
    def _preview():
        text = map_callbacks.preview_svg({k: v for k, v in request.args.items()})
        data = text.encode("utf-8")
        gz = "gzip" in request.headers.get("Accept-Encoding", "")
        resp = Response(gzip.compress(data, 6) if gz else data, mimetype="image/svg+xml")
        if gz:
            resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Vary"] = "Accept-Encoding"
        resp.headers["Cache-Control"] = "public, max-age=3600"
        return resp


def register(app: Dash) -> None:
    geo_route(app)
    preview_route(app)
