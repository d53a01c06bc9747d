"""Sharing a view: "copy link" on every chart and in every export bar (no "share to the cloud"), and the
pinned views of a presentation listed, reordered and removed."""

from __future__ import annotations

import json

import pytest

from tests.test_browser_pages import console_errors, open_page, wait_for

pytestmark = pytest.mark.browser

READ_CLIPBOARD = """
const done = arguments[arguments.length - 1];
navigator.clipboard.readText().then(done, function (e) { done('ERROR ' + e); });
"""


@pytest.fixture
def duo(duo):
    """The app in the browser, allowed to read the clipboard (to check what "copy link" put there)."""
    duo.driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": duo.server_url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    return duo


def modebar_titles(duo) -> list[str]:
    return duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.modebar-btn')).map(b => b.getAttribute('data-title'))")


@pytest.mark.parametrize("lang, label", [("ja", "リンクをコピー"), ("en", "Copy link")])
def test_every_chart_offers_copy_link_and_no_cloud_share(duo, lang, label):
    open_page(duo, f"/map?ind=aging_rate&year=2020&lang={lang}", "#map-graph .choroplethlayer path")
    wait_for(duo, lambda: len(duo.find_elements(".js-plotly-plot")) >= 2)
    titles = modebar_titles(duo)
    assert titles.count(label) == len(duo.find_elements(".js-plotly-plot"))
    assert not any("Share" in (t or "") or "cloud" in (t or "").lower() for t in titles)
    # The modebar button copies the view's link (the address bar, without presentation mode).
    duo.driver.execute_script(
        "document.querySelector(`#map-graph .modebar-btn[data-title='${arguments[0]}']`).click()", label)
    link = duo.driver.execute_async_script(READ_CLIPBOARD)
    assert link.startswith(duo.server_url + "/map?") and "ind=aging_rate" in link and "year=2020" in link
    assert "present=" not in link
    assert duo.find_element("#copy-status").text in ("リンクをコピーしました", "Link copied")
    assert console_errors(duo) == []


def test_export_bar_copy_link_copies_the_current_view(duo):
    open_page(duo, "/compare?regions=13,27", "#compare-bars .js-plotly-plot")
    duo.find_element("#compare-export-copy").click()
    wait_for(duo, lambda: duo.find_element("#copy-status").text == "リンクをコピーしました")
    link = duo.driver.execute_async_script(READ_CLIPBOARD)
    assert link.startswith(duo.server_url + "/compare?") and "regions=13" in link


def test_pinned_views_can_be_reordered_and_removed(duo):
    views = ["/map?ind=aging_rate", "/profile?region=13", "/industry"]
    open_page(duo, "/map", "#map-graph .js-plotly-plot")
    duo.driver.execute_script("localStorage.setItem('chiiki-pinned-views', arguments[0])", json.dumps(views))
    wait_for(duo, lambda: duo.find_element("#map-export-pin-count").text == "3")
    duo.find_element(".tour-list summary").click()
    items = lambda: [a.get_attribute("href").replace(duo.server_url, "")  # noqa: E731
                     for a in duo.find_elements(".tour-views li a")]
    wait_for(duo, lambda: items() == views)
    # Move the profile up, then remove the map view: the list and the tour change with it.
    duo.find_elements(".tour-views li")[1].find_element("css selector", "button[aria-label^='上へ']").click()
    wait_for(duo, lambda: items() == [views[1], views[0], views[2]])
    duo.find_elements(".tour-views li")[1].find_element("css selector", "button[aria-label^='削除']").click()
    wait_for(duo, lambda: items() == [views[1], views[2]])
    stored = json.loads(duo.driver.execute_script("return localStorage.getItem('chiiki-pinned-views')"))
    assert stored == [views[1], views[2]]
    assert duo.find_element("#map-export-pin-count").text == "2"
    # Presentation steps through the new order.
    duo.driver.get(f"{duo.server_url}/profile?region=13&present=1")
    wait_for(duo, lambda: duo.find_element("#tour-step").text == "1 / 2")
    duo.find_element("body").send_keys("\ue014")   # ArrowRight
    wait_for(duo, lambda: "/industry" in duo.driver.current_url)
    assert console_errors(duo) == []
