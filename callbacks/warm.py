"""Warm a server process before it takes its first request.

The figures behind every page are precomputed into the serving file (:mod:`metrics.precompute`); what
is left on a process's first request is the process's own first use of things: modules imported on
first call, plotly's figure validators, Dash's callback dispatch, the per-version lists every page
reads (catalog, region names, picker options). :func:`warm_process` sends each page, in both languages,
and a call of each API family through the app itself (Flask's test client, so the path is exactly a
user's), before gunicorn lets the worker accept (``post_worker_init`` in deploy/gunicorn.conf.py).

Bounded: it stops starting requests after ``CHIIKI_WARM_SECONDS`` (default 20; 0 turns it off), and a
request that fails is logged and skipped: warming never keeps a worker from serving.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
import time
from collections.abc import Iterable

log = logging.getLogger(__name__)

ENV = "CHIIKI_WARM_SECONDS"
DEFAULT_SECONDS = 20.0
# Marks the warm-up's requests, so the access log (one line per user request) leaves them out.
ENVIRON_FLAG = "chiiki.warm_up"
# This process's last warm-up, as /healthz shows it (None until one ran).
LAST_REPORT: dict | None = None

# A page per kind of view, and the views whose first request computes more than a page default does.
PAGE_VIEWS = ("/", "/map", "/map?level=municipality", "/profile?region=13", "/profile?region=08202", "/compare",
              "/industry", "/index", "/data", "/api")
API_VIEWS = ("/api/v1/indicators", "/api/v1/values?indicator=A1101", "/api/v1/compare?indicator=A1101",
             "/api/v1/lq?measure=employees", "/api/v1/index", "/api/v1/findings?region=13",
             "/api/v1/peers?region=08202", "/api/v1/profile?region=08202")


def budget_seconds() -> float:
    raw = os.environ.get(ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_SECONDS
    except ValueError:
        return DEFAULT_SECONDS


def callback_body(dep: dict, inputs: dict, state: dict, changed: Iterable[str]) -> bytes:
    """The body dash-renderer posts for callback ``dep`` (an entry of ``/_dash-dependencies``)."""
    outs = []
    for part in dep["output"].strip(".").split("..."):
        cid, prop = part.rsplit(".", 1)
        outs.append({"id": cid, "property": prop})
    body = {
        "output": dep["output"],
        "outputs": outs if len(outs) > 1 else outs[0],
        "inputs": [{"id": i["id"], "property": i["property"], "value": inputs.get(f"{i['id']}.{i['property']}")}
                   for i in dep["inputs"]],
        "state": [{"id": s["id"], "property": s["property"], "value": state.get(f"{s['id']}.{s['property']}")}
                  for s in dep["state"]],
        "changedPropIds": list(changed),
    }
    return json.dumps(body).encode()


def warm_process(server, seconds: float | None = None) -> dict:
    """Send the warm-up requests to ``server`` (a Flask app); returns what was sent, failed and took.

    >>> # in deploy/gunicorn.conf.py:  def post_worker_init(worker): app.warm_up()
    """
    global LAST_REPORT
    seconds = budget_seconds() if seconds is None else seconds
    report = {"sent": 0, "failed": [], "seconds": 0.0, "stopped_early": False}
    if seconds <= 0:
        return report
    LAST_REPORT = report
    try:
        # Build or open the serving file first, outside the budget: on a fresh install the first worker
        # builds it (the others wait on its lock), and that must not use up the time for warming.
        from loaders.store import get_store

        get_store()
    except Exception:   # nothing serves yet: the requests below fail and are reported
        pass
    t0 = time.monotonic()
    client = server.test_client()
    environ = {ENVIRON_FLAG: True}

    def send(method: str, path: str, body: bytes | None = None) -> None:
        try:
            resp = (client.post(path, data=body, content_type="application/json", environ_base=environ)
                    if method == "POST" else client.get(path, environ_base=environ))
            if resp.status_code != 200:
                report["failed"].append(f"{method} {path[:80]}: {resp.status_code}")
        except Exception as exc:
            report["failed"].append(f"{method} {path[:80]}: {exc}")
        report["sent"] += 1

    send("GET", "/")
    deps = client.get("/_dash-dependencies", environ_base=environ).get_json() or []
    router = next((d for d in deps if "_pages_content.children" in d["output"]), None)
    steps: list[tuple[str, str, bytes | None]] = []
    for view in PAGE_VIEWS:
        path, _, query = view.partition("?")
        for lang in ("", "lang=en"):
            search = "&".join(q for q in (query, lang) if q)
            if router is not None:
                where = {"_pages_location.pathname": path, "_pages_location.search": f"?{search}" if search else ""}
                steps.append(("POST", "/_dash-update-component",
                              callback_body(router, where, {}, ["_pages_location.search"])))
    steps += [("GET", p, None) for p in API_VIEWS]
    for method, path, body in steps:
        if time.monotonic() - t0 > seconds:
            report["stopped_early"] = True
            break
        send(method, path, body)
    # Everything warming allocated lives as long as the process: collect once and move it out of the
    # collector's sight (gc.freeze), or the next full collection, 100-135 ms over 300,000 objects,
    # lands on some user's request.
    gc.collect()
    gc.freeze()
    report["seconds"] = round(time.monotonic() - t0, 2)
    try:
        from loaders.store import get_store

        report["data_version"] = get_store().data_version
    except Exception:   # nothing serves: /healthz says so on its own
        report["data_version"] = None
    (log.warning if report["failed"] or report["stopped_early"] else log.info)(
        "warm-up: %d requests in %.1f s%s%s", report["sent"], report["seconds"],
        f"; failed: {'; '.join(report['failed'][:5])}" if report["failed"] else "",
        f"; stopped after {seconds:g} s ({ENV})" if report["stopped_early"] else "")
    return report


def keep_warm(server, interval: float = 0.5) -> threading.Thread:
    """Warm again whenever the serving file changes (an import from any process swapped it in).

    A daemon thread looks at the store every ``interval`` seconds (a ``stat``; the look itself moves
    this process to the new file, as a request would) and, on a new version, sends the warm-up requests
    again, so the first user after an import finds the new version's lists and pages ready too.
    """
    from loaders.store import get_store

    def loop() -> None:
        seen = None
        while True:
            time.sleep(interval)
            try:
                version = get_store().version
            except Exception:   # nothing to serve right now; /healthz reports it
                continue
            if seen is not None and version != seen:
                warm_process(server)
            seen = version

    thread = threading.Thread(target=loop, name="chiiki-keep-warm", daemon=True)
    thread.start()
    return thread
