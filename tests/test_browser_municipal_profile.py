"""The municipal profile (市区町村カルテ) in headless Chromium: a city, a town, a village, a special ward and
an island village; headline ranks, the peer type, the LQ table with its counts, print media, clean console."""

from __future__ import annotations

import pytest

from tests.test_browser_pages import choose, console_errors, open_page, wait_for

pytestmark = pytest.mark.browser


def _expected(code: str) -> dict:
    from metrics import service

    return service.cached_municipal_profile(code, "ja")


# (code, what it is, its 類似団体 label)
CASES = [("08202", "日立市", "都市 Ⅳ-2"), ("08302", "茨城町", "町村 Ⅴ-2"), ("08442", "美浦村", "町村 Ⅲ-2"),
         ("13101", "千代田区", "特別区"), ("13362", "利島村", "町村 Ⅰ-2")]


@pytest.mark.parametrize(("code", "name", "peer_label"), CASES)
def test_municipal_profile_opens_with_ranks_peer_type_and_lq_counts(duo, code, name, peer_label):
    open_page(duo, f"/profile?region={code}", "#profile-lq-table table", timeout=40)
    assert name in duo.find_element("h1").text
    exp = _expected(code)
    pop = next(f for f in exp["headline"] if f["id"] == "A1101")
    head = duo.find_element("#profile-headline").text
    assert f"県内 {pop['rank_prefecture']['text']}" in head
    assert f"全国 {pop['rank_nation']['text']}" in head and "/1,741市区町村" in head
    assert len(duo.find_elements("#profile-headline .card")) == len(exp["headline"])
    assert peer_label in duo.find_element("#profile-peer-type").text
    # Every LQ row shows the count it was computed from.
    lq_rows = duo.find_elements("#profile-lq-table tbody tr")
    assert len(lq_rows) == len(exp["industry"]["rows"])
    first = exp["industry"]["rows"][0]
    counts = [td.text for td in lq_rows[0].find_elements("css selector", "td")]
    assert counts[0] == first["industry"]
    assert counts[1] == (f"{first['employees']:,.0f}" if first["employees"] is not None else "—")
    assert "2016" in duo.find_element("#profile-lq-table").text      # the note: no 2016→2021 change
    assert console_errors(duo) == []


def test_hitachi_compare_link_and_findings(duo):
    open_page(duo, "/profile?region=08202", "#profile-findings li", timeout=40)
    assert "製造業に特化" in duo.find_element("#profile-findings").text
    link = duo.find_element("#profile-compare-link")
    href = link.get_attribute("href")
    assert "/compare?regions=08202," in href and len(href.split("regions=")[1].split(",")) <= 10
    assert "96.2" in duo.find_element("#profile-finance").text
    assert "2020年国勢調査の1時点のみ" in duo.find_element("#profile-population").text
    duo.wait_for_element("#profile-bubble .scatterlayer .point", timeout=20)
    assert console_errors(duo) == []


def test_print_media_hides_the_controls(duo):
    open_page(duo, "/profile?region=47354", "#profile-lq-table table", timeout=40)
    assert duo.find_element("#profile-print").is_displayed()
    duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        wait_for(duo, lambda: not duo.find_element(".controls").is_displayed())
        assert not duo.find_element(".export-bar").is_displayed()
        assert not duo.find_element("#profile-compare-link").is_displayed()
        assert not duo.find_element("#app-nav").is_displayed()
        # The report itself stays: headline, tables and findings.
        assert duo.find_element("#profile-headline").is_displayed()
        assert duo.find_element("#profile-lq-table").is_displayed()
        assert duo.find_element("#profile-finance").is_displayed()
        # Whole tables on paper: the scroll box does not cut the 18 industries off.
        box = duo.driver.execute_script("const e = document.querySelector('#profile-lq-table .table-scroll');"
                                        "const s = getComputedStyle(e); return [s.maxHeight, s.overflowY,"
                                        " e.scrollHeight - e.clientHeight];")
        assert box[0] == "none" and box[1] == "visible" and box[2] <= 1
    finally:
        duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert console_errors(duo) == []


def test_picker_finds_a_municipality_by_name(duo):
    open_page(duo, "/profile?region=13", "#profile-findings li", timeout=40)
    choose(duo, "profile-region", "日立市")
    duo.wait_for_contains_text("h1", "日立市", timeout=30)
    assert "region=08202" in duo.driver.current_url
    duo.wait_for_element("#profile-lq-table table", timeout=30)
    choose(duo, "profile-region", "石川県")
    duo.wait_for_contains_text("h1", "石川県", timeout=30)
    assert console_errors(duo) == []


def test_english_municipal_profile(duo):
    open_page(duo, "/profile?region=08202&lang=en", "#profile-lq-table table", timeout=40)
    head = duo.find_element("#profile-headline").text
    assert "In prefecture 3 of 44" in head and "Among peers" in head
    assert "Manufacturing" in duo.find_element("#profile-lq-table").text
    assert console_errors(duo) == []
