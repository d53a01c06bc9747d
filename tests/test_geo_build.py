"""Boundaries: every municipality drawn, borders shared after simplification, insets placed, budgets kept.

The first tests run on made-up shapes; the others check the committed assets against the N03 source
in ../shared/data/raw (skipped without it, failing in CI).
"""

from __future__ import annotations

import functools
import gzip
import json
import math

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box, shape

from loaders import geo
from loaders.store import PROJECT_ROOT

GEO = PROJECT_ROOT / "assets" / "geo"


@pytest.fixture(scope="module")
def tables():
    return {"regions": pd.read_parquet(PROJECT_ROOT / "data" / "regions.parquet")}


def _features(name: str) -> dict:
    doc = json.loads((GEO / name).read_text(encoding="utf-8"))
    # Rounding to 0.001° can make a ring touch itself; measure the valid form of each shape.
    return {f["id"]: _polygonal(shapely.make_valid(shape(f["geometry"]))) for f in doc["features"]}


def _polygonal(g):
    return shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")])


def _zigzag_pair():
    """Two fields sharing a wiggly 2 km border, and a 300 m islet off the east one."""
    border = [(135.0 + 0.002 * (i % 2), 35.0 + 0.001 * i) for i in range(21)]   # 0.2 m-scale teeth
    west = Polygon([(134.9, 35.0), *border, (134.9, 35.02)])
    east = Polygon([(135.1, 35.0), (135.1, 35.02), *border[::-1]])
    islet = box(135.2, 35.0, 135.203, 35.003)
    return gpd.GeoDataFrame({"code": ["00001", "00002", "00003"], "geometry": [west, east, islet]})


def test_simplification_keeps_one_border_between_neighbours():
    gdf = _zigzag_pair()
    topo = geo.simplified_topology(gdf, "m", tolerance=0.01)
    out = {f["id"]: shape(f["geometry"]) for f in geo.to_geojson(topo, "m", ndigits=None)["features"]}
    # The teeth are below the tolerance, so the border is simplified, but once: no gap, no overlap.
    assert len(out["00001"].exterior.coords) < len(gdf.geometry[0].exterior.coords)
    assert out["00001"].intersection(out["00002"]).area < 1e-12
    assert out["00001"].union(out["00002"]).area == pytest.approx(gdf.geometry[:2].union_all().area, rel=1e-3)
    assert out["00001"].boundary.intersection(out["00002"]).length == pytest.approx(0.02, rel=1e-3)


def test_a_small_island_is_not_simplified_away():
    # With a 1 km tolerance a 300 m islet would collapse to a line; its own size caps its tolerance.
    topo = geo.simplified_topology(_zigzag_pair(), "m", tolerance=0.01)
    out = {f["id"]: shape(f["geometry"]) for f in geo.to_geojson(topo, "m", ndigits=None)["features"]}
    assert out["00003"].area == pytest.approx(0.003 * 0.003, rel=0.05)


def test_insets_move_in_the_mercator_plane_without_stretching():
    square = box(127.0, 26.0, 128.0, 27.0)
    gdf = gpd.GeoDataFrame({"code": ["47201"], "geometry": [square]})
    inset = geo.Inset("t", ("47",), anchor=(130.0, 40.0), scale=1.0, reason="test")
    moved = geo.apply_insets(gdf, (inset,)).geometry[0]
    x0, y0, _, y1 = moved.bounds
    assert (x0, y0) == pytest.approx((130.0, 40.0))
    # Same drawn size in Mercator: the latitude span shrinks by about cos(40°)/cos(26.5°).
    m0, m1 = geo.to_mercator(square).bounds, geo.to_mercator(moved).bounds
    assert m1[2] - m1[0] == pytest.approx(m0[2] - m0[0])
    assert m1[3] - m1[1] == pytest.approx(m0[3] - m0[1])
    assert y1 - y0 == pytest.approx(math.cos(math.radians(40.4)) / math.cos(math.radians(26.5)), rel=0.02)


