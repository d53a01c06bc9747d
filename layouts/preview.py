"""A static SVG of a choropleth, served with the page so the map is visible before plotly.js (1.4 MB)
has arrived; the interactive map replaces it as soon as it draws. Same values, classes and colours."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from layouts.figures import NO_DATA

WIDTH, HEIGHT = 600, 560
GEO = Path(__file__).resolve().parent.parent / "assets" / "geo"


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


@lru_cache(maxsize=4)
def paths(level: str, codes: tuple[str, ...] | None = None) -> dict[str, str]:
    """SVG path data per region code, Mercator, fitted to the box (as plotly's fitbounds does)."""
    import json

    name = "prefectures" if level == "prefecture" else "municipalities"
    doc = json.loads((GEO / f"{name}.geojson").read_text(encoding="utf-8"))
    feats = [f for f in doc["features"] if codes is None or f["id"] in codes]
    rings: dict[str, list] = {}
    xs, ys = [], []
    for f in feats:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        out = []
        for poly in polys:
            for ring in poly:
                pts = [_mercator(lon, lat) for lon, lat in ring]
                xs += [p[0] for p in pts]
                ys += [p[1] for p in pts]
                out.append(pts)
        rings[f["id"]] = out
    if not xs:
        return {}
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    scale = min((WIDTH - 10) / (x1 - x0), (HEIGHT - 10) / (y1 - y0))
    ox = (WIDTH - (x1 - x0) * scale) / 2
    oy = (HEIGHT - (y1 - y0) * scale) / 2
    out: dict[str, str] = {}
    for code, rs in rings.items():
        parts = []
        for pts in rs:
            px = []
            for x, y in pts:
                p = (round(ox + (x - x0) * scale, 1), round(oy + (y1 - y) * scale, 1))
                if not px or px[-1] != p:
                    px.append(p)
            if len(px) >= 3:
                parts.append("M" + "L".join(f"{a:g},{b:g}" for a, b in px) + "Z")
        out[code] = "".join(parts)
    return out


def svg(level: str, fills: dict[str, str], title: str, codes: tuple[str, ...] | None = None) -> str:
    """The SVG document: one path per region, filled with its class colour (grey without data)."""
    d = paths(level, codes)
    body = "".join(f'<path d="{p}" fill="{fills.get(c, NO_DATA)}"/>' for c, p in d.items())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">'
            f"<title>{escape(title)}</title><g stroke=\"#fff\" stroke-width=\"0.4\">{body}</g></svg>")
