"""Load test against gunicorn on loopback (short CI setting): many users, an import in the middle of
them, zero errors, and every worker on the new data afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from bench import scenarios
from bench.load import run_load, watch_workers, worker_pids
from bench.server import ROOT, gunicorn


@pytest.fixture
def gunicorn_server(user_dir, bundled_serving_db):
    env = {"CHIIKI_USER_DIR": str(user_dir)}
    with gunicorn("app:server", env=env) as (port, _, master):
        yield port, master


@pytest.fixture
def server(gunicorn_server):
    return gunicorn_server[0]


def test_simulated_users_get_no_errors_while_an_import_lands(gunicorn_server, tmp_path):
    port, master = gunicorn_server
    requests = (scenarios.map_requests(port, "prefecture") + scenarios.map_requests(port, "municipality")
                + scenarios.profile_requests(port) + scenarios.compare_requests(port))
    users = int(os.environ.get("CHIIKI_LOAD_USERS", "10"))
    seconds = float(os.environ.get("CHIIKI_LOAD_SECONDS", "5"))
    upload = tmp_path / "vc.csv"
    upload.write_text("region,indicator_id,year,value\n東京都,vc_investment,2022,5\n", encoding="utf-8")

    def import_now():
        done = subprocess.run([sys.executable, "-m", "chiiki_cli", "import", "tidy", str(upload)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        return done.returncode, done.stderr

    result = run_load(port, requests, users=users, seconds=seconds, midway=import_now)
    assert result["midway"][0] == 0, result["midway"]   # the import succeeded under load
    assert result["errors"] == 0, result["first_errors"]
    assert result["requests"] > users          # every user got answers, not just one
    assert result["seconds"] < seconds + 30     # bounded: it stops by itself
    # Every worker serves the import within 2 s of it finishing (the load may have ended sooner).
    pids = worker_pids(master)
    deadline = result["midway_done"] + 2.0
    switched = watch_workers(port, pids, lambda b: b.get("imports") == 1,
                             timeout=max(0.5, deadline - time.monotonic()))
    assert switched.keys() == pids, f"workers still on the old data 2 s after the import: {pids - switched.keys()}"


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
