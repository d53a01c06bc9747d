"""An indicator change on the map, in headless Chromium: the map's request is the first to go out and no
download comes with it; the year controls follow in the browser; the chart-data table opened afterwards holds
the values as drawn; the ranking follows the map."""

from __future__ import annotations

import pytest

from tests.test_browser_pages import console_errors, wait_for

pytestmark = pytest.mark.browser

PATHS = "#map-graph .choroplethlayer path"

# Every callback request's outputs, in the order they were sent.
RECORD_REQUESTS = """
window.__sent = [];
const orig = window.fetch;
window.fetch = function (url, init) {
  try { window.__sent.push(JSON.parse(init.body).output); } catch (e) { /* not a callback */ }
  return orig.apply(this, arguments);
};
"""


def test_indicator_change_repaints_with_one_request_then_the_ranking(duo):
    duo.driver.get(f"{duo.server_url}/map?ind=univ_students_per_1000")
    duo.wait_for_element(PATHS, timeout=40)
    marks = lambda: [m.text for m in duo.find_elements("#map-year-slider .dash-slider-mark")]  # noqa: E731
    assert marks() == [str(y) for y in range(2011, 2024)]
    duo.driver.execute_script(RECORD_REQUESTS)
    duo.driver.execute_script("window.dash_clientside.set_props('map-indicator', {value: 'ict_employee_share'})")
    duo.wait_for_contains_text("#map-graph", "2021年", timeout=20)
    # The year controls follow without asking the server: the indicator's own years, the latest chosen.
    wait_for(duo, lambda: marks() == ["2016", "2021"])
    assert duo.find_element("#map-year-label").text == "2021年"
    assert duo.find_element("#map-year").text.strip().startswith("2021")
    wait_for(duo, lambda: any("map-ranking.figure" in o for o in duo.driver.execute_script("return window.__sent")))
    sent = duo.driver.execute_script("return window.__sent")
    assert "map-graph.figure" in sent[0], sent
    assert sent.index(next(o for o in sent if "map-ranking.figure" in o)) > 0
    assert not any("download" in o for o in sent), sent
    wait_for(duo, lambda: "2021年" in duo.driver.execute_script(
        "const t = document.querySelector('#map-ranking .gtitle'); return t ? t.textContent : ''"))
    # Opened only now, after the change: the table is filled from the figure as drawn.
    rows_js = ("const d = document.querySelector('#map-graph').closest('[role=figure]')"
               ".querySelector('details.chart-data'); d.open = true;"
               "return Array.from(d.querySelectorAll('tbody tr'))"
               ".map(r => Array.from(r.children).map(c => c.textContent));")
    wait_for(duo, lambda: len(duo.driver.execute_script(rows_js)) == 47)
    rows = duo.driver.execute_script(rows_js)
    tokyo = duo.driver.execute_script(
        "const t = document.querySelector('#map-graph .js-plotly-plot').data[0]; return t.z[t.locations.indexOf('13')]")
    shown = [r for r in rows if r[0] == "東京都"]
    assert len(rows) == 47 and len(shown) == 1
    assert abs(float(shown[0][1].replace(",", "")) - tokyo) <= 0.0005
    assert console_errors(duo) == []
