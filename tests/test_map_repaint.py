"""The map's repaint after a change (bench/repaint_profile.py): the map's own request goes out at once, alone
on the line, and carries values only; the controls follow the indicator in the browser with the server's answers."""

from __future__ import annotations

import pytest

from callbacks import map_callbacks
from callbacks import state as st
from layouts import ids


@pytest.fixture(scope="module")
def callbacks():
    from app import create_app

    app = create_app()
    return list(app._callback_list)   # what /_dash-dependencies tells the browser


def _inputs(cb) -> set[str]:
    return {f"{i['id']}.{i['property']}" for i in cb["inputs"]}


def _outputs(cb) -> set[str]:
    return {o.split("@")[0] for o in cb["output"].strip(".").split("...")}


def _map_callback(callbacks):
    return next(cb for cb in callbacks if f"{ids.MAP_GRAPH}.figure" in _outputs(cb))


def test_no_server_callback_stands_between_an_indicator_change_and_the_map(callbacks):
    """Dash holds a callback until every callback producing one of its inputs has answered: a server callback
    from the indicator to the year (the old _controls) made the map's request wait a whole round trip."""
    map_inputs = _inputs(_map_callback(callbacks))
    for cb in callbacks:
        if cb.get("clientside_function") or f"{ids.MAP_INDICATOR}.value" not in _inputs(cb):
            continue
        if f"{ids.MAP_GRAPH}.figure" in _outputs(cb):
            continue
        assert not _outputs(cb) & map_inputs, cb["output"]


def test_every_export_fires_on_its_buttons_only(callbacks):
    """Before, every change of the map's indicator or year (665 KB for municipalities) and of the compare
    view downloaded the table: a dcc.Download saves whatever data it is given."""
    exports = [cb for cb in callbacks if any(o.endswith("-download.data") for o in _outputs(cb))]
    assert len(exports) >= 6
    for cb in exports:
        (out,) = _outputs(cb)
        prefix = out.removesuffix("-download.data")
        assert _inputs(cb) <= {f"{prefix}-csv.n_clicks", f"{prefix}-xlsx.n_clicks"}, cb["output"]


def test_ranking_is_asked_for_after_the_map_answered(callbacks):
    """Its redraw (50-100 ms) must not run before the map's: it follows the map callback's output."""
    side = next(cb for cb in callbacks if f"{ids.MAP_RANKING}.figure" in _outputs(cb))
    assert _inputs(side) == {f"{ids.MAP_DRAWN}.data"}
    assert f"{ids.MAP_DRAWN}.data" in _outputs(_map_callback(callbacks))


def _lookup(table: dict, ind: str, level: str) -> tuple[list[int], list[dict]]:
    """What CONTROLS_JS reads from the table (the same indexing, in Python)."""
    row = table["ind"].get(ind) or table["ind"][table["default"]]
    return table["years"][row[1] if level == "municipality" else row[0]], table["norms"][row[2]]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_controls_table_answers_as_the_server_did(lang):
    table = map_callbacks.controls_table(lang)
    checked = 0
    for ind in [*sorted(st.catalog_ids()), "no-such-indicator"]:
        if ind in st.catalog_ids() and st.catalog_row(ind)["kind"] == "lq":
            assert ind not in table["ind"]
            continue
        for level in ("prefecture", "municipality"):
            options, year, norms = map_callbacks.update_controls(ind, level, lang)
            years, shown_norms = _lookup(table, ind, level)
            assert [o["value"] for o in options] == years, (ind, level)
            assert year == (years[-1] if years else None)
            assert shown_norms == norms, (ind, level)
            checked += 1
    assert checked > 400
    # Written once each: far fewer lists than indicators.
    assert len(table["years"]) < len(table["ind"]) / 4 and len(table["norms"]) < 10


def test_value_change_sends_values_not_geometry_or_layout():
    """A Patch of the trace's values and colours, the title and the annotations: nothing that makes plotly
    lay the page out again (size, margins, geo) and no geometry."""
    args = ("aging_rate", None, "municipality", None, "none", "quantile", 5, "", "viridis", "ja", "", "")
    patch, *_ = map_callbacks.update_map(*args, triggered={ids.MAP_INDICATOR})
    ops = patch.to_plotly_json()["operations"]
    touched = {tuple(op["location"]) for op in ops}
    assert touched and all(loc[:2] == ("data", 0) or loc[0] == "layout" for loc in touched)
    layout_keys = {loc[1] for loc in touched if loc[0] == "layout"}
    assert layout_keys == {"title", "annotations"}
    trace_keys = {loc[2] for loc in touched if loc[0] == "data"}
    assert not trace_keys & {"geojson", "locations", "featureidkey", "text"}
    assert "coordinates" not in str(ops)
