"""Boundaries: N03-derived TopoJSON (smartnews-smri/japan-topography) → small static assets.

TopoJSON keeps shared borders once and its coordinates are already quantised to integers (about
50 m at the 0.1 % simplification used here), so the assets keep the source topology and transform
and only replace the properties by a single ``code`` that joins to the regions table. Features
without a code (所属未定地, areas not assigned to a municipality) are dropped. Eleven small
municipalities (islands, and a few the simplification reduced to a line) have no area at this
simplification; the build manifest lists them and the pages show them in tables only.
"""

from __future__ import annotations

import json
from pathlib import Path

from loaders.errors import DataError

PREFECTURES_SOURCE = "municipality/topojson/s0001/prefectures.json"
MUNICIPALITIES_SOURCE = "municipality/topojson/s0001/N03-21_210101_designated_city.json"
CREDIT_JA = "出典：国土交通省 国土数値情報（行政区域データ）を加工して作成"
CREDIT_EN = ("Source: MLIT National Land Numerical Information (administrative areas, N03), "
             "processed by the project")


def _load(path: Path) -> dict:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot read TopoJSON: {exc}", file=str(path)) from None
    if doc.get("type") != "Topology" or "arcs" not in doc or "objects" not in doc:
        raise DataError("not a TopoJSON Topology", file=str(path))
    return doc


def _recode(doc: dict, object_name: str, code_of) -> tuple[dict, list[str]]:
    """Copy ``doc`` keeping only ``object_name`` with properties {code}; return codes without geometry."""
    obj = doc["objects"].get(object_name)
    if obj is None:
        raise DataError(f"object {object_name!r} not found; has {sorted(doc['objects'])}")
    geometries, empty = [], []
    for g in obj["geometries"]:
        code = code_of(g.get("properties") or {})
        if code is None:
            continue
        if g.get("type") is None:
            empty.append(code)
            continue
        geometries.append({"type": g["type"], "arcs": g["arcs"], "properties": {"code": code}})
    geometries.sort(key=lambda g: g["properties"]["code"])
    out = {"type": "Topology", "transform": doc["transform"],
           "objects": {object_name: {"type": "GeometryCollection", "geometries": geometries}},
           "arcs": doc["arcs"]}
    return out, sorted(empty)


def build_prefecture_topology(path: Path, name_to_code: dict[str, str]) -> dict:
    """Prefecture TopoJSON with ``code`` = two-digit JIS code, object name ``prefectures``."""
    doc = _load(path)

    def code_of(props: dict) -> str:
        name = props.get("N03_001")
        if name not in name_to_code:
            raise DataError(f"prefecture name {name!r} is not one of the 47", file=str(path))
        return name_to_code[name]

    topo, empty = _recode(doc, "prefectures", code_of)
    codes = [g["properties"]["code"] for g in topo["objects"]["prefectures"]["geometries"]]
    if sorted(codes) != sorted(name_to_code.values()) or empty:
        raise DataError("expected exactly one shape for each of the 47 prefectures", file=str(path))
    return topo


def build_municipality_topology(path: Path) -> tuple[dict, list[str]]:
    """Municipal TopoJSON (designated cities whole), ``code`` = 5-digit 行政区域コード.

    Returns the topology (object name ``municipalities``) and the codes that have no geometry.
    """
    doc = _load(path)
    topo, empty = _recode(doc, "N03-21_210101", lambda p: p.get("N03_007"))
    topo["objects"] = {"municipalities": topo["objects"]["N03-21_210101"]}
    return topo, empty


def dumps(topo: dict) -> str:
    """Compact, deterministic JSON text for an asset."""
    return json.dumps(topo, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _decode_arcs(topo: dict, ndigits: int) -> list[list[tuple[float, float]]]:
    """Absolute, rounded coordinates of every arc (delta-decoded through the transform)."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            p = (round(x * sx + tx, ndigits), round(y * sy + ty, ndigits))
            if not pts or pts[-1] != p:
                pts.append(p)
        arcs.append(pts)
    return arcs


def _ring(indexes: list[int], arcs: list) -> list[list[float]]:
    ring: list = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts[1:] if ring else pts)
    if len(ring) < 4 or ring[0] != ring[-1]:
        ring.append(ring[0])
    return [list(p) for p in ring]


def to_geojson(topo: dict, object_name: str, ndigits: int = 3) -> dict:
    """GeoJSON FeatureCollection of one TopoJSON object, for renderers that need GeoJSON (plotly.js).

    Coordinates are rounded to ``ndigits`` decimals (3 ≈ 100 m) and repeated points dropped; rings
    that collapse to fewer than three distinct points are left out.
    """
    arcs = _decode_arcs(topo, ndigits)
    features = []
    for g in topo["objects"][object_name]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        coords = []
        for poly in polys:
            rings = [_ring(r, arcs) for r in poly]
            rings = [r for r in rings if len({tuple(p) for p in r}) >= 3]
            if rings:
                coords.append(rings)
        if not coords:
            continue
        geometry = ({"type": "Polygon", "coordinates": coords[0]} if len(coords) == 1
                    else {"type": "MultiPolygon", "coordinates": coords})
        features.append({"type": "Feature", "id": g["properties"]["code"], "properties": g["properties"],
                         "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