def test_every_municipality_in_the_data_has_a_shape(tables):
    codes = set(tables["regions"].query("level == 'municipality'")["code"])
    assert len(codes) == 1741
    drawn = _features("municipalities.geojson")
    empty = sorted(c for c in codes if c not in drawn or drawn[c].is_empty or drawn[c].area == 0)
    assert empty == []
    assert "26208" in drawn and drawn["26208"].area > 0   # 向日市, lost by the old 0.1 % source
    manifest = json.loads((PROJECT_ROOT / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["municipalities_without_shape"] == []


def test_tokyo_asset_has_every_tokyo_municipality_and_only_those(tables):
    munis = tables["regions"].query("level == 'municipality'")
    tokyo = set(munis.loc[munis["code"].str.startswith("13"), "code"])
    drawn = _features("municipalities-13.geojson")
    assert set(drawn) == tokyo
    assert all(not g.is_empty for g in drawn.values())
    # Islands as insets: the whole asset spans under 1.5° of latitude (24.2–35.9° N without them).
    _, ys0, _, ys1 = shapely.union_all(list(drawn.values())).bounds
    assert ys1 - ys0 < 1.5
    mainland = shapely.union_all([g for c, g in drawn.items() if c not in geo.TOKYO_ISLANDS])
    for c in geo.TOKYO_ISLANDS:
        assert not drawn[c].intersects(mainland), c
        assert drawn[c].bounds[3] < mainland.bounds[1], c   # under the mainland


def test_geometry_files_within_the_budgets():
    budgets = json.loads((PROJECT_ROOT / "bench" / "budgets.json").read_text(encoding="utf-8"))
    sizes = {n: len(gzip.compress((GEO / n).read_bytes(), 9)) for n in
             ("prefectures.geojson", "municipalities.geojson", "municipalities-13.geojson")}
    assert sizes["prefectures.geojson"] <= budgets["geometry_gzip_bytes_prefecture"]
    assert sizes["municipalities.geojson"] <= budgets["geometry_gzip_bytes_municipality"]
    assert sizes["municipalities-13.geojson"] <= budgets["geometry_gzip_bytes_municipality"]


def _inset_codes(codes) -> set[str]:
    return {c for c in codes if any(c.startswith(i.prefixes) for i in geo.NATIONAL_INSETS)}


@pytest.mark.parametrize("name", ["municipalities.geojson", "prefectures.geojson"])
def test_national_insets_inside_the_frame_and_clear_of_the_mainland(name):
    drawn = _features(name)
    northern_territories = {f"{n:05d}" for n in range(1695, 1701)}   # not in the data, never drawn
    moved = {c: g for c, g in drawn.items() if c in _inset_codes(drawn) or c == "47"}
    if name.startswith("prefectures"):
        # Ogasawara moves inside Tokyo's shape: Tokyo's parts east of 140.5° E are the inset.
        moved["13"] = drawn["13"].intersection(box(140.5, 20, 160, 34))
    rest = [g for c, g in drawn.items() if c not in moved and c not in northern_territories]
    if name.startswith("prefectures"):
        rest.append(drawn["13"].difference(moved["13"]))
    mainland = shapely.union_all(rest)
    fx0, fy0, fx1, fy1 = mainland.bounds
    assert moved
    for code, g in moved.items():
        x0, y0, x1, y1 = g.bounds
        assert fx0 <= x0 and x1 <= fx1 and fy0 <= y0 and y1 <= fy1, code
        assert not box(x0, y0, x1, y1).intersects(mainland), code


@pytest.fixture
def source(raw_dir):
    return _source(raw_dir)


@functools.cache
def _source(raw_dir):
    prefs = pd.read_csv(raw_dir / "geo" / "dataofjapan-land" / "prefectures.csv")
    name_to_code = {r["name-ja"]: f"{int(r['id']):02d}" for _, r in prefs.iterrows()}
    src = geo.read_source(raw_dir / "geo" / "japan-topography" / geo.SOURCE, name_to_code)
    src = src[src["code"].notna()].reset_index(drop=True)
    # Compare like with like: the source with the same insets as the assets.
    return geo.apply_insets(src, geo.NATIONAL_INSETS).set_index("code")


@pytest.mark.raw
def test_simplified_area_close_to_the_source(source):
    drawn = _features("municipalities.geojson")
    ratio = pd.Series({c: drawn[c].area / source.geometry[c].area for c in source.index if c in drawn})
    area = source.geometry.area
    for min_area, within in ((0.03, 0.03), (0.01, 0.07)):   # ≳ 300 km²: 3 %; ≳ 100 km²: 7 %
        big = ratio[area[area > min_area].index]
        assert (abs(big - 1) <= within).all(), big[abs(big - 1) > within]
    assert ratio.between(geo.MIN_AREA_RATIO, 1.25).all(), ratio[~ratio.between(geo.MIN_AREA_RATIO, 1.25)]


@pytest.mark.raw
def test_neighbours_stay_neighbours_without_overlap(source):
    drawn = _features("municipalities.geojson")
    geoms = source.geometry
    tree = shapely.STRtree(geoms.to_numpy())
    left, right = tree.query(geoms.to_numpy(), predicate="touches")
    pairs = []
    for i, j in zip(left, right, strict=True):
        if i < j:
            shared = geoms.iloc[i].boundary.intersection(geoms.iloc[j].boundary).length
            if shared > 0.02:   # a border of ≳ 2 km: long enough to survive any tolerance used
                pairs.append((geoms.index[i], geoms.index[j]))
    assert len(pairs) > 3000
    named = {("26100", "26208"), ("26208", "26209"), ("26100", "27207"), ("13101", "13102")}
    assert named <= set(pairs)
    lost = [(a, b) for a, b in pairs if drawn[a].boundary.intersection(drawn[b].boundary).length == 0]
    overlapping = [(a, b) for a, b in pairs if drawn[a].intersection(drawn[b]).area > 1e-9]
    assert lost == []
    assert overlapping == []


@pytest.mark.raw
def test_simplification_opens_no_gaps_inside_a_prefecture(source):
    drawn = _features("municipalities.geojson")

    def holes(geoms) -> float:
        u = shapely.union_all(geoms)
        return sum(Polygon(r).area for p in shapely.get_parts(u) for r in p.interiors)

    for pref in ("13", "26", "27", "23"):
        codes = [c for c in source.index if c.startswith(pref)]
        # Holes the source has (所属未定地, not drawn) are simplified too, so allow them a little.
        assert holes([drawn[c] for c in codes]) <= 1.1 * holes(list(source.geometry[codes])) + 1e-6, pref


def test_tokyo_alone_is_drawn_from_its_own_file_which_the_app_serves():
    from app import create_app
    from layouts import map_page

    assert map_page.geojson_url("municipality", ["13101", "13421"]) == "/geo/municipalities-13.geojson"
    assert map_page.geojson_url("municipality", ["13101", "14100"]) == "/geo/municipalities.geojson"
    assert map_page.geojson_url("prefecture", ["13"]) == "/geo/prefectures.geojson"
    client = create_app().server.test_client()
    r = client.get("/geo/municipalities-13.geojson", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(r.data))["features"][0]["id"].startswith("13")


@pytest.mark.browser
def test_tokyo_map_draws_every_municipality_with_the_islands_in_view(dash_duo):
    from app import create_app

    dash_duo.start_server(create_app())
    dash_duo.driver.get(f"{dash_duo.server_url}/map?ind=C2208&level=municipality&pref=13&lang=en")
    dash_duo.wait_for_element("#map-graph .choroplethlayer path", timeout=40)
    paths = dash_duo.find_elements("#map-graph .choroplethlayer path")
    assert len(paths) == 62
    # With the islands as insets the mainland fills the map.
    # (All at their true places, the islands stretch the map over 11° of latitude and the median
    # municipality is about 2 px wide.)
    widths = sorted(p.size["width"] for p in paths)
    assert widths[-1] > 40
    assert widths[len(widths) // 2] > 10


@pytest.mark.parametrize("name", ["prefectures.geojson", "municipalities-13.geojson"])
def test_no_two_shapes_overlap(name):
    drawn = _features(name)
    codes = sorted(drawn)
    shapes = [drawn[c] for c in codes]
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    overlapping = [(codes[i], codes[j]) for i, j in zip(left, right, strict=True)
                   if i < j and shapes[i].intersection(shapes[j]).area > 1e-9]
    assert overlapping == []
    if name.startswith("prefectures"):   # and neighbours still meet: 京都府 with 大阪府, 東京都 with 神奈川県
        assert drawn["26"].boundary.intersection(drawn["27"].boundary).length > 0.5
        assert drawn["13"].boundary.intersection(drawn["14"].boundary).length > 0.3
