"""Regions and catalog as shipped in data/ (no raw files needed)."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders.build import read_tables
from loaders.catalog import static_indicators
from loaders.regions import METRO_GROUPS
from loaders.ssdse_items import THEMES
from loaders.store import PROJECT_ROOT


@pytest.fixture(scope="module")
def tables():
    return read_tables(PROJECT_ROOT / "data")


def members(tables, group):
    m = tables["region_members"]
    return sorted(m.loc[m.group_code == group, "prefecture_code"])


@pytest.mark.parametrize(("group", "expected"), [
    ("metro-shutoken", ["08", "09", "10", "11", "12", "13", "14", "19"]),
    ("metro-chukyo", ["21", "23", "24"]),
    ("metro-kinki", ["25", "26", "27", "28", "29", "30"]),
    ("block-hokkaido", ["01"]),
    ("block-shikoku", ["36", "37", "38", "39"]),
])
def test_group_members(tables, group, expected):
    assert members(tables, group) == expected


def test_metro_and_non_metro_partition_the_47(tables):
    metro = members(tables, "metro-all")
    rest = members(tables, "non-metro")
    assert len(metro) == 17 and len(rest) == 30
    assert sorted(metro + rest) == [f"{i:02d}" for i in range(1, 48)]
    assert metro == sorted(c for _, _, cs in METRO_GROUPS.values() for c in cs)


def test_every_prefecture_in_exactly_one_block(tables):
    m = tables["region_members"]
    blocks = m[m.group_code.str.startswith("block-")]
    assert blocks["prefecture_code"].value_counts().eq(1).all()
    assert blocks["group_code"].nunique() == 8
    okinawa = blocks.loc[blocks.prefecture_code == "47", "group_code"].iloc[0]
    assert okinawa == "block-kyushu-okinawa"


def test_regions_names_and_municipality_parents(tables):
    r = tables["regions"]
    pref = r[r.level == "prefecture"].set_index("code")
    assert pref.loc["13", "name_ja"] == "東京都" and pref.loc["13", "name_en"] == "Tokyo"
    assert pref["name_en"].notna().all()
    muni = r[r.level == "municipality"]
    assert len(muni) == 1741
    assert (muni["code"].str[:2] == muni["prefecture_code"]).all()
    assert muni.set_index("code").loc["01100", "name_ja"] == "札幌市"


def test_catalog_has_every_bundled_indicator_with_source(tables):
    cat = tables["catalog"].set_index("id")
    bundled = set(tables["observations"]["indicator_id"])
    assert bundled <= set(cat.index)
    src = cat.loc[sorted(bundled)]
    assert (src["source_ja"].str.len() > 0).all() and (src["credit"].str.len() > 0).all()
    assert set(cat["theme"]) <= set(THEMES)
    assert set(cat["kind"]) == {"source", "derived", "import", "lq"}
    for m in ("employees", "establishments", "value_added"):
        assert "denominator" in cat.loc[f"lq_{m}", "definition_en"].lower() or m != "value_added"
    assert "sum of the 16" in cat.loc["lq_value_added", "definition_en"]


@pytest.mark.parametrize("ind", ["gnt_per_100k_estab", "patents_per_100_estab", "opening_rate", "closing_rate",
                                 "vc_investment", "rd_firm_share", "univ_students_per_1000", "estab_per_1000",
                                 "value_added_per_employee"])
def test_study_indicators_are_in_the_catalog(tables, ind):
    cat = tables["catalog"].set_index("id")
    row = cat.loc[ind]
    assert row["definition_ja"] and row["definition_en"] and row["unit"]
    if row["kind"] == "derived":
        assert row["numerator"] in cat.index and row["denominator"] in cat.index


def test_university_students_definition_says_undergraduate(tables):
    cat = tables["catalog"].set_index("id")
    assert "graduate students are not included" in cat.loc["univ_students_per_1000", "definition_en"]
    assert "学部" in cat.loc["univ_students_per_1000", "definition_ja"]


def test_static_catalog_ids_unique():
    ids = [i.id for i in static_indicators()]
    assert len(ids) == len(set(ids))


def test_sources_md_names_every_dataset(tables):
    text = (PROJECT_ROOT / "data" / "SOURCES.md").read_text(encoding="utf-8")
    for d in tables["datasets"].itertuples():
        assert f"`{d.dataset_id}`" in text
        assert d.credit in text
    assert "国土数値情報" in text


def test_assets_are_small_topologies_with_only_a_code(tables):
    import gzip
    import json

    regions = tables["regions"]
    for name, level, budget in [("prefectures", "prefecture", 60_000), ("municipalities", "municipality", 200_000)]:
        geojson = (PROJECT_ROOT / "assets" / "geo" / f"{name}.geojson").read_bytes()
        assert len(gzip.compress(geojson)) <= budget, f"{name}.geojson"
        ids = {f["id"] for f in json.loads(geojson)["features"]}
        obj = name
        raw = (PROJECT_ROOT / "assets" / "geo" / f"{name}.topojson").read_bytes()
        assert len(gzip.compress(raw)) <= budget, name
        topo = json.loads(raw)
        geoms = topo["objects"][obj]["geometries"]
        codes = [g["properties"]["code"] for g in geoms]
        assert all(set(g["properties"]) == {"code"} for g in geoms)
        assert len(codes) == len(set(codes))
        assert ids <= set(codes) and len(ids) >= len(codes) - 4   # a few collapse to lines when rounded
        # The municipal file also has the six Northern Territories villages (01695-01700), not in SSDSE.
        extra = {f"{n:05d}" for n in range(1695, 1701)} if level == "municipality" else set()
        assert set(codes) <= set(regions.loc[regions.level == level, "code"]) | extra
    prefs = json.loads((PROJECT_ROOT / "assets" / "geo" / "prefectures.topojson").read_bytes())
    pref_codes = {g["properties"]["code"] for g in prefs["objects"]["prefectures"]["geometries"]}
    assert pref_codes == {f"{i:02d}" for i in range(1, 48)}


def test_tidy_template_is_empty_with_the_documented_header():
    text = (PROJECT_ROOT / "data" / "templates" / "tidy_template.csv").read_text(encoding="utf-8")
    assert text == "region,indicator_id,year,value,unit,source\n"


def test_no_duplicate_observation_keys(tables):
    obs = tables["observations"]
    assert not obs.duplicated(["indicator_id", "region_code", "year", "dataset_id"]).any()
    assert pd.api.types.is_float_dtype(obs["value"])
