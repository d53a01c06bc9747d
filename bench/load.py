"""Load test: simulated users cycling through the pages' callbacks, bounded in count and time, with an
optional action (an import) in the middle; and helpers that watch every gunicorn worker's ``/healthz``."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.http import post


def run_load(port: int, requests: list[bytes], *, users: int, seconds: float, max_requests: int = 200_000,
             think: float = 0.0, seed: int = 0, midway: Callable[[], object] | None = None) -> dict:
    """``users`` threads send random requests from ``requests`` until ``seconds`` or ``max_requests`` pass.

    ``midway``, if given, runs once in its own thread after half of ``seconds`` (e.g. an import); the
    load waits for it to finish, and the result reports what it returned (``midway``, or the repr of
    what it raised) and when it started and ended (``midway_started``, ``midway_done``: ``time.monotonic()``).
    Errors of the requests never raise; they are counted in ``errors``.
    """
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.perf_counter() + seconds
    count = [0]
    side: dict[str, object] = {}

    def user(n: int) -> None:
        rnd = random.Random(seed + n)
        while time.perf_counter() < stop:
            with lock:
                if count[0] >= max_requests:
                    return
                count[0] += 1
            try:
                elapsed, status, _, _ = post(port, rnd.choice(requests))
            except OSError as exc:
                with lock:
                    errors.append(repr(exc))
                continue
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(f"HTTP {status}")
            if think:
                time.sleep(think)

    def middle() -> None:
        time.sleep(seconds / 2)
        side["midway_started"] = time.monotonic()
        try:
            side["midway"] = midway()
        except Exception as exc:   # reported, not raised: the load's own figures still count
            side["midway"] = repr(exc)
        side["midway_done"] = time.monotonic()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    if midway is not None:
        threads.append(threading.Thread(target=middle))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    return {"users": users, "seconds": round(elapsed, 2), "requests": len(latencies), "errors": len(errors),
            "first_errors": errors[:5], "throughput_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0,
            "p95_ms": round(p95 * 1000, 1), **side}


def get_json(port: int, path: str, *, timeout: float = 30) -> tuple[int, dict]:
    """(status, decoded JSON body) of one GET; a body that is not JSON gives ``{}``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    try:
        return resp.status, json.loads(raw)
    except ValueError:
        return resp.status, {}


def worker_pids(master_pid: int) -> set[int]:
    """The gunicorn workers of a master process (its children), from /proc."""
    try:
        text = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    except OSError:
        return set()
    return {int(p) for p in text.split()}


def watch_workers(port: int, pids: set[int], accept: Callable[[dict], bool], *, timeout: float,
                  concurrency: int = 6) -> dict[int, float]:
    """Ask ``/healthz`` from ``concurrency`` threads until every worker in ``pids`` has answered with a
    body that ``accept`` takes, or ``timeout`` seconds pass.

    Concurrent requests keep every sync worker busy, so each of them gets asked. Returns, for each
    worker that was accepted, the seconds until it first was (workers missing from the result never
    were). A worker that answers with something else, or an error status, is asked again.
    """
    t0 = time.monotonic()
    found: dict[int, float] = {}
    lock = threading.Lock()

    def ask() -> None:
        while time.monotonic() - t0 < timeout:
            with lock:
                if pids <= found.keys():
                    return
            try:
                status, body = get_json(port, "/healthz", timeout=max(timeout, 1))
            except OSError:
                continue
            if status == 200 and accept(body):
                with lock:
                    found.setdefault(body.get("worker"), time.monotonic() - t0)

    threads = [threading.Thread(target=ask) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {pid: s for pid, s in found.items() if pid in pids}
