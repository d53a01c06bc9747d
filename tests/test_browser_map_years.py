"""The map's year slider, play/pause, years without values and presentation size, in headless Chromium."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.keys import Keys

from tests.test_browser_pages import console_errors, wait_for

pytestmark = pytest.mark.browser

PATHS = "#map-graph .choroplethlayer path"


def open_map(duo, query: str, ready: str = PATHS) -> None:
    duo.driver.get(f"{duo.server_url}/map?{query}")
    duo.wait_for_element(ready, timeout=40)


def year_shown(duo) -> str:
    return duo.find_element("#map-year-label").text


def thumb(duo):
    return duo.find_element("#map-year-slider [role='slider']")


def trace_z(duo) -> list:
    return duo.driver.execute_script(
        "const gd = document.querySelector('#map-graph .js-plotly-plot'); return gd && gd.data[0].z;")


def test_slider_moves_map_and_address_bar(duo):
    open_map(duo, "ind=univ_students_per_1000")
    assert year_shown(duo) == "2023年" and "year=" not in duo.driver.current_url    # latest: left out
    wait_for(duo, lambda: thumb(duo).get_attribute("aria-valuetext") == "2023年")
    marks = [m.text for m in duo.find_elements("#map-year-slider .dash-slider-mark")]
    assert marks == [str(y) for y in range(2011, 2024)]
    before = trace_z(duo)
    thumb(duo).send_keys(Keys.ARROW_LEFT)                       # keyboard: one year back
    duo.wait_for_contains_text("#map-graph", "2022年", timeout=20)
    wait_for(duo, lambda: "year=2022" in duo.driver.current_url)
    assert year_shown(duo) == "2022年"
    wait_for(duo, lambda: thumb(duo).get_attribute("aria-valuetext") == "2022年")   # read out as the year
    assert thumb(duo).get_attribute("aria-label") == "年"
    assert duo.find_element("#map-year").text.strip().startswith("2022")          # the dropdown follows
    assert trace_z(duo) != before
    assert len(duo.find_elements(PATHS)) >= 47                  # the same map, recoloured (Patch), not redrawn
    thumb(duo).send_keys(Keys.END)
    wait_for(duo, lambda: "year=" not in duo.driver.current_url)
    assert year_shown(duo) == "2023年"
    assert console_errors(duo) == []


def test_link_with_year_reopens_that_year_on_the_slider(duo):
    open_map(duo, "ind=ict_employee_share&year=2016")
    # Years with a gap (2016, 2021): the slider steps between the two, never to a year without data.
    assert [m.text for m in duo.find_elements("#map-year-slider .dash-slider-mark")] == ["2016", "2021"]
    assert year_shown(duo) == "2016年" and thumb(duo).get_attribute("aria-valuenow") == "0"
    assert "2016年" in duo.find_element("#map-graph").text
    thumb(duo).send_keys(Keys.ARROW_RIGHT)
    wait_for(duo, lambda: "year=" not in duo.driver.current_url and "ind=ict_employee_share" in duo.driver.current_url)
    duo.wait_for_contains_text("#map-graph", "2021年", timeout=20)
    assert console_errors(duo) == []


def test_play_advances_the_year_and_pause_stops_it(duo):
    open_map(duo, "ind=univ_students_per_1000&year=2015")
    play = duo.find_element("#map-play")
    assert play.text == "▶ 再生"
    play.click()
    wait_for(duo, lambda: year_shown(duo) == "2017年", timeout=10)
    assert duo.find_element("#map-play").text == "⏸ 一時停止"
    duo.find_element("#map-play").click()
    duo.wait_for_text_to_equal("#map-play", "▶ 再生", timeout=5)
    paused = year_shown(duo)
    wait_for(duo, lambda: f"year={paused[:4]}" in duo.driver.current_url)
    duo.wait_for_contains_text("#map-graph", paused, timeout=20)
    time.sleep(3)                                               # 2½ steps of the timer: nothing moves
    assert year_shown(duo) == paused and f"year={paused[:4]}" in duo.driver.current_url
    assert console_errors(duo) == []


def test_play_stops_at_the_last_year(duo):
    open_map(duo, "ind=univ_students_per_1000&year=2022")
    duo.find_element("#map-play").click()
    wait_for(duo, lambda: year_shown(duo) == "2023年", timeout=10)
    duo.wait_for_text_to_equal("#map-play", "▶ 再生", timeout=5)
    wait_for(duo, lambda: "year=" not in duo.driver.current_url)
    assert console_errors(duo) == []


def test_year_without_national_value_says_why_and_links_to_nearest_year(duo):
    # ごみのリサイクル率 has prefecture values from 2011 but Japan's value only from 2019.
    open_map(duo, "ind=H5614&year=2015&norm=relative", ready="#map-message .map-empty")
    text = duo.find_element("#map-message").text
    assert "ごみのリサイクル率: 2015年の全国値がないため、「全国=100」は計算できません。" in text
    duo.wait_for_contains_text("#map-graph", "2015年の全国値がないため", timeout=20)   # said inside the map too
    link = duo.find_element("#map-nearest-year")
    assert link.text == "値のある最も近い年（2019年）を表示"
    link.click()
    wait_for(duo, lambda: "year=2019" in duo.driver.current_url and "norm=relative" in duo.driver.current_url)
    duo.wait_for_element(PATHS, timeout=30)
    wait_for(duo, lambda: not duo.find_elements("#map-message .map-empty"))
    assert year_shown(duo) == "2019年"
    assert any(z is not None for z in trace_z(duo))
    # Stepping back into the empty years by the slider: the notice returns, and leaves again.
    thumb(duo).send_keys(Keys.ARROW_LEFT)
    duo.wait_for_contains_text("#map-message", "2018年の全国値がないため", timeout=20)
    assert duo.find_element("#map-nearest-year").text == "値のある最も近い年（2019年）を表示"
    thumb(duo).send_keys(Keys.ARROW_RIGHT)
    wait_for(duo, lambda: not duo.find_elements("#map-message .map-empty"))
    wait_for(duo, lambda: any(z is not None for z in trace_z(duo)))
    assert "全国値がない" not in duo.find_element("#map-graph").text
    assert console_errors(duo) == []


def _viewport(duo, width: int, height: int) -> None:
    """Resize the window so the page itself gets width × height (the window adds its frame)."""
    d = duo.driver
    d.set_window_size(width, height)
    iw, ih = d.execute_script("return [window.innerWidth, window.innerHeight]")
    d.set_window_size(width + (width - iw), height + (height - ih))
    assert d.execute_script("return [window.innerWidth, window.innerHeight]") == [width, height]


def _layout_box(duo) -> dict:
    return duo.driver.execute_script("""
        const r = document.querySelector('#map-graph').getBoundingClientRect();
        const de = document.documentElement;
        const wide = [...document.querySelectorAll('body *')].filter(e => !(e instanceof SVGElement)
            && e.getBoundingClientRect().right > de.clientWidth + 0.5).map(e => e.id || e.className);
        return {scroll: de.scrollWidth, client: de.clientWidth, inner: innerWidth, height: innerHeight,
                top: r.top, bottom: r.bottom, left: r.left, right: r.right, wide: wide};""")


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_map_page_fits_the_screen_and_fills_it_when_presenting(duo, size):
    width, height = size
    _viewport(duo, width, height)
    open_map(duo, "ind=univ_students_per_1000")
    box = _layout_box(duo)
    assert box["scroll"] <= box["inner"] and box["scroll"] <= box["client"] and box["wide"] == []
    assert box["left"] >= 0 and box["right"] <= box["client"]
    # English labels and the long notice of a year without values wrap instead of widening the page.
    open_map(duo, "ind=H5614&year=2015&norm=relative&lang=en", ready="#map-message .map-empty")
    box = _layout_box(duo)
    assert box["scroll"] <= box["client"] and box["wide"] == []
    open_map(duo, "ind=univ_students_per_1000&present=1")
    wait_for(duo, lambda: duo.driver.execute_script("return document.body.classList.contains('presenting')"))
    wait_for(duo, lambda: _layout_box(duo)["bottom"] - _layout_box(duo)["top"] > 500)
    box = _layout_box(duo)
    assert box["scroll"] <= box["inner"] and box["wide"] == []
    assert box["left"] >= 0 and box["right"] <= box["client"]
    assert box["top"] >= 0 and box["bottom"] <= height              # the whole map on the screen
    if size == (1920, 1080):
        assert box["bottom"] - box["top"] >= 0.8 * height             # and it fills it
        assert box["right"] - box["left"] >= 0.9 * width
    # The arrow keys on the focused slider change the year, not the presentation's page.
    thumb(duo).send_keys(Keys.ARROW_LEFT)
    wait_for(duo, lambda: "year=2022" in duo.driver.current_url)
    assert duo.driver.current_url.split("?")[0].endswith("/map") and "present=1" in duo.driver.current_url
    assert console_errors(duo) == []


def test_after_a_not_loaded_indicator_the_next_one_is_drawn_whole(duo):
    open_map(duo, "ind=gnt_per_100k_estab", ready="#map-message .not-loaded")
    assert duo.find_element("#map-play").get_attribute("disabled") is not None     # no years to play
    duo.find_element("#map-indicator").click()
    box = duo.wait_for_element(".dash-dropdown-content .dash-dropdown-search", timeout=10)
    box.send_keys("情報通信業従業者")
    duo.wait_for_contains_text(".dash-dropdown-content .dash-dropdown-options", "情報通信業従業者", timeout=10)
    duo.find_element(".dash-dropdown-content .dash-dropdown-option").click()
    duo.wait_for_element(PATHS, timeout=30)
    assert len(duo.find_elements(PATHS)) >= 47
    wait_for(duo, lambda: [m.text for m in duo.find_elements("#map-year-slider .dash-slider-mark")] == ["2016", "2021"])
    assert duo.find_element("#map-play").get_attribute("disabled") is None
    assert console_errors(duo) == []
