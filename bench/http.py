"""Minimal HTTP helpers: Dash callback POSTs with gzip, timing and raw byte counts."""

from __future__ import annotations

import http.client
import json
import time

from callbacks.warm import callback_body


def dependencies(port: int) -> list[dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/_dash-dependencies")
    return json.loads(conn.getresponse().read())


def find_callback(deps: list[dict], output_fragment: str) -> dict:
    for d in deps:
        if output_fragment in d["output"]:
            return d
    raise KeyError(output_fragment)


def payload(dep: dict, inputs: dict, state: dict, changed: list[str]) -> bytes:
    """A request body like the one dash-renderer sends for ``dep`` (the workers' warm-up builds the same)."""
    return callback_body(dep, inputs, state, changed)


def post(port: int, body: bytes) -> tuple[float, int, int, bytes]:
    """(seconds, status, bytes on the wire (gzip), raw body) for one callback request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    t0 = time.perf_counter()
    conn.request("POST", "/_dash-update-component", body=body,
                 headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"})
    resp = conn.getresponse()
    raw = resp.read()
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed, resp.status, len(raw), raw


def get(port: int, path: str) -> tuple[float, int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    return time.perf_counter() - t0, resp.status, len(raw)


def decoded(raw: bytes) -> str:
    import gzip

    try:
        return gzip.decompress(raw).decode("utf-8")
    except OSError:
        return raw.decode("utf-8", errors="replace")
