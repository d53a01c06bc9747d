"""Tier 2: every page's callbacks and layouts called as plain functions on the bundled data."""

from __future__ import annotations

import pytest
from dash import Patch

from callbacks import (
    compare_callbacks,
    data_callbacks,
    index_callbacks,
    industry_callbacks,
    map_callbacks,
    profile_callbacks,
    start_callbacks,
)
from callbacks import state as st
from layouts import ids


def table_cells(component) -> list[list[str]]:
    """The body rows of the first HTML table under ``component``, as the text of their cells."""
    def walk(c):
        if type(c).__name__ == "Tbody":
            return [[str(td.children) for td in tr.children] for tr in c.children]
        kids = getattr(c, "children", None)
        for child in kids if isinstance(kids, list | tuple) else [kids]:
            if hasattr(child, "to_plotly_json"):
                found = walk(child)
                if found is not None:
                    return found
        return None
    return walk(component) or []


def find(component, component_id):
    """Depth-first search of a component tree by id."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    if children is None:
        return None
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            hit = find(child, component_id)
            if hit is not None:
                return hit
    return None


# --- URL state ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "expect_notice"), [
    ({}, []),
    ({"ind": "nope"}, ["ind='nope'"]),
    ({"year": "abc"}, ["year='abc'"]),
    ({"year": "1999"}, ["year=1999"]),
    ({"level": "municipality", "ind": "univ_students_per_1000"}, ["level=municipality"]),
    ({"norm": "per_1000", "ind": "univ_students_per_1000"}, ["norm=per_1000"]),
    ({"cls": "fixed"}, ["cls=fixed needs bins"]),
    ({"bins": "3,2,1", "cls": "fixed"}, ["bins='3,2,1' (breaks must increase"]),
    ({"lang": "fr"}, ["lang='fr'"]),
    ({"zzz": "1"}, ["unknown parameter zzz"]),
    ({"ind": ["A1101", "x"]}, []),
    ({"ind": "'; DROP TABLE obs; --"}, ["ind="]),
])
def test_map_url_parsing_never_raises(params, expect_notice):
    state = map_callbacks.parse(params)
    joined = " | ".join(state.notices)
    for fragment in expect_notice:
        assert fragment in joined
    if not expect_notice:
        assert state.notices == []
    assert state["ind"] in set(st.catalog()["id"])


def test_map_state_round_trips_through_the_link():
    params = {"ind": "C2208", "level": "municipality", "pref": "13", "norm": "per_1000", "cls": "jenks", "k": "7",
              "pal": "cividis", "lang": "en", "year": "2021"}
    state = map_callbacks.parse(params)
    query = st.encode(state.values, map_callbacks.KEYS, map_callbacks.DEFAULTS)
    from urllib.parse import parse_qs

    again = map_callbacks.parse({k: v[0] for k, v in parse_qs(query).items()})
    assert again.values == state.values and again.notices == []


# --- map ------------------------------------------------------------------------------------------

def test_map_layout_has_figure_table_and_source():
    tree = map_callbacks.page_layout(ind="univ_students_per_1000", year="2022")
    fig = find(tree, ids.MAP_GRAPH).figure
    trace = fig["data"][0]
    assert trace["geojson"] == "/geo/prefectures.geojson"     # geometry by URL, never inline
    assert len(trace["locations"]) == 47 and len(trace["z"]) == 47
    rows = table_cells(find(tree, ids.MAP_TABLE))
    assert len(rows) == 47 and rows[0][:2] == ["1", "京都府"]
    source = find(tree, ids.MAP_SOURCE).children
    assert "国土数値情報" in source[0]
    assert source[2].href == "/api/v1/values?indicator=univ_students_per_1000&year=2022&level=prefecture"


def test_map_indicator_change_sends_a_small_patch():
    fig, message, _source, query = map_callbacks.update_map(
        "ict_employee_share", 2021, "prefecture", None, "none", "quantile", 5, "", "viridis", "ja", "", "",
        triggered={ids.MAP_INDICATOR})
    assert isinstance(fig, Patch)
    import gzip

    from dash._utils import to_json

    payload = to_json(fig.to_plotly_json())
    assert "coordinates" not in payload and "geojson" not in payload
    assert len(gzip.compress(payload.encode())) < 2000      # the app serves responses compressed
    assert message is None and "ind=ict_employee_share" in query


def test_map_level_change_sends_full_figure_with_municipalities():
    fig, _, _, query = map_callbacks.update_map(
        "C2208", 2021, "municipality", "13", "per_1000", "jenks", 5, "", "viridis", "ja", "", "",
        triggered={ids.MAP_LEVEL})
    assert isinstance(fig, dict)
    trace = fig["data"][0]
    assert trace["geojson"] == "/geo/municipalities-13.geojson"   # Tokyo alone: islands as insets
    assert all(code.startswith("13") for code in trace["locations"])
    assert "level=municipality" in query and "pref=13" in query


def test_map_not_loaded_indicator_gives_instructions():
    fig, message, _, _ = map_callbacks.update_map(
        "opening_rate", None, "prefecture", None, "none", "quantile", 5, "", "viridis", "en", "", "",
        triggered={ids.MAP_INDICATOR})
    assert fig["data"] == []
    from dash._utils import to_json

    assert "chiiki import koyo" in to_json(message)


def test_map_bad_fixed_breaks_falls_back_with_message():
    _, message, _, query = map_callbacks.update_map(
        "A1101", None, "prefecture", None, "none", "fixed", 5, "9,8", "viridis", "en", "", "",
        triggered={ids.MAP_BREAKS})
    assert "breaks must increase" in str(message) and "cls=fixed needs bins" in str(message)
    assert "cls=" not in query                      # fell back to quantiles


def test_map_fixed_breaks_are_used():
    fig, message, _, query = map_callbacks.update_map(
        "A1101", 2020, "prefecture", None, "none", "fixed", 5, "0, 2000000, 20000000", "viridis", "en", "", "",
        triggered={ids.MAP_LEVEL})
    assert message is None and "cls=fixed" in query
    assert fig["data"][0]["colorbar"]["tickvals"] == [0, 2_000_000, 20_000_000]


def test_map_controls_follow_indicator():
    years, year, norms = map_callbacks.update_controls("univ_students_per_1000", "prefecture", "ja")
    assert year == years[-1]["value"] and {n["value"] for n in norms} == {"none", "relative", "deviation"}
    _, _, norms = map_callbacks.update_controls("A1101", "prefecture", "en")
    assert "per_km2" in {n["value"] for n in norms}


def test_map_export_csv():
    out = map_callbacks.export_data("A1101", 2020, "prefecture", None, "none", "ja", "csv")
    import base64

    assert out["filename"] == "chiiki_A1101_2020_prefecture.csv"
    text = base64.b64decode(out["content"]).decode("utf-8-sig")     # BOM so Excel opens Japanese CSV right
    assert text.startswith("indicator_id,region_code") and "東京都" in text and "全国" in text


# --- other pages ----------------------------------------------------------------------------------

def test_start_page_links_follow_the_prefecture():
    tree = start_callbacks.page_layout(region="17")
    links = find(tree, ids.START_QUESTIONS).children
    assert links[0].href == "/profile?region=17"


def test_profile_page_has_findings_and_charts():
    tree = profile_callbacks.page_layout(region="26", lang="en")
    findings = find(tree, ids.PROFILE_FINDINGS)
    assert any("University undergraduates per 1,000 people" in li.children for li in findings.children)
    dev = find(tree, ids.PROFILE_DEVIATION).figure
    assert [s["name"] for s in dev["data"]][:2] == ["Kyoto", "Japan"]
    # A plain HTML table now (no DataTable): the first row is the indicator where Kyoto ranks 1st.
    first = find(tree, ids.PROFILE_DEVIATION_TABLE)._traverse()
    row = next(c for c in first if type(c).__name__ == "Tbody").children[0]
    cells = [td.children for td in row.children]
    assert cells[0] == "University undergraduates per 1,000 people" and cells[4] == "1"
    bubble = find(tree, ids.PROFILE_BUBBLE).figure
    assert len(bubble["data"][0]["x"]) == 18


def test_profile_bad_region_notice():
    state = profile_callbacks.parse({"region": "99"})
    assert state["region"] == "13" and "region='99'" in state.notices[0]


def test_compare_update_groups_from_components():
    bars, series, scatter, rows, message, query, api = compare_callbacks.update(
        ["13", "metro-all", "non-metro"], "univ_students_per_1000", "ict_employee_share", "aging_rate", "ja")
    assert message is None and [r["region"] for r in rows] == ["東京都", "三大都市圏", "地方圏"]
    assert api[0].href == "/api/v1/compare?indicator=univ_students_per_1000"
    assert bars["data"][0]["y"][0] > bars["data"][0]["y"][2]
    assert [s["name"] for s in series["data"]] == ["東京都", "三大都市圏", "地方圏"]
    assert series["data"][0]["x"][0] == 2011
    assert any(tr.get("mode") == "lines" for tr in scatter["data"])            # fitted line
    assert "regions=13%2Cmetro-all%2Cnon-metro" in query


def test_industry_update_sorts_and_maps():
    heat, lq_map, rows, years, year, industries, sort, query, rule = industry_callbacks.update(
        "value_added", None, "sna-03", "en")
    assert year == 2022 and sort == "sna-03" and years[0]["value"] == 2011 and len(industries) == 16
    assert rule[0].startswith("Strength = LQ ≥ 1.2") and "employees" not in rule[0]   # no size floor for VA
    assert rule[2].href == "/api/v1/lq?measure=value_added&year=2022"
    assert heat["data"][0]["y"][0] == rows[0]["region"]
    assert lq_map["data"][0]["zmid"] == 1.0
    assert "measure=value_added" in query


def test_index_update_with_weights():
    wid = [{"type": "index-weight", "id": i} for i in ("univ_students_per_1000", "ict_employee_share")]
    fig_map, band, rows, notes, message, weights, query, _title, _about = index_callbacks.update(
        ["univ_students_per_1000", "ict_employee_share"], [2, 1], wid, "ja")
    assert message is None and len(rows) == 47
    assert len(fig_map["data"][0]["locations"]) == 47 and len(band["data"][0]["y"]) == 47
    assert len(weights) == 2
    assert "w=univ_students_per_1000%3A2" in query
    assert any("指数に含めた指標" in n for n in notes)


def test_data_upload_good_and_bad(tmp_path):
    import base64

    good = "region,indicator_id,year,value\n東京都,vc_investment,2022,5\n".encode()
    msg, ok = data_callbacks.import_upload("data:text/csv;base64," + base64.b64encode(good).decode(), "v.csv",
                                          "tidy", None)
    assert ok and "imported 1 values" in msg
    rows, _ = data_callbacks.update_catalog("vc_investment", None, "all", st.catalog())
    assert next(r for r in rows if r["id"] == "vc_investment")["status"] == "loaded"   # the page sees the import
    bad = b"region,indicator_id,year,value\nTokio,vc_investment,2022,5\n"
    msg, ok = data_callbacks.import_upload("data:text/csv;base64," + base64.b64encode(bad).decode(), "b.csv",
                                          "tidy", None)
    assert not ok and "b.csv, row 2" in msg and "did you mean" in msg
    msg, ok = data_callbacks.import_upload("data:text/csv;base64,@@@", "c.csv", "tidy", None)
    assert not ok and "could not be decoded" in msg


def test_preview_svg_matches_the_map():
    import re

    svg = map_callbacks.preview_svg({"ind": "univ_students_per_1000", "year": "2022"})
    assert svg.startswith("<svg") and svg.count("<path ") == 47
    fills = re.findall(r'fill="([^"]+)"', svg)
    assert len(set(fills)) == 5                             # five quantile classes, one colour each
    tree = map_callbacks.page_layout(ind="univ_students_per_1000", year="2022")
    scale = find(tree, ids.MAP_GRAPH).figure["data"][0]["colorscale"]
    assert set(fills) == {c for _, c in scale}
    assert map_callbacks.preview_svg({"ind": "'; DROP", "level": "municipality"}).startswith("<svg")


def test_http_routes_for_boundaries_preview_and_downloads():
    from app import create_app

    client = create_app().server.test_client()
    r = client.get("/geo/prefectures.geojson", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert len(r.data) < 60_000 and "max-age" in r.headers["Cache-Control"]
    # A path escape never reaches a file: it is not a /geo/<name> route, so the app's page shell answers.
    r = client.get("/geo/..%2Fdata%2Fcatalog.parquet")
    assert r.mimetype == "text/html" and b"PAR1" not in r.data
    assert client.get("/geo/catalog.parquet").status_code == 404
    r = client.get("/preview/map.svg?ind=A1101&year=2020")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and r.data.count(b"<path ") == 47
    assert client.get("/preview/map.svg?ind=%27%3B+DROP").status_code == 200
    r = client.get("/download/catalog.csv")
    assert r.status_code == 200 and "univ_students_per_1000" in r.data.decode("utf-8-sig")
    assert client.get("/download/passwd").status_code == 404


def test_map_table_pages_through_municipalities():
    """1,741 municipalities: 50 rows a page, in rank order, with previous/next and a row count."""
    args = ("C2208", None, "municipality", None, "none", "quantile", 5, "", "viridis", "ja", "")
    _fig, table = map_callbacks.update_side(*args)
    first = table_cells(table)
    assert len(first) == 50 and [r[0] for r in first[:3]] == ["1", "2", "3"]
    assert find(table, f"{ids.MAP_TABLE_PAGER}-prev").disabled is True
    second = map_callbacks.turn_table_page(0, 1, 0, *args, triggered=f"{ids.MAP_TABLE_PAGER}-next")
    rows = table_cells(second)
    assert rows[0][0] == "51" and find(second, f"{ids.MAP_TABLE_PAGER}-page").data == 1
    import json

    from dash._utils import to_json

    assert "1,741件中 51〜100件" in json.dumps(json.loads(to_json(second)), ensure_ascii=False)
    # Values are written with separators, never in scientific notation.
    assert all("e+" not in r[2] for r in rows)
    # Past the end stays on the last page; a crafted page number is clamped, not an error.
    last = map_callbacks.turn_table_page(0, 1, 999, *args, triggered=f"{ids.MAP_TABLE_PAGER}-next")
    assert find(last, f"{ids.MAP_TABLE_PAGER}-next").disabled is True
    assert map_callbacks.turn_table_page(0, 0, "x", *args, triggered=None) is not None
