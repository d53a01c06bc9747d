"""Fuzzing every registered callback and every API endpoint over HTTP, in-process (Flask test client).

The callbacks are read from the app's own ``/_dash-dependencies``, so a callback added later is
fuzzed too. A value no control can produce gets an answer (200, or 204 for "nothing to update"); a
request of the wrong shape gets a 4xx naming the problem; nothing gets a 5xx. Deterministic: fixed
value lists and derandomised hypothesis.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

import app as app_module
from callbacks import api_spec

TOKEN = "fuzz-token-that-no-junk-value-equals"

# Values of every JSON type, sizes and nestings no control produces, and strings that have broken
# parsers before. A control's own values come from the rendered layouts.
JUNK = [None, "", -1, 2**63, 1.5, True, "x" * 100_000, [], ["13", None, 27, [1]], {"id": {"x": [1]}},
        "'; DROP TABLE obs; --\x00", {"type": "index-weight", "id": "x"}, "data:text/csv;base64,QUFB"]

# Rendered by the page router rather than a page's layout.
EXTRA_VALUES = {("_pages_location", "pathname"): "/map", ("_pages_location", "search"): "?ind=A1101",
                ("app-lang", "data"): "ja", ("app-url-query", "data"): ""}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20) | st.sampled_from(["13", "A1101", "univ_students_per_1000", "municipality", "en", "csv"]),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=4), max_leaves=12)


@pytest.fixture(scope="module")
def fuzz_app():
    """A fresh app whose data page shows the upload (token mode); the token is never sent right."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHIIKI_ADMIN_TOKEN", TOKEN)
        mp.setenv("CHIIKI_ACCESS_LOG", "0")
        dash_app = app_module.create_app()
        yield dash_app


@pytest.fixture
def client(fuzz_app, monkeypatch):
    monkeypatch.setenv("CHIIKI_ADMIN_TOKEN", TOKEN)
    # A 500 must show up as a status, not as an exception of the test client.
    fuzz_app.server.config["PROPAGATE_EXCEPTIONS"] = False
    return fuzz_app.server.test_client()


def _sid(cid) -> str:
    return cid if isinstance(cid, str) else json.dumps(cid, sort_keys=True, separators=(",", ":"))


class Rendered(dict):
    """The rendered values; a short repr, since hypothesis prints its arguments."""

    def __repr__(self) -> str:
        return f"<{len(self)} rendered values>"


def rendered_values() -> Rendered:
    """(id, property) → value for every component every page renders: the values of a normal request."""
    from dash.development.base_component import Component

    values = Rendered()

    def walk(node) -> None:
        if isinstance(node, list | tuple):
            for x in node:
                walk(x)
        if not isinstance(node, Component):
            return
        cid = getattr(node, "id", None)
        for prop in node._prop_names:
            value = getattr(node, prop, None)
            if cid is not None and prop != "children" and hasattr(node, prop):
                values[(_sid(cid), prop)] = value
            if isinstance(value, Component | list | tuple):
                walk(value)

    for _, _, _, layout in app_module.PAGES:
        walk(layout())
    values.update(EXTRA_VALUES)
    return values


