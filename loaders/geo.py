"""Boundaries: N03 administrative areas (smartnews-smri/japan-topography, 1 % simplified) → small static assets.

Source. The national s0010 TopoJSON with the wards of each 政令指定都市 merged
(``N03-21_210101_designated_city.json``): it has a shape for every one of SSDSE-A's 1,741 codes,
designated cities under their whole-city code (札幌市 = 01100), as the data uses them. The
per-prefecture s0010 GeoJSON files carry the same 1 % detail but were simplified one prefecture at a
time, so neighbouring prefectures disagree along their border (京都府/大阪府 overlap by 2.3 km² and share
under 2 % of their 0.83° border line exactly); the national file is one topology, so every border is
one line. The coarser s0001 files (used before) reduced eleven municipalities to nothing, 向日市 among
them.

Simplification. The ``topojson`` package cuts the shapes into arcs, each border between two
neighbours one arc; every arc is simplified once (Douglas–Peucker) and both neighbours decode the
same points, so simplification opens no gap along a border. Per-arc simplification knows nothing of
the other arcs, so arcs that then cross, or an islet a neighbour's simplified coast swallows, are
re-simplified finer until the drawn shapes no longer overlap (:func:`_uncrossed`,
:func:`_unoverlapped`). Tolerances (:data:`TOLERANCE`, degrees; 0.007° ≈ 700 m) are set so the
gzipped GeoJSON stays within ``bench/budgets.json``.

Minimum drawn size. Nothing is enlarged: a choropleth reads area as weight, and a blown-up island
would claim more than it has. Instead small shapes are kept at near source detail: no arc is
simplified by more than :data:`SIZE_SHARE` of the size (√area) of the smallest shape it bounds (利島
and 向日市 keep 200–300 m detail where large municipalities get 700 m), an island's ring never drops below a
triangle, and the build fails (:class:`DataError`) if any municipality ends without a polygon or with
less than :data:`MIN_AREA_RATIO` of its source area. Islets smaller than the 0.001° rounding of the
GeoJSON (≈100 m) are left out of the drawing; every municipality keeps its main part.

Insets. Remote islands are moved next to the mainland (see :data:`NATIONAL_INSETS`,
:data:`TOKYO_INSETS`) so that ``fitbounds`` does not shrink the mainland to fit open ocean. The moves
are done in the Mercator plane (the projection of every map here), so a shape keeps its drawn form:
Okinawa moved from 26° N to 40° N is not stretched. Insets never share a border with the shapes left
in place, so moving them breaks no shared arc.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from loaders.errors import DataError

SOURCE = "municipality/topojson/s0010/N03-21_210101_designated_city.json"
SOURCE_OBJECT = "N03-21_210101"
CREDIT_JA = "出典：国土交通省 国土数値情報（行政区域データ）を加工して作成"
CREDIT_EN = ("Source: MLIT National Land Numerical Information (administrative areas, N03), "
             "processed by the project")

# Douglas–Peucker tolerance in degrees per asset. Prefectures are drawn only whole-country, so they
# can be coarser; the Tokyo asset is drawn about ten times larger than the national one.
TOLERANCE = {"municipalities": 0.007, "prefectures": 0.008, "tokyo": 0.0005}
# Output quantisation of the TopoJSON (cells across the extent): ≈ 26 m nationally.
QUANTISATION = 100_000
MIN_AREA_RATIO = 0.8
# No arc is simplified by more than this share of the size (√area) of the smallest shape it bounds.
SIZE_SHARE = 0.1
NDIGITS = 3   # GeoJSON coordinate decimals (≈100 m)


@dataclass(frozen=True)
class Inset:
    """Shapes moved (and scaled) as a block in the Mercator plane.

    ``prefixes``: region codes that start with one of them; ``lon`` limits the move to the parts
    whose centroid lies in that longitude range; ``anchor`` is where the south-west corner of the
    block's bounding box goes (lon, lat); ``scale`` 1 = drawn at the scale of the mainland.
    """

    name: str
    prefixes: tuple[str, ...]
    anchor: tuple[float, float]
    scale: float
    reason: str
    lon: tuple[float, float] | None = None


TOKYO_ISLANDS = tuple(f"{c}" for c in (13361, 13362, 13363, 13364, 13381, 13382, 13401, 13402, 13421))

NATIONAL_INSETS: tuple[Inset, ...] = (
    Inset("okinawa", ("47",), anchor=(129.0, 40.0), scale=1.0,
          reason="沖縄県 (24.0–27.9° N, 122.9–131.3° E) lies 500 km south-west of Kyushu; drawn in the Sea "
                 "of Japan corner (129.0–137.4° E, 40.0–43.2° N), which holds no other shape (佐渡 tops at "
                 "38.3° N, 奥尻 starts at 139.4° E)"),
    Inset("ogasawara", ("13421",), anchor=(142.8, 29.0), scale=1.0, lon=(140.0, 143.0),
          reason="小笠原村 (父島・母島・硫黄島, 24.2–27.7° N) sets the map's south edge 3° below the rest of "
                 "Japan (与論島 27.0° N); drawn in open Pacific east of the Izu islands (142.8–144.2° E, "
                 "29.0–32.3° N)"),
    Inset("minamitorishima", ("13421",), anchor=(144.8, 29.05), scale=1.0, lon=(150.0, 155.0),
          reason="南鳥島 (154.0° E, part of 小笠原村) would widen the map by 8°; drawn just east of the "
                 "Ogasawara inset, at its latitude relative to the group"),
)

# Tokyo alone: the mainland spans 138.9–139.9° E, 35.5–35.9° N, the islands reach 24.2° N; without
# insets the 23 wards would be a few pixels wide. The islands go in a row under the mainland
# (Mercator y of the mainland's south edge 38.02; each block's top at 37.96).
TOKYO_INSETS: tuple[Inset, ...] = (
    Inset("izu", ("13361", "13362", "13363", "13364", "13381", "13382", "13401", "13402"),
          anchor=(139.0, 34.759), scale=0.3,
          reason="伊豆諸島 (32.4–34.8° N) at 0.3× under the west of the mainland (139.00–139.22° E, 34.76–35.45° N)"),
    Inset("ogasawara", ("13421",), anchor=(139.35, 34.981), scale=0.15, lon=(140.0, 143.0),
          reason="小笠原諸島 (24.2–27.7° N) at 0.15× under the wards (139.35–139.56° E, 34.98–35.45° N)"),
    Inset("minamitorishima", ("13421",), anchor=(139.62, 34.99), scale=0.5, lon=(150.0, 155.0),
          reason="南鳥島 beside the Ogasawara inset, at 0.5× so it stays larger than the 0.001° rounding"),
)


@dataclass
class Boundaries:
    prefectures: dict          # TopoJSON, object ``prefectures``
    municipalities: dict       # TopoJSON, object ``municipalities``
    tokyo: dict                # GeoJSON of Tokyo's municipalities with TOKYO_INSETS
    without_shape: list[str]   # municipality codes asked for that have no polygon (empty when all is well)


def _merc_y(lat):
    import numpy as np

    return np.degrees(np.arcsinh(np.tan(np.radians(lat))))


def _lat(y):
    import numpy as np

    return np.degrees(np.arctan(np.sinh(np.radians(y))))


def to_mercator(geom):
    """(lon, lat) → (lon, Mercator y in degrees): the plane the maps are drawn in."""
    import numpy as np
    import shapely

    return shapely.transform(geom, lambda xy: np.column_stack([xy[:, 0], _merc_y(xy[:, 1])]))


def from_mercator(geom):
    import numpy as np
    import shapely

    return shapely.transform(geom, lambda xy: np.column_stack([xy[:, 0], _lat(xy[:, 1])]))


def read_source(path: Path, name_to_code: dict[str, str]):
    """The source as a GeoDataFrame: ``code`` (None for 所属未定地), ``pref`` and a valid ``geometry``."""
    import geopandas as gpd
    import shapely

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot read TopoJSON: {exc}", file=str(path)) from None
    if doc.get("type") != "Topology" or SOURCE_OBJECT not in doc.get("objects", {}):
        raise DataError(f"not a TopoJSON Topology with object {SOURCE_OBJECT!r}", file=str(path))
    feats = to_geojson(doc, SOURCE_OBJECT, ndigits=None, code_key="N03_007")["features"]
    rows = []
    for f in feats:
        p = f["properties"]
        if p.get("N03_001") not in name_to_code:
            raise DataError(f"prefecture name {p.get('N03_001')!r} is not one of the 47", file=str(path))
        rows.append({"code": p.get("N03_007"), "pref": name_to_code[p["N03_001"]],
                     "geometry": shapely.geometry.shape(f["geometry"])})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry")
    # One source shape (広島市) touches itself; make_valid keeps its area and only fixes the ring.
    gdf["geometry"] = [_polygonal(shapely.make_valid(g)) for g in gdf.geometry]
    return gdf


def _polygonal(geom):
    import shapely

    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _matches(code: str, inset: Inset) -> bool:
    return code.startswith(inset.prefixes)


def apply_insets(gdf, insets: tuple[Inset, ...], key: str = "code"):
    """Copy of ``gdf`` with the parts each inset selects moved and scaled as one block."""
    import shapely
    from shapely import affinity

    out = gdf.copy()
    parts = [shapely.get_parts(g).tolist() for g in out.geometry]
    chosen: dict[tuple[int, int], Inset] = {}
    blocks: dict[str, list] = {ins.name: [] for ins in insets}
    for row, (code, geom_parts) in enumerate(zip(out[key], parts, strict=True)):
        if not isinstance(code, str):
            continue
        for j, part in enumerate(geom_parts):
            for ins in insets:
                if _matches(code, ins) and (ins.lon is None or ins.lon[0] <= part.centroid.x <= ins.lon[1]):
                    chosen[(row, j)] = ins
                    blocks[ins.name].append(part)
                    break
    origin = {}
    for ins in insets:
        if not blocks[ins.name]:
            raise DataError(f"inset {ins.name!r} selects no shape")
        x0, y0, _, _ = to_mercator(shapely.union_all(blocks[ins.name])).bounds
        origin[ins.name] = (x0, y0)
    for (row, j), ins in chosen.items():
        x0, y0 = origin[ins.name]
        m = affinity.scale(to_mercator(parts[row][j]), ins.scale, ins.scale, origin=(x0, y0))
        m = affinity.translate(m, ins.anchor[0] - x0, float(_merc_y(ins.anchor[1])) - y0)
        parts[row][j] = from_mercator(m)
    out["geometry"] = [shapely.MultiPolygon(p) if len(p) > 1 else p[0] for p in parts]
    return out


def simplified_topology(gdf, object_name: str, tolerance: float) -> dict:
    """TopoJSON of ``gdf`` (columns ``code``, ``geometry``): shared arcs simplified once, quantised.

    The ``topojson`` package cuts the shapes into arcs, each border between two neighbours one arc.
    Each arc is then simplified once (Douglas–Peucker) with the smaller of ``tolerance`` and
    ``SIZE_SHARE`` × the size (√area) of the smallest shape it bounds, so a small municipality is
    never simplified out of its own shape (the minimum drawn size). Geometries sorted by code,
    properties only ``code``; deterministic for the same input.
    """
    import shapely
    import topojson

    gdf = gdf[["code", "geometry"]].sort_values("code").reset_index(drop=True)
    doc = topojson.Topology(gdf, prequantize=False, toposimplify=False, object_name=object_name).to_dict()
    geoms = doc["objects"][object_name]["geometries"]
    size = dict(zip(gdf["code"], shapely.area(gdf.geometry.to_numpy()) ** 0.5, strict=True))
    tol = [tolerance] * len(doc["arcs"])
    owners: list[set] = [set() for _ in doc["arcs"]]
    for g in geoms:
        limit = SIZE_SHARE * size[g["properties"]["code"]]
        for i in _arc_indexes(g.get("arcs") or []):
            tol[i] = min(tol[i], limit)
            owners[i].add(g["properties"]["code"])
    source = [[tuple(p) for p in a] for a in doc["arcs"]]
    arcs = _uncrossed(source, tol, owners)
    arcs = _unoverlapped(source, arcs, tol, {g["properties"]["code"]: g for g in geoms if g.get("type")})
    transform, arcs = _quantise(arcs)
    out = [{"type": g["type"], "arcs": g["arcs"], "properties": {"code": g["properties"]["code"]}}
           for g in geoms if g.get("type")]
    out.sort(key=lambda g: g["properties"]["code"])
    return {"type": "Topology", "transform": transform,
            "objects": {object_name: {"type": "GeometryCollection", "geometries": out}}, "arcs": arcs}


def _arc_indexes(nested):
    for x in nested:
        if isinstance(x, list):
            yield from _arc_indexes(x)
        else:
            yield x if x >= 0 else ~x


def _drawn(arc: list) -> list[tuple]:
    pts: list[tuple] = []
    for x, y in arc:
        q = (round(x, NDIGITS), round(y, NDIGITS))
        if not pts or pts[-1] != q:
            pts.append(q)
    return pts


def _shape(g: dict, arcs: list):
    """The drawn (rounded) polygon of one TopoJSON geometry, made valid as a renderer fills it."""
    import shapely

    polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
    out = []
    for poly in polys:
        rings = []
        for ring in poly:
            pts: list = []
            for i in ring:
                a = arcs[i] if i >= 0 else arcs[~i][::-1]
                pts.extend(a[1:] if pts else a)
            if len(set(pts)) >= 3:
                rings.append(pts)
        if rings:
            out.append(shapely.Polygon(rings[0], rings[1:]))
    return _polygonal(shapely.make_valid(shapely.MultiPolygon(out))) if out else shapely.Polygon()


def _unoverlapped(source: list, arcs: list, tol: list[float], geoms: dict, rounds: int = 12) -> list:
    """Refine the arcs around any overlap left between two drawn shapes: an islet swallowed by a
    neighbour's simplified coast overlaps without any arc crossing another."""
    import shapely

    arcs = list(arcs)
    codes = sorted(geoms)
    arcs_of = {c: sorted(set(_arc_indexes(geoms[c]["arcs"]))) for c in codes}
    for attempt in range(rounds):
        drawn = [_drawn(a) for a in arcs]
        shapes = [_shape(geoms[c], drawn) for c in codes]
        tree = shapely.STRtree(shapes)
        refine = set()
        left, right = tree.query(shapes, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i >= j:
                continue
            overlap = shapes[i].intersection(shapes[j])
            if overlap.area <= 0:
                continue
            zone = overlap.envelope.buffer(10 ** -NDIGITS)
            for k in arcs_of[codes[i]] + arcs_of[codes[j]]:
                if tol[k] > 0 and shapely.LineString(drawn[k] * (2 if len(drawn[k]) == 1 else 1)).intersects(zone):
                    refine.add(k)
        if not refine:
            break
        for k in sorted(refine):
            tol[k] = 0.0 if attempt == rounds - 1 else tol[k] / 2
            arcs[k] = _simplify_arc(source[k], tol[k]) if tol[k] else source[k]
    return arcs


def _uncrossed(source: list[list[tuple]], tol: list[float], owners: list[set], rounds: int = 12) -> list[list[tuple]]:
    """Simplify every arc, then re-simplify with half the tolerance any arc that, as drawn (rounded to
    ``NDIGITS``), crosses itself or another arc (of a crossing pair, the shorter one): per-arc
    Douglas–Peucker knows nothing of the neighbouring arcs, and a crossing is an overlap (or a gap)
    between two shapes. Crossings within one shape (an islet under its own coast; ``owners`` tells
    which shapes an arc bounds) only fold that shape onto itself and are left. Source arcs meet only
    at their end points; after ``rounds`` halvings an arc keeps its source form. ``tol`` is updated
    to the tolerance each arc ends with."""
    import shapely

    arcs = [_simplify_arc(a, t) for a, t in zip(source, tol, strict=True)]

    def drawn(a):
        pts = _drawn(a)
        return shapely.LineString(pts if len(pts) > 1 else pts * 2)

    length = [shapely.LineString(a).length if len(a) > 1 else 0.0 for a in source]

    def crosses(li, lj) -> bool:
        ends = {li.coords[0], li.coords[-1]} & {lj.coords[0], lj.coords[-1]}
        return not li.intersection(lj).difference(shapely.MultiPoint(sorted(ends))).is_empty

    check = list(range(len(arcs)))
    for attempt in range(rounds + 1):
        lines = [drawn(a) for a in arcs]
        tree = shapely.STRtree(lines)
        bad = set()
        # A crossing the source itself has at this rounding (a spit narrower than 100 m) is left.
        for i in check:
            if len(owners[i]) > 1 and not lines[i].is_simple and drawn(source[i]).is_simple:
                bad.add(i)
            for j in tree.query(lines[i], predicate="intersects"):
                j = int(j)
                if j == i or len(owners[i] | owners[j]) == 1:
                    continue
                if crosses(lines[i], lines[j]) and not crosses(drawn(source[i]), drawn(source[j])):
                    # Refine the shorter arc (an islet off a coast, not the whole coast) unless it
                    # already has its source form.
                    a, b = sorted((i, j), key=lambda k: (length[k], k))
                    bad.add(a if tol[a] > 0 else b)
        if not bad:
            break
        for i in sorted(bad):
            tol[i] = 0.0 if attempt == rounds - 1 else tol[i] / 2
            arcs[i] = _simplify_arc(source[i], tol[i]) if tol[i] else source[i]
        check = sorted(bad)
    return arcs


def _simplify_arc(arc: list, tolerance: float) -> list:
    """Douglas–Peucker on one arc; its end points (where borders meet) always stay. A closed arc (an
    island's whole coast) keeps at least a triangle: the tolerance halves until it does."""
    import shapely

    pts = [tuple(p) for p in arc]
    if len(pts) <= 2:
        return pts
    line = shapely.LineString(pts)
    closed = pts[0] == pts[-1]
    while tolerance > 1e-7:
        out = list(shapely.simplify(line, tolerance, preserve_topology=False).coords)
        if not closed or len(out) >= 4:
            return out
        tolerance /= 2
    return pts


def _quantise(arcs: list) -> tuple[dict, list]:
    """TopoJSON transform and delta-encoded integer arcs (QUANTISATION cells across the extent)."""
    xs = [p[0] for a in arcs for p in a]
    ys = [p[1] for a in arcs for p in a]
    x0, y0 = min(xs), min(ys)
    sx = (max(xs) - x0) / (QUANTISATION - 1) or 1.0
    sy = (max(ys) - y0) / (QUANTISATION - 1) or 1.0
    out = []
    for arc in arcs:
        q = []
        for x, y in arc:
            p = (round((x - x0) / sx), round((y - y0) / sy))
            if not q or q[-1] != p:
                q.append(p)
        if len(q) == 1:
            q.append(q[0])   # an arc needs two positions even when they coincide
        enc = [list(q[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in itertools.pairwise(q)]
        out.append(enc)
    return {"scale": [sx, sy], "translate": [x0, y0]}, out


def _check_areas(source, geojson: dict, codes: set[str], what: str) -> list[str]:
    """Codes in ``codes`` without a polygon; raise if a drawn shape lost too much of its area."""
    from shapely.geometry import shape

    drawn = {f["id"]: shape(f["geometry"]) for f in geojson["features"]}
    area = dict(zip(source["code"], source.geometry.area, strict=True))
    for code in sorted(codes & set(drawn)):
        if drawn[code].area < MIN_AREA_RATIO * area[code]:
            raise DataError(f"{what}: simplification left {code} with {drawn[code].area / area[code]:.0%} "
                            "of its area; lower the tolerance")
    return sorted(codes - set(drawn))


def build_boundaries(path: Path, name_to_code: dict[str, str], municipality_codes: set[str]) -> Boundaries:
    """Prefecture and municipality topologies (national insets) and Tokyo's own GeoJSON (Tokyo insets).

    ``municipality_codes``: the codes the data has; each must get a polygon (else listed in
    ``without_shape``, and a missing code in the source is an error).
    """
    import shapely

    src = read_source(path, name_to_code)
    named = src[src["code"].notna()]
    absent = sorted(municipality_codes - set(named["code"]))
    if absent:
        raise DataError(f"municipalities without a shape in the source: {absent[:10]}", file=str(path))
    national = apply_insets(src.assign(code=src["code"].fillna(src["pref"])), NATIONAL_INSETS)
    munis = national[src["code"].notna().to_numpy()]
    muni_topo = simplified_topology(munis, "municipalities", TOLERANCE["municipalities"])
    missing = _check_areas(munis, to_geojson(muni_topo, "municipalities"), municipality_codes, "municipalities")

    # Prefectures from the same shapes (所属未定地 included: they are part of their prefecture).
    prefs = (national.assign(code=national["pref"])
             .groupby("code")["geometry"].apply(lambda s: shapely.union_all(s.to_numpy()))
             .reset_index())
    import geopandas as gpd

    prefs = gpd.GeoDataFrame(prefs, geometry="geometry")
    pref_topo = simplified_topology(prefs, "prefectures", TOLERANCE["prefectures"])
    pref_missing = _check_areas(prefs, to_geojson(pref_topo, "prefectures"), set(name_to_code.values()),
                                "prefectures")
    if pref_missing:
        raise DataError(f"prefectures without a shape: {pref_missing}")

    tokyo_src = named[named["code"].str.startswith("13")]
    tokyo = apply_insets(tokyo_src, TOKYO_INSETS)
    tokyo_topo = simplified_topology(tokyo, "municipalities", TOLERANCE["tokyo"])
    tokyo_geojson = to_geojson(tokyo_topo, "municipalities")
    tokyo_codes = {c for c in municipality_codes if c.startswith("13")}
    if _check_areas(tokyo, tokyo_geojson, tokyo_codes, "Tokyo"):
        raise DataError("a Tokyo municipality has no shape in the Tokyo asset")
    return Boundaries(prefectures=pref_topo, municipalities=muni_topo, tokyo=tokyo_geojson, without_shape=missing)


def dumps(topo: dict) -> str:
    """Compact, deterministic JSON text for an asset."""
    return json.dumps(topo, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _decode_arcs(topo: dict, ndigits: int | None) -> list[list[tuple[float, float]]]:
    """Absolute coordinates of every arc (delta-decoded through the transform), rounded unless ``None``."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            p = (x * sx + tx, y * sy + ty)
            if ndigits is not None:
                p = (round(p[0], ndigits), round(p[1], ndigits))
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


def to_geojson(topo: dict, object_name: str, ndigits: int | None = NDIGITS, code_key: str = "code") -> dict:
    """GeoJSON FeatureCollection of one TopoJSON object, for renderers that need GeoJSON (plotly.js).

    Coordinates are rounded to ``ndigits`` decimals (3 ≈ 100 m) and repeated points dropped; rings
    that collapse to fewer than three distinct points are left out. Shared arcs decode to the same
    points on both sides, so neighbours still meet exactly after rounding.
    """
    arcs = _decode_arcs(topo, ndigits)
    features = []
    for g in topo["objects"][object_name]["geometries"]:
        if g.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        coords = []
        for poly in polys:
            rings = [_ring(r, arcs) for r in poly]
            if len({tuple(p) for p in rings[0]}) < 3:
                continue   # the outer ring collapsed: its holes go with it
            rings = [r for r in rings if len({tuple(p) for p in r}) >= 3]
            coords.append(rings)
        if not coords:
            continue
        geometry = ({"type": "Polygon", "coordinates": coords[0]} if len(coords) == 1
                    else {"type": "MultiPolygon", "coordinates": coords})
        props = g.get("properties") or {}
        features.append({"type": "Feature", "id": props.get(code_key), "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
