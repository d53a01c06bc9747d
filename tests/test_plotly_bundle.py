"""The partial plotly.js bundle: the version plotly.py ships, the checksum recorded beside it, every
trace type the app draws, and Dash never serving its own full plotly.js."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "assets" / "plotly-chiiki.min.js"
REGISTERED = {"scatter", "bar", "heatmap", "choropleth"}   # bench/plotly_bundle/entry.js


def test_bundle_is_the_plotly_js_version_plotly_py_ships():
    from plotly.offline import get_plotlyjs_version

    head = BUNDLE.read_text(encoding="utf-8")[:300]
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", head).group(1)
    assert version == get_plotlyjs_version()
    pinned = json.loads((ROOT / "bench" / "plotly_bundle" / "package.json").read_text())["dependencies"]["plotly.js"]
    assert pinned == version


def test_checksum_and_licence_ship_with_it():
    lines = (ROOT / "assets" / "plotly-chiiki.min.js.sha256").read_text().split("\n")
    recorded = dict(reversed(line.split()) for line in lines if line.strip())
    assert set(recorded) == {"plotly-chiiki.min.js", "regenerator-runtime.min.js"}
    for name, digest in recorded.items():
        assert hashlib.sha256((ROOT / "assets" / name).read_bytes()).hexdigest() == digest, name
    assert "MIT" in (ROOT / "assets" / "plotly-chiiki.LICENSE.txt").read_text()
    assert "MIT" in (ROOT / "assets" / "regenerator-runtime.LICENSE.txt").read_text()


def test_entry_registers_the_traces_the_app_draws():
    entry = (ROOT / "bench" / "plotly_bundle" / "entry.js").read_text()
    assert set(re.findall(r"plotly\.js/lib/(\w+)", entry)) - {"core"} == REGISTERED - {"scatter"}
    # Every trace type the figure builders produce is in the bundle.
    drawn = set()
    for path in (ROOT / "layouts").glob("*.py"):
        drawn |= set(re.findall(r'"type": "(scatter|bar|heatmap|choropleth|\w+geo|pie|histogram\w*|box|violin)"',
                                path.read_text(encoding="utf-8")))
    assert drawn and drawn <= REGISTERED


def test_dash_never_serves_its_full_plotly():
    from app import server

    client = server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "plotly-chiiki.min.js" in page and "package_data/plotly.min.js" not in page
    assert client.get("/_dash-component-suites/plotly/package_data/plotly.min.js").status_code == 404


def _figure_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "layouts").glob("*.py"))


def test_figures_use_only_what_the_bundle_registers():
    """The bundle leaves out components and stubs two libraries (see entry.js and stubs/): a figure
    asking for them would draw nothing, silently, so no figure may."""
    src = _figure_sources()
    for key in ("updatemenus", "sliders", '"images"', "rangeslider", "rangeselector", '"selections"', "scene",
                "locationmode"):
        assert key not in src, f"figures use {key}, which the partial plotly.js bundle does not register"
    projections = set(re.findall(r'"projection": \{"type": "(\w+)"', src))
    assert projections == {"mercator"}   # d3-geo's own; the other projections are stubbed out


def test_the_stubs_are_in_the_bundle_and_the_full_libraries_are_not():
    js = BUNDLE.read_text(encoding="utf-8")
    assert "geoAiry" not in js and "geoWinkel3" not in js             # d3-geo-projection
    assert "Afghanistan" not in js                                      # country-iso-search


def test_dash_never_serves_the_babel_polyfill():
    from app import server

    page = server.test_client().get("/").get_data(as_text=True)
    assert "polyfill@" not in page


def test_no_layout_uses_dash_table_whose_scripts_are_not_served():
    """app.py stops serving DataTable's scripts; a DataTable in a layout would render nothing."""
    from app import server

    for path in (ROOT / "layouts").glob("*.py"):
        assert "dash_table" not in path.read_text(encoding="utf-8"), path.name
    page = server.test_client().get("/").get_data(as_text=True)
    assert "dash_table/bundle" not in page
