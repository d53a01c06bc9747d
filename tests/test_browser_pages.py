"""Every page in headless Chromium, driven as a person would; the console must stay clean."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def app_server(dash_duo):
    from app import create_app

    dash_duo.start_server(create_app())
    return dash_duo


def console_errors(duo) -> list:
    return [e for e in duo.get_logs() or [] if e.get("level") == "SEVERE"]


def test_map_page_shows_map_ranking_and_table(app_server):
    duo = app_server
    duo.wait_for_page(url=f"{duo.server_url}/map?ind=univ_students_per_1000&year=2022", timeout=20)
    duo.wait_for_element("#map-graph .choroplethlayer path", timeout=30)
    assert "大学学生数（人口千人当たり）" in duo.find_element("#map-graph").text
    assert len(duo.find_elements("#map-graph .choroplethlayer path")) >= 47
    assert "京都府" in duo.find_element("#map-table").text
    first_row = duo.find_element("#map-table tbody tr:nth-child(2)").text
    assert "京都府" in first_row and "1" in first_row          # rank 1 in 2022
    assert "国土数値情報" in duo.find_element("#map-source").text
    duo.driver.save_screenshot("/tmp/chiiki-map.png")
    assert console_errors(duo) == []


def test_map_bad_link_shows_notice_and_falls_back(app_server):
    duo = app_server
    duo.wait_for_page(url=f"{duo.server_url}/map?ind=nope&year=abc&cls=zzz", timeout=20)
    duo.wait_for_element("#map-notice", timeout=20)
    text = duo.find_element("#map-notice").text
    assert "ind='nope'" in text and "year='abc'" in text and "cls='zzz'" in text
    duo.wait_for_element("#map-graph .choroplethlayer path", timeout=30)
    assert console_errors(duo) == []


def test_map_not_loaded_indicator_says_how_to_load(app_server):
    duo = app_server
    duo.wait_for_page(url=f"{duo.server_url}/map?ind=gnt_per_100k_estab", timeout=20)
    duo.wait_for_contains_text("#map-message", "chiiki import gnt", timeout=20)
    assert console_errors(duo) == []
