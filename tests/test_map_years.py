"""The map's years: nearest year with values, why a year has none, the slider and the link's year."""

from __future__ import annotations

from urllib.parse import parse_qs

import pandas as pd
import pytest
from dash import Patch
from dash._utils import to_json

from callbacks import map_callbacks
from callbacks import state as st
from layouts import ids, map_page
from metrics.views import View, empty_reason, nearest_year

ARGS = ("prefecture", None, "relative", "quantile", 5, "", "viridis")   # level … palette of update_map


def _update(ind, year, *, norm="relative", lang="ja", triggered=frozenset({ids.MAP_YEAR}), query=""):
    level, pref, _, cls, k, bins, pal = ARGS
    return map_callbacks.update_map(ind, year, level, pref, norm, cls, k, bins, pal, lang, "", query,
                                    triggered=set(triggered))


def find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        hit = find(child, component_id) if hasattr(child, "to_plotly_json") else None
        if hit is not None:
            return hit
    return None


# --- nearest year ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "years", "ok", "expect"), [
    (2015, [2011, 2015, 2019, 2020], {2019, 2020}, 2019),        # the closest one that has values
    (2016, [2014, 2016, 2018], {2014, 2018}, 2018),              # a tie goes to the newer year
    (2016, [2014, 2016, 2018], {2014}, 2014),
    (2020, [2016, 2021], {2016, 2021}, 2021),                    # years with gaps
    (2015, [2015], {2015}, None),                                # never the year itself
    (2015, [2011, 2015, 2019], set(), None),
])
def test_nearest_year(year, years, ok, expect):
    asked = []

    def has_values(y):
        asked.append(y)
        return y in ok

    assert nearest_year(year, years, has_values) == expect
    assert year not in asked
    if expect is not None:                 # stops at the first hit, nearest first
        assert asked[-1] == expect and all(abs(y - year) <= abs(expect - year) for y in asked)


def _view(raw, value) -> View:
    table = pd.DataFrame({"region_code": ["01", "02"], "raw": pd.Series(raw, dtype="float64"),
                          "value": pd.Series(value, dtype="float64")})
    return View(table=table, national=100.0, unit_ja="", unit_en="", year=2015, meta={})


@pytest.mark.parametrize(("raw", "value", "norm", "reason"), [
    ([1.0, 2.0], [50.0, None], "relative", None),
    ([1.0, 2.0], [None, None], "relative", "no_national"),
    ([1.0, 2.0], [None, None], "share", "no_national"),
    ([1.0, 2.0], [None, None], "per_1000", "no_denominator"),
    ([None, None], [None, None], "relative", "no_values"),
    ([None, None], [None, None], "none", "no_values"),
])
def test_empty_reason(raw, value, norm, reason):
    assert empty_reason(_view(raw, value), norm) == reason


# --- the real case in the bundled data -------------------------------------------------------------

def test_bundled_year_without_national_value_offers_the_nearest_year():
    """ごみのリサイクル率 (H5614): prefectures from 2011, Japan's value only from 2019, so Japan = 100
    cannot be drawn for 2011–2018; the nearest year that can is 2019."""
    row = st.catalog_row("H5614")
    assert st.years_of(row, "prefecture")[0] == 2011
    b = map_callbacks.build(map_callbacks.parse({"ind": "H5614", "year": "2015", "norm": "relative"}))
    assert b["view"].table["value"].isna().all() and b["view"].table["raw"].notna().all()
    assert b["empty"]["reason"] == "no_national" and b["empty"]["nearest"] == 2019
    assert b["empty"]["text"] == "ごみのリサイクル率: 2015年の全国値がないため、「全国=100」は計算できません。"
    notes = [a["text"] for a in b["figure"]["layout"]["annotations"]]
    assert b["empty"]["text"] in notes                            # the map itself says so
    # The same year shown as published, or as 偏差値 (no national value needed), draws normally.
    for norm in ("none", "deviation"):
        assert map_callbacks.build(map_callbacks.parse({"ind": "H5614", "year": "2015", "norm": norm}))["empty"] is None
    assert map_callbacks.build(map_callbacks.parse({"ind": "H5614", "year": "2019", "norm": "relative"}))[
        "empty"] is None


def test_empty_year_message_links_to_the_nearest_year_and_keeps_the_view():
    fig, message, _, query = _update("H5614", 2015, lang="en", query="present=1")
    assert isinstance(fig, Patch)                                 # still the fast path
    payload = to_json(message)
    assert "Waste recycling rate: no national value for 2015, so 'Japan = 100' cannot be computed." in payload
    link = message.children[-1]
    assert link.id == ids.MAP_NEAREST and link.children == "Show 2019, the nearest year with values"
    target = parse_qs(link.href.split("?", 1)[1])
    assert link.href.startswith("/map?")
    assert target == {"ind": ["H5614"], "year": ["2019"], "norm": ["relative"], "lang": ["en"], "present": ["1"]}
    assert "year=2015" in query


