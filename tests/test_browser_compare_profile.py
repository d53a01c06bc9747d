"""Compare page's location quotients and chart exports, and the profile's time series, in headless Chromium."""

from __future__ import annotations

import os
import time

import pytest

from tests.test_browser_pages import console_errors, open_page, wait_for

pytestmark = pytest.mark.browser


def _figure(duo, graph_id: str) -> dict:
    return duo.driver.execute_script(
        f"const g = document.querySelector('#{graph_id} .js-plotly-plot');"
        "return {data: g.data.map(t => ({x: t.x, y: t.y, customdata: t.customdata})),"
        "        range: g._fullLayout.xaxis.range, yrange: g._fullLayout.yaxis.range};")


def _expected(measure: str, year: int, industry: str, codes: list[str]):
    from loaders.store import get_store
    from metrics import service

    table = service.lq_table(get_store().cursor(), measure, year)
    return table[table["industry_code"] == industry].set_index("region_code").loc[codes]


def test_compare_lq_shows_lqs_with_their_counts_and_keeps_the_link(duo):
    open_page(duo, "/compare?regions=13,27,metro-all&lq_ind=jsic-G", "#compare-lq-bars .barlayer .point")
    want = _expected("employees", 2021, "jsic-G", ["13", "27"])
    table = duo.find_element("#compare-lq-table").text
    for r in want.itertuples():
        assert r.region_name_ja in table and f"{r.lq:.3f}" in table and f"{r.value:,.0f}" in table
    fig = _figure(duo, "compare-lq-bars")
    assert fig["data"][0]["y"] == pytest.approx(want["lq"].tolist(), rel=1e-5)
    assert [c[0] for c in fig["data"][0]["customdata"]] == [f"{v:,.0f}人" for v in want["value"]]
    assert len(duo.find_elements("#compare-lq-bars .barlayer .point")) == 2
    assert "三大都市圏" in duo.find_element("#compare-lq-note").text         # the group left out, said aloud
    assert "2021年" in duo.find_element("#compare-lq-bars").text
    # Another measure: the table follows and the address bar carries the new state.
    duo.find_element("#compare-lq-measure input[value='establishments']").click()
    want = _expected("establishments", 2021, "jsic-G", ["13", "27"])
    duo.wait_for_contains_text("#compare-lq-table", f"{want['value'].iloc[0]:,.0f}", timeout=30)
    wait_for(duo, lambda: "lq_measure=establishments" in duo.driver.current_url)
    assert "lq_ind=jsic-G" in duo.driver.current_url
    assert console_errors(duo) == []


def _wait_for_file(path: str, name: str, timeout: float = 20) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if name in os.listdir(path) and os.path.getsize(os.path.join(path, name)) > 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"{name} not downloaded; got {os.listdir(path)}")


def test_compare_scatter_series_and_lq_export_png_and_svg(duo):
    open_page(duo, "/compare", "#compare-scatter .scatterlayer .point")
    duo.wait_for_element("#compare-series .scatterlayer .trace", timeout=20)
    duo.wait_for_element("#compare-lq-bars .barlayer .point", timeout=20)
    for prefix, filename in (("compare-scatter-export", "chiiki-compare-scatter"),
                             ("compare-series-export", "chiiki-compare-series"),
                             ("compare-lq-export", "chiiki-compare-lq")):
        for fmt in ("png", "svg"):
            duo.find_element(f"#{prefix}-{fmt}").click()
            _wait_for_file(duo.download_path, f"{filename}.{fmt}")
    with open(os.path.join(duo.download_path, "chiiki-compare-scatter.svg"), encoding="utf-8") as f:
        svg = f.read()
    assert svg.startswith("<svg") and "出典" in svg                          # title and source inside the file
    assert console_errors(duo) == []


def test_profile_series_starts_at_its_first_year(duo):
    open_page(duo, "/profile?region=13", "#profile-series .scatterlayer .trace")
    fig = _figure(duo, "profile-series")
    first = min(x for tr in fig["data"] for x in tr["x"])
    assert first == 2011
    assert first - 0.5 < fig["range"][0] < first
    assert console_errors(duo) == []
