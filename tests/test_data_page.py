"""Data page: the callback as a function (tier 2) and the pages in headless Chromium (tier 3)."""

from __future__ import annotations

import pytest

from callbacks.data_callbacks import update_catalog
from loaders import query


@pytest.fixture
def catalog(cur):
    return query.catalog(cur)


@pytest.mark.parametrize(("search", "themes", "status", "must", "must_not"), [
    ("学生数", None, "all", {"E6302", "univ_students_per_1000"}, {"A1101"}),
    ("patent", None, "not loaded", {"patent_applications", "patents_per_100_estab"}, {"A1101"}),
    (None, ["innovation"], "not loaded", {"gnt_per_100k_estab", "opening_rate"}, {"univ_students_per_1000"}),
    (None, ["innovation"], "loaded", {"univ_students_per_1000"}, {"gnt_per_100k_estab"}),
])
def test_update_catalog_filters(catalog, search, themes, status, must, must_not):
    rows, count = update_catalog(search, themes, status, catalog)
    got = {r["id"] for r in rows}
    assert must <= got and not (must_not & got)
    assert count.startswith(f"{len(rows)} / {len(catalog)}")


def test_not_loaded_rows_say_how_to_load(catalog):
    rows, _ = update_catalog("gnt_per", None, "all", catalog)
    row = next(r for r in rows if r["id"] == "gnt_per_100k_estab")
    assert row["status"] == "not loaded" and "chiiki import gnt" in row["how_to_load"]
    assert row["years"] == "—"


@pytest.mark.browser
def test_start_and_data_pages_in_browser(dash_duo):
    from app import create_app

    app = create_app()
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal("#start-data-date", "2024", timeout=20)
    assert "1741 市区町村" in dash_duo.find_element("#start-counts").text
    dash_duo.find_element("a[href='/data']").click()
    dash_duo.wait_for_contains_text("#data-catalog-count", "指標", timeout=20)
    search = dash_duo.find_element("#data-search")
    search.send_keys("patent")
    search.send_keys("\n")
    dash_duo.wait_for_contains_text("#data-catalog-table", "patent_applications", timeout=20)
    table = dash_duo.find_element("#data-catalog-table").text
    assert "未読込" in table and "chiiki import" in table     # the page speaks Japanese; commands stay as code
    assert "国土数値情報" in dash_duo.find_element("#data-sources").text
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize(("report", "shown"), [
    ({"ok": False, "status": "degraded", "message": "the user store cannot be read (repair: chiiki doctor)"},
     "the user store cannot be read (repair: chiiki doctor)"),
    ({"ok": True, "status": "ok", "message": ""}, None),
])
def test_data_page_shows_what_is_wrong_with_the_user_store(monkeypatch, report, shown):
    from callbacks import data_callbacks
    from tests.test_web_uploads import _find, _text

    monkeypatch.setattr("loaders.store.health", lambda **_kw: report)
    notice = _find(data_callbacks.page_layout(lang="en"), "data-store-notice")
    if shown is None:
        assert "notice-empty" in notice.className and not _text(notice)
    else:
        assert shown in _text(notice) and notice.role == "alert"


def test_a_failing_health_check_does_not_take_the_page_down(monkeypatch):
    from callbacks import data_callbacks

    def broken(**_kw):
        raise OSError("disk gone")

    monkeypatch.setattr("loaders.store.health", broken)
    assert "disk gone" in data_callbacks.store_health_message()
