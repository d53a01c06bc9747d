"""Every chart's data as a table a screen reader can read: a "Chart data" disclosure under each chart,
filled from the figure as drawn (so a Patch update shows in it too)."""

from __future__ import annotations

import pytest

from tests.test_browser_pages import choose, console_errors, open_page, wait_for

pytestmark = pytest.mark.browser

PAGES = ["/map", "/profile?region=13", "/compare?regions=13,27", "/industry", "/index"]


def tables_of(duo) -> list[tuple[int, int]]:
    """(charts, disclosures under them) on the page."""
    return duo.driver.execute_script(
        "return [document.querySelectorAll('.js-plotly-plot').length, "
        "document.querySelectorAll('details.chart-data').length]")


@pytest.mark.parametrize("path", PAGES)
def test_every_chart_has_a_data_table(duo, path):
    open_page(duo, path, ".js-plotly-plot .main-svg")
    wait_for(duo, lambda: tables_of(duo)[0] > 0 and tables_of(duo)[0] == tables_of(duo)[1])
    # Open each: a table with a header row and at least one body row per drawn trace with data.
    duo.driver.execute_script("document.querySelectorAll('details.chart-data').forEach(d => d.open = true)")
    duo.driver.execute_script("return 0")   # the toggle events run before the next script
    counts = duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('details.chart-data')).map(d => "
        "d.querySelectorAll('table tbody tr').length)")
    assert all(n > 0 for n in counts), counts
    text = duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('details.chart-data td')).map(c => c.textContent).join(' ')")
    assert "e+" not in text
    assert console_errors(duo) == []


def test_map_table_follows_the_map(duo):
    open_page(duo, "/map?ind=aging_rate&year=2020", "#map-graph .choroplethlayer path")
    wait_for(duo, lambda: duo.driver.execute_script(
        "return !!document.querySelector('#map-graph').closest('[role=figure]').querySelector('details.chart-data')"))
    rows_js = ("const d = document.querySelector('#map-graph').closest('[role=figure]').querySelector("
               "'details.chart-data'); d.open = true; return Array.from(d.querySelectorAll('tbody tr')).map("
               "r => Array.from(r.children).map(c => c.textContent));")
    wait_for(duo, lambda: len(duo.driver.execute_script(rows_js)) == 47)   # filled on the toggle event
    rows = duo.driver.execute_script(rows_js)
    z = duo.driver.execute_script("return document.querySelector('#map-graph .js-plotly-plot').data[0].z")
    tokyo = duo.driver.execute_script(
        "const t = document.querySelector('#map-graph .js-plotly-plot').data[0]; "
        "return t.z[t.locations.indexOf('13')]")
    shown = [r for r in rows if r[0] == "東京都"]
    assert len(shown) == 1 and abs(float(shown[0][1].replace(",", "")) - tokyo) <= 0.0005
    assert len(z) == 47
    before = rows
    choose(duo, "map-indicator", "情報通信業")
    wait_for(duo, lambda: duo.driver.execute_script(rows_js) != before)
    assert console_errors(duo) == []
