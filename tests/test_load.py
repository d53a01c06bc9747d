"""Load test against gunicorn on loopback (short CI setting): many users, zero errors."""

from __future__ import annotations

import os

import pytest

from bench import scenarios
from bench.load import run_load
from bench.server import gunicorn


@pytest.fixture
def server(user_dir, bundled_serving_db):
    env = {"CHIIKI_USER_DIR": str(user_dir)}
    with gunicorn("app:server", env=env) as (port, _, _):
        yield port


def test_simulated_users_get_no_errors(server):
    requests = (scenarios.map_requests(server, "prefecture") + scenarios.map_requests(server, "municipality")
                + scenarios.profile_requests(server) + scenarios.compare_requests(server))
    users = int(os.environ.get("CHIIKI_LOAD_USERS", "10"))
    seconds = float(os.environ.get("CHIIKI_LOAD_SECONDS", "5"))
    result = run_load(server, requests, users=users, seconds=seconds)
    assert result["errors"] == 0, result["first_errors"]
    assert result["requests"] > users          # every user got answers, not just one
    assert result["seconds"] < seconds + 30     # bounded: it stops by itself


JUNK = [None, "", "'; DROP TABLE obs; --", -1, 10**12, "zzz", ["a"], {"x": 1}, "<script>", "９９"]


def test_junk_callback_inputs_never_give_500(server):
    """Values no control can produce, posted the way the browser posts them: always an answer, never a 500."""
    import itertools

    from bench.http import dependencies, find_callback, payload, post

    deps = dependencies(server)
    cases = [("map-graph.figure", ["map-indicator.value", "map-year.value", "map-level.value",
                                   "map-normalisation.value", "map-classes.value", "map-breaks.value"]),
             ("compare-bars.figure", ["compare-regions.value", "compare-indicator.value", "compare-x.value"]),
             ("industry-heatmap.figure", ["industry-measure.value", "industry-year.value", "industry-sort.value"])]
    for output, props in cases:
        dep = find_callback(deps, output)
        for prop, junk in itertools.product(props, JUNK):
            body = payload(dep, {prop: junk}, {"app-lang.data": junk}, [prop])
            _, status, _, _ = post(server, body)
            assert status in (200, 204), (output, prop, junk, status)
    # Page URLs: a browser always sends a path starting with "/" and any query string.
    router = find_callback(deps, "_pages_content.children")
    paths = ["/", "/map", "/profile", "/compare", "/industry", "/index", "/data", "/nope", "/map/../data"]
    queries = ["", "?ind=%27%3B+DROP", "?year=-1&level=<x>", "?regions=-1,,,", "?lang=zz&present=maybe",
               "?" + "a" * 3000]
    for path, search in itertools.product(paths, queries):
        body = payload(router, {"_pages_location.pathname": path, "_pages_location.search": search}, {},
                       ["_pages_location.search"])
        _, status, _, _ = post(server, body)
        assert status == 200, (path, search, status)