def _outputs(dep: dict):
    out = []
    for part in dep["output"].strip(".").split("..."):
        cid, prop = part.rsplit(".", 1)
        out.append({"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop.split("@")[0]})
    return out if len(out) > 1 else out[0]


def _entry(spec: dict, values: dict, value=...):
    """One inputs/state entry as the renderer sends it (a list of matches for pattern-matching ids)."""
    if spec["id"].startswith("{"):
        pattern = json.loads(spec["id"])
        matches = [json.loads(k) for k, p in values if k.startswith("{") and p == spec["property"]
                   and json.loads(k).get("type") == pattern.get("type")]
        return [{"id": m, "property": spec["property"],
                 "value": values.get((_sid(m), spec["property"])) if value is ... else value} for m in matches]
    return {"id": spec["id"], "property": spec["property"],
            "value": values.get((spec["id"], spec["property"])) if value is ... else value}


def _body(dep: dict, values: dict, replace: dict[int, object], changed: str | None = None) -> dict:
    specs = dep["inputs"] + dep["state"]
    entries = [_entry(s, values, replace.get(i, ...)) for i, s in enumerate(specs)]
    first = dep["inputs"][0]
    return {"output": dep["output"], "outputs": _outputs(dep), "inputs": entries[:len(dep["inputs"])],
            "state": entries[len(dep["inputs"]):],
            "changedPropIds": [changed or f"{first['id']}.{first['property']}"]}


def _server_callbacks(client) -> list[dict]:
    deps = client.get("/_dash-dependencies").get_json()
    return [d for d in deps if not d.get("clientside_function")]


def _post(client, body) -> int:
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post("/_dash-update-component", data=data, content_type="application/json").status_code


@pytest.fixture(scope="module")
def values(fuzz_app):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHIIKI_ADMIN_TOKEN", TOKEN)
        with fuzz_app.server.test_request_context("/"):
            return rendered_values()


def test_every_callback_is_fuzzed(client, values):
    deps = _server_callbacks(client)
    # Every page's callbacks, the upload and Dash's own page router are in the list.
    outputs = " ".join(d["output"] for d in deps)
    for fragment in ("map-graph.figure", "profile-series.figure", "compare-bars.figure", "industry-heatmap.figure",
                     "index-map.figure", "data-catalog-table.children", "data-upload-result.children",
                     "_pages_content.children", "start-questions.children", "-export-download.data"):
        assert fragment in outputs, fragment
    # The base request of each callback is a normal one: the page's own values are answered.
    for dep in deps:
        assert _post(client, _body(dep, values, {})) in (200, 204), dep["output"]


def test_junk_in_any_input_or_state_never_gives_5xx(client, values):
    """Each input and state of each callback in turn gets each junk value, the others their page values."""
    failures = []
    for dep in _server_callbacks(client):
        specs = dep["inputs"] + dep["state"]
        for i, spec in enumerate(specs):
            changed = f"{spec['id']}.{spec['property']}" if i < len(dep["inputs"]) else None
            if changed and spec["id"].startswith("{"):
                changed = None   # a pattern's trigger names a concrete id; the first input will do
            # Dash's page router refuses an address no browser sends (see the test below).
            allowed = (200, 204, 400) if spec["id"] == "_pages_location" else (200, 204)
            for junk in JUNK:
                status = _post(client, _body(dep, values, {i: junk}, changed))
                if status not in allowed:
                    failures.append((dep["output"][:60], spec["id"][:40], spec["property"], repr(junk)[:30], status))
    assert failures == []


def test_a_request_naming_no_trigger_is_answered(client, values):
    """changedPropIds may be empty (the renderer sends that for initial calls); exports then give CSV."""
    failures = []
    for dep in _server_callbacks(client):
        body = {**_body(dep, values, {}), "changedPropIds": []}
        status = _post(client, body)
        if status not in (200, 204):
            failures.append((dep["output"][:60], status))
    assert failures == []


@given(data=st.data())
@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_random_json_in_every_slot_at_once_never_gives_5xx(client, values, data):
    deps = _server_callbacks(client)
    dep = data.draw(st.sampled_from(deps), label="callback")
    n = len(dep["inputs"]) + len(dep["state"])
    replace = data.draw(st.dictionaries(st.integers(0, n - 1), json_values, max_size=n), label="values")
    allowed = (200, 204, 400) if "_pages_content" in dep["output"] else (200, 204)
    assert _post(client, _body(dep, values, replace)) in allowed, (dep["output"][:60], replace)


def _shapes(dep: dict, values: dict) -> dict[str, object]:
    """Requests of the wrong shape for ``dep`` (name → body)."""
    good = _body(dep, values, {})

    def without(key):
        return {k: v for k, v in good.items() if k != key}

    def with_(**kw):
        return {**good, **kw}

    return {
        "empty body": b"", "not json": b"{not json", "truncated": json.dumps(good)[:-3], "array": [], "string": "x",
        "null": None, "number": 1, "empty object": {}, "no output": without("output"), "output number": with_(output=1),
        "unknown output": with_(output="nope.children"), "output of a clientside callback":
            with_(output="map-export-present.title"),
        "output list": with_(output=[dep["output"]]), "no inputs": without("inputs"),
        "inputs object": with_(inputs={"a": 1}), "inputs text": with_(inputs="abc"),
        "inputs short": with_(inputs=good["inputs"][:-1]), "inputs long": with_(inputs=good["inputs"] * 2 + [{}]),
        "inputs numbers": with_(inputs=[1] * len(good["inputs"])),
        "inputs without ids": with_(inputs=[{"value": 1}] * len(good["inputs"])),
        "inputs of another callback": with_(inputs=[{"id": "zzz", "property": "value", "value": 1}]
                                            * len(good["inputs"])),
        "state text": with_(state="x"), "state extra": with_(state=[*good["state"], {"id": "x", "property": "y"}]),
        "no outputs": without("outputs"), "outputs text": with_(outputs="x"), "outputs number": with_(outputs=5),
        "outputs too few": with_(outputs=[{"id": "x", "property": "y"}]), "outputs junk": with_(outputs=[1, 2]),
        "changedPropIds text": with_(changedPropIds="abc"), "changedPropIds numbers": with_(changedPropIds=[1]),
        "changedPropIds unknown": with_(changedPropIds=["zzz.value"]),
        "changedPropIds pattern": with_(changedPropIds=['{"a":1}.value']),
        "changedPropIds nested": with_(changedPropIds=[["x"]]),
        "deeply nested body": ("[" * 100_000 + "]" * 100_000).encode(),
        "deeply nested value": json.dumps(good).replace('"changedPropIds"', '"x": ' + "[" * 5000 + "]" * 5000
                                                        + ', "changedPropIds"'),
        "NaN": json.dumps(good).replace('"changedPropIds"', '"x": NaN, "changedPropIds"'),
        "1e999": json.dumps(good).replace('"changedPropIds"', '"x": 1e999, "changedPropIds"'),
        "invalid UTF-8": json.dumps(good).encode().replace(b'"output"', b'"\xff\xfe", "output"'),
        "lone surrogate": json.dumps(good).replace('"changedPropIds"', '"x": "\\ud800", "changedPropIds"'),
    }


def test_requests_of_the_wrong_shape_get_4xx(client, values):
    """Malformed bodies, wrong outputs, inputs that are not the callback's: 4xx for all, with a reason."""
    deps = _server_callbacks(client)
    router = next(d for d in deps if "_pages_content" in d["output"])
    index = next(d for d in deps if "index-map.figure" in d["output"])     # pattern-matching inputs
    upload = next(d for d in deps if "data-upload-result" in d["output"])
    failures = []
    for dep in (router, index, upload):
        for name, body in _shapes(dep, values).items():
            data = body if isinstance(body, bytes | str) and name != "string" else json.dumps(body)
            resp = client.post("/_dash-update-component", data=data, content_type="application/json")
            if not 400 <= resp.status_code < 500:
                failures.append((dep["output"][:40], name, resp.status_code))
            elif resp.is_json and "error" not in resp.get_json():
                failures.append((dep["output"][:40], name, "no reason given"))
    assert failures == []
    resp = client.post("/_dash-update-component", data=json.dumps(_body(router, values, {})), content_type="text/plain")
    assert resp.status_code == 415


@pytest.mark.parametrize(("pathname", "search"), [
    ("", ""), (None, ""), (12, ""), (["/map"], ""), ("map", ""), ("/map", 5), ("/map", ["?a"]), ("/map", {"a": 1}),
])
def test_page_router_refuses_an_address_no_browser_sends(client, values, pathname, search):
    deps = _server_callbacks(client)
    router = next(d for d in deps if "_pages_content" in d["output"])
    specs = router["inputs"]
    replace = {i: pathname if s["property"] == "pathname" else search for i, s in enumerate(specs)}
    assert _post(client, _body(router, values, replace)) == 400


# --- the open data API ------------------------------------------------------------------------------

API_VALUES = ["", "A1101", "univ_students_per_1000", "lq_employees", "C2208", "2022", "1900", "2100", "-1", "0",
              "99999999999999999999", "１２", "municipality", "prefecture", "group", "csv", "json", "13", "13101",
              "47356", "00", "employees", "value_added", "nation", "A1101=2,aging_rate=x", "A1101,aging_rate", ",,,",
              "A1101=nan", "A1101=inf", "A1101=1e308", "\x00", "x" * 3000, "en", "per_1000", "relative",
              "'; DROP TABLE obs; --", "%FF", "%00", "%E3%81"]
API_KEYS = [*sorted({p.name for e in api_spec.ENDPOINTS for p in e.params if p.where == "query"}), "zzz", "", "a[b]"]


def _qs(items: list[tuple[str, str]]) -> str:
    # Values starting with % go raw: percent-escapes that are not valid UTF-8.
    return "&".join(f"{urllib.parse.quote(k)}={v if v.startswith('%') else urllib.parse.quote(v)}" for k, v in items)


@pytest.mark.parametrize("endpoint", api_spec.ENDPOINTS, ids=lambda e: e.path)
@given(data=st.data())
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_random_query_strings_never_give_5xx(client, endpoint, data):
    value = st.sampled_from(API_VALUES) | st.text(max_size=12)
    items = data.draw(st.lists(st.tuples(st.sampled_from(API_KEYS), value), max_size=5), label="query")
    path = endpoint.path
    if "{id}" in path:
        path = path.replace("{id}", urllib.parse.quote(data.draw(value, label="id"), safe="") or "A1101")
    headers = data.draw(st.fixed_dictionaries({}, optional={
        "Accept": st.sampled_from(["text/csv", "*/*", "application/json;q=0", "\x00"]),
        "If-None-Match": st.sampled_from(['"x"', "*", "", "W/" + "a" * 500]),
        "Accept-Encoding": st.sampled_from(["gzip", "br", "identity;q=0", "*"])}), label="headers")
    resp = client.get(f"{api_spec.PREFIX}{path}?{_qs(items)}", headers=headers)
    assert resp.status_code < 500, (path, items, resp.status_code)
    if resp.status_code >= 400:
        assert resp.mimetype == "application/problem+json", (path, items)


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH", "TRACE"])
def test_api_every_method_answers_without_5xx(client, method):
    resp = client.open(f"{api_spec.PREFIX}/values?indicator=A1101", method=method, data=b"{}")
    assert resp.status_code < 500, (method, resp.status_code)


def test_a_5xx_would_be_caught(client, values, monkeypatch):
    """The fuzzers can fail: a callback that raises is seen as a 500 by the same helper."""
    from callbacks import data_callbacks

    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(data_callbacks, "update_catalog", broken)
    dep = next(d for d in _server_callbacks(client) if d["output"].startswith("..data-catalog-table.children"))
    try:
        status = _post(client, _body(dep, values, {}))
    except HTTPException:   # pragma: no cover - the client returns statuses
        status = 0
    assert status == 500
