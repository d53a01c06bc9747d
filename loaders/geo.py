"""Boundaries: N03-derived TopoJSON (smartnews-smri/japan-topography) → small static assets.

TopoJSON keeps shared borders once and its coordinates are already quantised to integers (about
50 m at the 0.1 % simplification used here), so the assets keep the source topology and transform
and only replace the properties by a single ``code`` that joins to the regions table. Features
without a code (所属未定地, areas not assigned to a municipality) are dropped. A few small island
municipalities have no geometry at this simplification; they are listed in the build manifest.
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
