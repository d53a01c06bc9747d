"""Municipalities in the browser (issue 13): compared with their prefecture, 類似団体 median and Japan in one
click; clicked on the map to open their own profile; found by name from the nav."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.keys import Keys

from tests.test_browser_pages import choose, console_errors, open_page, wait_for

pytestmark = pytest.mark.browser


def _figure(duo, graph_id: str) -> dict:
    return duo.driver.execute_script(
        f"const g = document.querySelector('#{graph_id} .js-plotly-plot'); return {{data: g.data}};")


def test_compare_hitachi_with_prefecture_peers_and_japan_in_one_click(duo):
    open_page(duo, "/compare", "#compare-bars .barlayer")
    choose(duo, "compare-muni", "日立市")
    duo.find_element("#compare-muni-go").click()
    duo.wait_for_contains_text("#compare-table", "類似団体（都市 Ⅳ-2）中央値 n=9", timeout=30)
    table = duo.find_element("#compare-table").text
    assert "日立市（茨城県）" in table and "茨城県" in table and "全国" in table
    # The default indicator has no municipal values: the button moved to one that has them.
    wait_for(duo, lambda: "regions=08202%2C08%2Cpeer-08202%2C00" in duo.driver.current_url)
    assert "ind=aging_rate" in duo.driver.current_url
    wait_for(duo, lambda: len(_figure(duo, "compare-bars")["data"][0]["x"]) == 4)
    bars = _figure(duo, "compare-bars")["data"][0]
    assert bars["x"][0] == "日立市（茨城県）" and all(v is not None for v in bars["y"])
    assert duo.find_elements("#compare-table table.data-table") and not duo.find_elements(".dash-spreadsheet")
    assert console_errors(duo) == []


def test_compare_link_with_too_many_municipalities_says_so(duo):
    codes = ",".join(["08201", "08202", "08203", "08204", "08205", "08207", "08208", "08210", "08211", "08212",
                      "08214"])
    open_page(duo, f"/compare?regions={codes}&ind=A1303", "#compare-notice")
    assert "11市区町村（類似団体中央値を含む）が指定されました" in duo.find_element("#compare-notice").text
    duo.wait_for_element("#compare-bars .barlayer .point", timeout=30)
    assert len(duo.find_elements("#compare-bars .barlayer .point")) == 10
    assert console_errors(duo) == []


def test_map_click_on_a_municipality_opens_its_own_profile(duo):
    open_page(duo, "/map?ind=A1303&level=municipality&pref=08", "#map-graph .choroplethlayer path", timeout=40)
    duo.wait_for_contains_text("#map-table", "日立市", timeout=30)
    # Ranking all 44 of Ibaraki's municipalities, not a national top 60.
    wait_for(duo, lambda: len(_figure(duo, "map-ranking")["data"][0]["y"]) == 44)
    assert console_errors(duo) == []
    from selenium.webdriver.common.action_chains import ActionChains

    # The largest shape, so its centre is surely on it.
    paths = duo.find_elements("#map-graph .choroplethlayer path")
    areas = duo.driver.execute_script(
        "return arguments[0].map(p => { const b = p.getBBox(); return b.width * b.height; });", paths)
    big = paths[max(range(len(areas)), key=areas.__getitem__)]
    ActionChains(duo.driver).move_to_element(big).pause(0.3).click().perform()
    wait_for(duo, lambda: "/profile" in duo.driver.current_url, timeout=30)
    assert re.search(r"/profile\?region=08\d{3}$", duo.driver.current_url), duo.driver.current_url


def _search(duo, text: str) -> None:
    box = duo.find_element("#nav-search")
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def test_nav_search_finds_hitachi_and_both_fuchu(duo):
    open_page(duo, "/data", "#nav-search")
    label = duo.find_element("label[for='nav-search']")
    assert label.get_attribute("textContent") == "地域を名前で探す"
    _search(duo, "日立市")
    wait_for(duo, lambda: duo.driver.current_url.endswith("/profile?region=08202"), timeout=30)

    open_page(duo, "/compare", "#nav-search")
    _search(duo, "府中市")
    duo.wait_for_contains_text("#nav-search-status", "候補が複数あります", timeout=20)
    options = duo.driver.execute_script(
        "return [...document.querySelectorAll('#nav-search-list option')].map(o => o.value);")
    assert "府中市（東京都）" in options and "府中市（広島県）" in options and "茨城県" in options
    assert duo.find_element("#nav-search").get_attribute("list") == "nav-search-list"
    assert console_errors(duo) == []
    _search(duo, "府中市（広島県）")
    wait_for(duo, lambda: duo.driver.current_url.endswith("/profile?region=34208"), timeout=30)


def test_nav_search_in_english_opens_the_english_profile(duo):
    open_page(duo, "/data?lang=en", "#nav-search")
    wait_for(duo, lambda: duo.find_element("label[for='nav-search']").get_attribute("textContent")
             == "Find a region by name")
    _search(duo, "府中")
    duo.wait_for_contains_text("#nav-search-status", "Several regions match", timeout=20)
    options = duo.driver.execute_script(
        "return [...document.querySelectorAll('#nav-search-list option')].map(o => o.value);")
    assert "府中市 (Tokyo)" in options and "Tokyo (東京都)" in options
    assert console_errors(duo) == []
    _search(duo, "Tokyo")
    wait_for(duo, lambda: duo.driver.current_url.endswith("/profile?region=13&lang=en"), timeout=30)