def test_year_change_patch_replaces_the_notice_in_the_map():
    empty, _, _, _ = _update("H5614", 2015)
    full, message, _, _ = _update("H5614", 2019)
    ops = {tuple(op["location"]): op["params"]["value"] for op in empty.to_plotly_json()["operations"]}
    notes = [a["text"] for a in ops[("layout", "annotations")]]
    assert len(notes) == 2 and "2015年の全国値がないため" in notes[1]
    ops = {tuple(op["location"]): op["params"]["value"] for op in full.to_plotly_json()["operations"]}
    assert len(ops[("layout", "annotations")]) == 1 and message is None     # the notice leaves with the year
    assert any(z is not None for z in ops[("data", 0, "z")])


def test_no_year_with_a_national_value_offers_the_values_as_published():
    # 中学校卒業者数 (E3701) has no national value in any year of the bundled SSDSE edition.
    b = map_callbacks.build(map_callbacks.parse({"ind": "E3701", "year": "2020", "norm": "share"}))
    assert b["empty"]["reason"] == "no_national" and b["empty"]["nearest"] is None
    _, message, _, _ = _update("E3701", 2020, norm="share")
    link = message.children[-1]
    assert message.children[2] == "この表示方法で値のある年はありません。"
    assert link.children == "2020年のそのままの値を表示"
    assert parse_qs(link.href.split("?", 1)[1]) == {"ind": ["E3701"], "year": ["2020"]}   # norm=none is the default


# --- the slider and the link's year ---------------------------------------------------------------

def test_slider_steps_over_the_years_with_data_only():
    p = map_page.slider_props([2016, 2021], 2016)
    assert p == {"min": 0, "max": 1, "value": 0, "marks": {0: "2016", 1: "2021"}, "disabled": False}
    assert map_page.slider_props([2016, 2021], None)["value"] == 1
    single = map_page.slider_props([2020], 2020)
    assert single["disabled"] and single["marks"] == {0: "2020"} and single["value"] == 0
    assert map_page.slider_props([], None)["disabled"]


def test_slider_follows_indicator_and_level():
    """The browser reads the years for the slider from the page's controls table (CONTROLS_JS)."""
    table = map_callbacks.controls_table("ja")
    pref, muni, _ = table["ind"]["ict_employee_share"]
    assert table["years"][pref] == [2016, 2021] and table["years"][muni] == [2021]
    assert map_page.slider_props(table["years"][muni], 2021)["disabled"]


def test_layout_has_slider_play_button_and_timer_at_the_links_year():
    tree = map_callbacks.page_layout(ind="univ_students_per_1000", year="2015")
    slider = find(tree, ids.MAP_YEAR_SLIDER)
    assert slider.marks[0] == "2011" and slider.marks[slider.max] == "2023" and slider.marks[slider.value] == "2015"
    assert find(tree, ids.MAP_YEARS).data[slider.value] == 2015 and find(tree, ids.MAP_YEAR).value == 2015
    assert find(tree, ids.MAP_PLAY_TIMER).interval == 1200 and find(tree, ids.MAP_PLAY_TIMER).disabled
    assert find(tree, ids.MAP_PLAY).children == "▶ 再生" and find(tree, ids.MAP_YEAR_LABEL).children == "2015年"


@pytest.mark.parametrize(("ind", "year"), [("univ_students_per_1000", 2015), ("ict_employee_share", 2016),
                                           ("H5614", 2011)])
def test_year_round_trips_through_the_link(ind, year):
    state = map_callbacks.parse({"ind": ind, "year": str(year)})
    query = map_callbacks.encode(state)
    assert f"year={year}" in query
    again = map_callbacks.parse({k: v[0] for k, v in parse_qs(query).items()})
    assert again["year"] == year and again.notices == []
    latest = st.years_of(st.catalog_row(ind), "prefecture")[-1]
    assert "year=" not in map_callbacks.encode(map_callbacks.parse({"ind": ind, "year": str(latest)}))
    # What the slider writes (a year chosen by index) comes back in the address bar the same way.
    _, _, _, from_slider = _update(ind, year, norm="none")
    assert f"year={year}" in from_slider
    _, _, _, at_latest = _update(ind, latest, norm="none")
    assert "year=" not in at_latest


def test_a_year_step_sends_a_small_patch():
    fig, _, _, _ = _update("univ_students_per_1000", 2015, norm="none")
    assert isinstance(fig, Patch)
    import gzip

    payload = to_json(fig.to_plotly_json())
    assert "geojson" not in payload and len(gzip.compress(payload.encode())) < 2000
