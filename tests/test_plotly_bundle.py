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
    recorded = (ROOT / "assets" / "plotly-chiiki.min.js.sha256").read_text().split()[0]
    assert hashlib.sha256(BUNDLE.read_bytes()).hexdigest() == recorded
    assert "MIT" in (ROOT / "assets" / "plotly-chiiki.LICENSE.txt").read_text()


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
