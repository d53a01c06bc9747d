"""Every page in headless Chromium, driven as a person would; the console must stay clean."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.browser


def console_errors(duo) -> list:
    return [e for e in duo.get_logs() or [] if e.get("level") == "SEVERE"]


def open_page(duo, path: str, ready: str, timeout: int = 30) -> None:
    duo.driver.get(f"{duo.server_url}{path}")
    duo.wait_for_element(ready, timeout=timeout)


def wait_for(duo, condition, timeout: float = 20) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(duo.driver, timeout).until(lambda _: condition())


def choose(duo, dropdown_id: str, text: str) -> None:
    """Open a dropdown, type in its search box and pick the first match, as a person would."""
    duo.find_element(f"#{dropdown_id}").click()
    box = duo.wait_for_element(".dash-dropdown-content .dash-dropdown-search", timeout=10)
    box.send_keys(text)
    duo.wait_for_contains_text(".dash-dropdown-content .dash-dropdown-options", text, timeout=10)
    duo.find_element(".dash-dropdown-content .dash-dropdown-option").click()


def test_map_page_shows_map_ranking_and_table(duo):
    open_page(duo, "/map?ind=univ_students_per_1000&year=2022", "#map-graph .choroplethlayer path")
    assert "大学学部学生数（人口千人当たり）" in duo.find_element("#map-graph").text
    assert len(duo.find_elements("#map-graph .choroplethlayer path")) >= 47
    first_row = duo.find_element("#map-table tbody tr:nth-child(1)").text
    assert "京都府" in first_row
    assert "国土数値情報" in duo.find_element("#map-source").text
    assert not duo.find_element("img.map-preview").is_displayed()     # the static preview gave way
    assert console_errors(duo) == []


def test_map_choose_indicator_updates_map_and_address(duo):
    open_page(duo, "/map", "#map-graph .choroplethlayer path")
    choose(duo, "map-indicator", "情報通信業従業者")
    duo.wait_for_contains_text("#map-graph", "情報通信業従業者の割合", timeout=20)
    duo.wait_for_contains_text("#map-table", "東京都", timeout=20)
    assert "ind=ict_employee_share" in duo.driver.current_url
    assert console_errors(duo) == []


def test_map_shared_link_restores_municipal_view(duo):
    open_page(duo, "/map?ind=C2208&level=municipality&pref=13&norm=per_1000&cls=jenks&lang=en",
              "#map-graph .choroplethlayer path", timeout=40)
    assert "Employees (private establishments)" in duo.find_element("#map-graph").text
    assert "per 1,000 people" in duo.find_element("#map-graph").text
    assert "千代田区" in duo.find_element("#map-table").text
    assert duo.find_element("#nav-map").text == "Map"
    assert console_errors(duo) == []


def test_map_click_prefecture_opens_profile(duo):
    open_page(duo, "/map?ind=A1101", "#map-graph .choroplethlayer path")
    duo.wait_for_contains_text("#map-table", "東京都", timeout=20)
    from selenium.webdriver.common.action_chains import ActionChains

    # Nagano (20) is large and inland, so the centre of its shape is safely on it.
    paths = duo.find_elements("#map-graph .choroplethlayer path")
    ActionChains(duo.driver).move_to_element(paths[19]).pause(0.3).click().perform()
    duo.wait_for_element("#profile-findings", timeout=30)
    assert "/profile?region=" in duo.driver.current_url
    assert console_errors(duo) == []


def test_map_bad_link_shows_notice_and_falls_back(duo):
    open_page(duo, "/map?ind=nope&year=abc&cls=zzz", "#map-notice")
    text = duo.find_element("#map-notice").text
    assert "ind='nope'" in text and "year='abc'" in text and "cls='zzz'" in text
    duo.wait_for_element("#map-graph .choroplethlayer path", timeout=30)
    assert console_errors(duo) == []


def test_map_not_loaded_indicator_says_how_to_load(duo):
    open_page(duo, "/map?ind=gnt_per_100k_estab", "#map-message")
    # A user reads what is missing and where it comes from; the command waits in the administrators' part.
    duo.wait_for_contains_text("#map-message", "管理者が公式ファイルを取り込むと表示されます", timeout=20)
    assert "chiiki import" not in duo.find_element("#map-message").text
    help_text = duo.find_element("#map-message .admin-help").get_attribute("textContent")
    assert "chiiki import gnt" in help_text
    assert console_errors(duo) == []


def test_profile_page(duo):
    open_page(duo, "/profile?region=26", "#profile-findings li")
    assert "京都府" in duo.find_element("h1").text
    assert "大学学部学生数（人口千人当たり）" in duo.find_element("#profile-findings").text
    duo.wait_for_element("#profile-bubble .scatterlayer .point", timeout=20)
    assert len(duo.find_elements("#profile-headline .card")) >= 6
    choose(duo, "profile-region", "石川県")
    duo.wait_for_contains_text("h1", "石川県", timeout=30)
    assert console_errors(duo) == []


def test_compare_page(duo):
    open_page(duo, "/compare?regions=13,27,metro-all,non-metro", "#compare-bars .barlayer")
    table = duo.find_element("#compare-table").text
    assert "三大都市圏" in table and "地方圏" in table and "大阪府" in table
    duo.wait_for_element("#compare-scatter .scatterlayer .point", timeout=20)
    assert console_errors(duo) == []


def test_industry_page(duo):
    open_page(duo, "/industry?measure=employees&year=2021&sort=jsic-E", "#industry-heatmap .hm")
    duo.wait_for_element("#industry-map .choroplethlayer path", timeout=30)
    first = duo.find_element("#industry-table tbody tr:nth-child(1)").text
    assert "滋賀県" in first or "栃木県" in first or "三重県" in first   # manufacturing-heavy prefectures
    assert console_errors(duo) == []


def test_index_page(duo):
    open_page(duo, "/index", "#index-map .choroplethlayer path")
    assert "大学学部学生数" in duo.find_element("#index-notes").text
    assert len(duo.find_elements("#index-table tbody tr")) >= 47
    assert console_errors(duo) == []


def test_api_page_and_a_link_from_a_view(duo):
    open_page(duo, "/api?lang=en", "#api-page")
    text = duo.find_element("#api-page").text
    for path in ("/api/v1/values", "/api/v1/lq", "/api/v1/compare", "/api/v1/index", "/api/v1/findings"):
        assert f"GET {path}" in text
    assert "curl '" in text and "credit" in text
    open_page(duo, "/industry?measure=employees&year=2021", "#industry-strength-rule a.api-link")
    link = duo.find_element("#industry-strength-rule a.api-link")
    assert link.text == "このデータをAPIで"
    assert link.get_attribute("href").endswith("/api/v1/lq?measure=employees&year=2021")
    duo.driver.get(link.get_attribute("href"))
    assert '"data"' in duo.driver.page_source and '"credit"' in duo.driver.page_source
    assert console_errors(duo) == []


def test_presentation_mode_hides_chrome_and_steps_with_arrows(duo):
    open_page(duo, "/map?ind=univ_students_per_1000&present=1", "#map-graph .choroplethlayer path")
    wait_for(duo, lambda: "presenting" in duo.find_element("body").get_attribute("class"))
    assert not duo.find_element("#app-nav").is_displayed()
    duo.find_element("body").send_keys(Keys.ARROW_RIGHT)
    wait_for(duo, lambda: "ind=ict_employee_share" in duo.driver.current_url)
    duo.wait_for_element("#map-graph .choroplethlayer path", timeout=30)
    assert console_errors(duo) == []


def test_builtin_tour_visits_every_page_with_a_step_counter(duo):
    open_page(duo, "/?present=1", "#tour-step")
    seen = [duo.driver.execute_script("return window.location.pathname")]
    wait_for(duo, lambda: duo.find_element("#tour-step").text == "1 / 8")
    for step in range(2, 9):
        duo.find_element("body").send_keys(Keys.ARROW_RIGHT)
        wait_for(duo, lambda s=step: duo.driver.find_elements("css selector", "#tour-step")
                 and duo.driver.find_element("css selector", "#tour-step").text == f"{s} / 8", timeout=30)
        seen.append(duo.driver.execute_script("return window.location.pathname"))
    assert set(seen) == {"/", "/map", "/profile", "/compare", "/industry", "/index", "/data"}
    assert console_errors(duo) == []


def test_language_switch(duo):
    open_page(duo, "/data", "#data-catalog-table")
    duo.wait_for_text_to_equal("#nav-lang", "English", timeout=10)
    duo.find_element("#nav-lang").click()
    duo.wait_for_contains_text("h1", "Data and sources", timeout=20)
    assert duo.find_element("#nav-map").text == "Map"
    assert console_errors(duo) == []


def test_present_and_pin_buttons_on_any_page(duo):
    open_page(duo, "/industry?measure=establishments", "#industry-heatmap .hm")
    duo.find_element("#industry-export-pin").click()
    duo.wait_for_text_to_equal("#industry-export-pin-count", "1", timeout=10)
    open_page(duo, "/map", "#map-graph .choroplethlayer path")
    duo.find_element("#map-export-pin").click()
    duo.wait_for_text_to_equal("#map-export-pin-count", "2", timeout=10)
    duo.find_element("#map-export-present").click()
    wait_for(duo, lambda: "presenting" in duo.find_element("body").get_attribute("class"))
    assert "present=1" in duo.driver.current_url
    assert not duo.find_element(".export-bar").is_displayed()
    # Pinned views replace the built-in tour: from the map (2nd pin) → wraps to the industry view (1st).
    duo.find_element("body").send_keys(Keys.ARROW_RIGHT)
    wait_for(duo, lambda: "/industry" in duo.driver.current_url and "measure=establishments" in duo.driver.current_url)
    assert "present=1" in duo.driver.current_url
    assert console_errors(duo) == []
