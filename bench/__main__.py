"""``python -m bench``: measure the dashboard and a naive baseline side by side, check the budgets.

Writes ``bench/results/latest.json`` and the markdown table in ``bench/README.md``; exits 1 when a
budget is missed. ``--short`` is the CI setting (fewer repetitions, a short load test).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import threading
import time
from importlib.metadata import version
from pathlib import Path

from bench import scenarios
from bench.http import decoded, get, post
from bench.load import get_json, run_load, watch_workers, worker_pids
from bench.server import ROOT, gunicorn, peak_rss_mb, serving_env

BUDGETS = json.loads((Path(__file__).parent / "budgets.json").read_text())


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))]


def latency(port: int, requests: list[bytes], repeats: int, warmup: int = 2) -> dict:
    """Sequential requests (after warm-up rounds that also fill each worker's caches)."""
    cold = []
    for _ in range(warmup):
        for body in requests:
            elapsed, status, _, _ = post(port, body)
            cold.append(elapsed)
            assert status == 200, status
    times, sizes, coords = [], [], False
    for _ in range(repeats):
        for body in requests:
            elapsed, status, size, raw = post(port, body)
            assert status == 200, status
            times.append(elapsed)
            sizes.append(size)
            coords = coords or '"coordinates"' in decoded(raw)
    return {"n": len(times), "p50_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(pct(times, 0.95) * 1000, 2), "max_ms": round(max(times) * 1000, 2),
            "first_pass_p50_ms": round(statistics.median(cold[: len(requests)]) * 1000, 2),
            "bytes_median": int(statistics.median(sizes)), "bytes_max": max(sizes), "carries_coordinates": coords}


def api_latency(port: int, paths: list[str], repeats: int, warmup: int = 2) -> dict:
    """Sequential GETs of API URLs after warm-up rounds (each worker fills its memo once)."""
    for _ in range(warmup):
        for path in paths:
            _, status, _ = get(port, path)
            assert status == 200, (status, path)
    times, sizes = [], []
    for _ in range(repeats):
        for path in paths:
            elapsed, status, size = get(port, path)
            assert status == 200, (status, path)
            times.append(elapsed)
            sizes.append(size)
    return {"n": len(times), "p50_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(pct(times, 0.95) * 1000, 2), "max_ms": round(max(times) * 1000, 2),
            "bytes_median": int(statistics.median(sizes))}


def import_tidy(user_dir: str, value: float) -> int:
    """Import one made-up observation (bench data, in a throwaway user directory) as an administrator
    would, on the command line; the exit status."""
    import subprocess

    upload = Path(user_dir) / f"bench-import-{value:g}.csv"
    upload.write_text(f"region,indicator_id,year,value\n東京都,vc_investment,2022,{value:g}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "chiiki_cli", "import", "tidy", str(upload)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    return done.returncode


def cold_pass(port: int, groups: dict[str, list[tuple[str, bytes | str]]]) -> dict:
    """Each request once, in order: every one is the first of its view in the worker that answers it.

    Per group: the times (ms) and their p50 / max. The max is what a user meets on a worker's first
    request of that kind, so it is what the budget is held against.
    """
    out = {}
    for group, reqs in groups.items():
        times = []
        for kind, what in reqs:
            if kind == "post":
                elapsed, status, _, _ = post(port, what)
            else:
                elapsed, status, _ = get(port, what)
            assert status == 200, (group, status, what if kind == "get" else what[:200])
            times.append(round(elapsed * 1000, 1))
        out[group] = {"n": len(times), "ms": times, "p50_ms": round(statistics.median(times), 1),
                      "max_ms": max(times)}
    return out


def cold_after_import(port: int, master: int, user_dir: str, groups: dict) -> dict:
    """An import, then the cold pass once every worker serves its data and has warmed itself on it
    (the workers' keep-warm thread; how long that took after the import is reported too)."""
    _, before = get_json(port, "/healthz")
    status = import_tidy(user_dir, 7)
    pids = worker_pids(master)

    def warmed(body: dict) -> bool:
        w = body.get("warm_up")   # None: a worker that does not warm itself (CHIIKI_WARM_SECONDS=0)
        return body.get("imports") == before["imports"] + 1 and (
            w is None or w.get("data_version") == body.get("data_version"))

    ready = watch_workers(port, pids, warmed, timeout=60)
    assert status == 0 and ready.keys() == pids, (status, ready, pids)
    out = cold_pass(port, groups)
    out["_warmed_after_s"] = round(max(ready.values()), 2)
    return out


def load_with_import(port: int, master: int, requests: list[bytes], users: int, seconds: float,
                     user_dir: str) -> dict:
    """The load test with an import landing halfway (as an administrator would, on the command line):
    errors, and whether every worker serves the new data within 2 s of the import."""
    out = run_load(port, requests, users=users, seconds=seconds, midway=lambda: import_tidy(user_dir, 5))
    pids = worker_pids(master)
    switched = watch_workers(port, pids, lambda b: b.get("imports") == 1,
                             timeout=max(0.5, out["midway_done"] + 2.0 - time.monotonic()))
    out["import_ok"] = out["midway"] == 0
    out["workers_on_new_data"] = f"{len(switched)}/{len(pids)}"
    out["all_workers_switched"] = bool(pids) and switched.keys() == pids
    return out


def throughput(port: int, requests: list[bytes], total: int, threads: int = 4) -> float:
    done = []
    lock = threading.Lock()

    def worker(k: int) -> None:
        for i in range(k, total, threads):
            _, status, _, _ = post(port, requests[i % len(requests)])
            with lock:
                done.append(status)

    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return round(len(done) / (time.perf_counter() - t0), 1)


def query_bench(repeats: int) -> dict:
    """The app's DuckDB queries (uncached) against the naive pandas read of the Parquet files."""
    from bench.baseline_app import naive_figure
    from loaders.store import get_store
    from metrics.service import indicator_view

    cur = get_store().cursor()
    cases = [(i, y, "prefecture") for i, y in scenarios.PREF_CHANGES] + \
            [(i, y, "municipality") for i, y in scenarios.MUNI_CHANGES]
    for ind, year, level in cases:
        indicator_view(cur, ind, year, level, "none")
    ours, naive = [], []
    for _ in range(repeats):
        for ind, year, level in cases:
            t0 = time.perf_counter()
            indicator_view(cur, ind, year, level, "none")
            ours.append(time.perf_counter() - t0)
    for ind, year, level in cases[:4]:
        t0 = time.perf_counter()
        naive_figure(ind, year, level)
        naive.append(time.perf_counter() - t0)
    return {"n": len(ours), "p50_ms": round(statistics.median(ours) * 1000, 2),
            "p95_ms": round(pct(ours, 0.95) * 1000, 2),
            "baseline_p50_ms": round(statistics.median(naive) * 1000, 2)}


def worker_peaks_mb(master: int) -> dict[int, float]:
    """Peak resident set (VmHWM) of each gunicorn worker of ``master``, in MB."""
    out = {}
    try:
        children = [int(c) for c in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return out
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
        out[pid] = round(kb / 1024, 1)
    return out


def post_raw(port: int, body: bytes | int, path: str = "/_dash-update-component") -> tuple[int, float]:
    """(status, seconds until the status line) for a POST of ``body`` (bytes, or that many zero bytes).

    The server may answer and hang up before the body is sent (a 413 for a declared length over the
    limit), so the body goes from another thread and a broken pipe is the expected end of it.
    """
    import socket

    size = body if isinstance(body, int) else len(body)
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    t0 = time.perf_counter()
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {size}\r\nConnection: close\r\n\r\n".encode())

    def send() -> None:
        chunk = b"\0" * 65536
        try:
            if isinstance(body, int):
                for _ in range(0, body, len(chunk)):
                    sock.sendall(chunk)
            else:
                sock.sendall(body)
        except OSError:
            pass

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    data = b""
    try:
        while b"\r\n" not in data:
            part = sock.recv(4096)
            if not part:
                break
            data += part
    finally:
        elapsed = time.perf_counter() - t0
        sock.close()
        sender.join(10)
    return (int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0), elapsed


def body_limit(env: dict) -> dict:
    """Peak RSS per worker when bodies reach the request limit (CHIIKI_MAX_REQUEST_MB, 20 MB).

    A fresh server (2 workers, an admin token so uploads are imported), warmed with map requests, gets
    uploads whose callback request is just under the limit (a tidy CSV refused after a full parse for
    duplicate rows, so nothing changes) and bodies over it; then each worker's VmHWM is read.
    """
    import base64
    import secrets

    from callbacks.data_callbacks import max_request_bytes

    limit = max_request_bytes()
    token = secrets.token_urlsafe(24)
    with gunicorn("app:server", env={**env, "CHIIKI_ADMIN_TOKEN": token}) as (port, _, pid):
        for body in scenarios.map_requests(port, "prefecture") * 2:
            post(port, body)
        idle = worker_peaks_mb(pid)
        dep = scenarios.find_callback(scenarios.dependencies(port), "data-upload-result.children")
        row = "東京都,vc_investment,2022,5\n".encode()
        room = (limit - 256 * 1024) * 3 // 4
        csv = b"region,indicator_id,year,value\n" + row * ((room - 40) // len(row))
        values = {"data-upload.contents": "data:text/csv;base64," + base64.b64encode(csv).decode(),
                  "data-upload.filename": "bench.csv", "data-upload-kind.value": "tidy",
                  "data-upload-token.value": token, "data-status.value": "all", "app-lang.data": "ja"}
        under = scenarios.payload(dep, values, values, ["data-upload.contents"])
        assert len(under) < limit, (len(under), limit)
        under_runs = [post_raw(port, under) for _ in range(4)]    # twice per worker, on average
        over_size = limit + 5 * 1024 * 1024
        over_runs = [post_raw(port, over_size) for _ in range(4)]
        peaks = worker_peaks_mb(pid)
    return {"limit_mb": round(limit / 1024 / 1024, 1), "under_mb": round(len(under) / 1024 / 1024, 1),
            "over_mb": round(over_size / 1024 / 1024, 1), "under_status": sorted({s for s, _ in under_runs}),
            "under_s_max": round(max(t for _, t in under_runs), 2), "over_status": sorted({s for s, _ in over_runs}),
            "over_ms_max": round(max(t for _, t in over_runs) * 1000, 1), "idle_worker_rss_mb": sorted(idle.values()),
            "worker_peak_rss_mb": sorted(peaks.values()), "worker_peak_rss_mb_max": max(peaks.values(), default=None)}


def assets() -> dict:
    out = {}
    for name in ("prefectures", "municipalities"):
        for ext in ("geojson", "topojson"):
            raw = (ROOT / "assets" / "geo" / f"{name}.{ext}").read_bytes()
            entry = {"raw_bytes": len(raw), "gzip_bytes": len(gzip.compress(raw, 6))}
            if ext == "geojson":
                doc = json.loads(raw)
                verts = 0
                for f in doc["features"]:
                    g = f["geometry"]
                    polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
                    verts += sum(len(r) for p in polys for r in p)
                entry["vertices"] = verts
            out[f"{name}.{ext}"] = entry
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--short", action="store_true", help="CI setting: fewer repetitions, 5 s load test")
    ap.add_argument("--load-users", type=int, default=None)
    ap.add_argument("--load-seconds", type=float, default=None)
    ap.add_argument("--browser", action=argparse.BooleanOptionalAction, default=None,
                    help="headless Chromium pass with throttling (default: on for full runs)")
    args = ap.parse_args(argv)
    repeats = 3 if args.short else 20
    users = args.load_users or (10 if args.short else 50)
    seconds = args.load_seconds or (5 if args.short else 60)

    env = serving_env("chiiki-bench-")
    user_dir = env["CHIIKI_USER_DIR"]

    result: dict = {"versions": {p: version(p) for p in ("dash", "plotly", "duckdb", "pandas", "gunicorn")},
                    "python": platform.python_version(), "cores": os.cpu_count(), "short": args.short,
                    "budgets": BUDGETS}
    result["assets"] = assets()
    result["queries"] = query_bench(5 if args.short else 30)

    with gunicorn("app:server", env=env) as (port, ready_s, pid):
        result["cold_start_s"] = round(ready_s, 2)
        # First, before anything else has touched the workers: every view's first request; then the
        # same requests again (each view's second request) for the warm figure of the same views.
        result["cold_after_start"] = cold_pass(port, scenarios.cold_requests(port))
        result["warm_views"] = cold_pass(port, scenarios.cold_requests(port))
        t_first, _, _ = get(port, "/map")
        page = scenarios.map_requests(port, "prefecture")
        router = scenarios.find_callback(scenarios.dependencies(port), "_pages_content.children")
        t0 = time.perf_counter()
        post(port, scenarios.payload(router, {"_pages_location.pathname": "/map", "_pages_location.search": ""}, {},
                                     ["_pages_location.pathname"]))
        result["first_page_s"] = round(ready_s + t_first + (time.perf_counter() - t0), 2)
        pref = scenarios.map_requests(port, "prefecture")
        muni = scenarios.map_requests(port, "municipality")
        result["map_prefecture"] = latency(port, pref, repeats)
        result["map_municipality"] = latency(port, muni, repeats)
        # Four warm-up rounds: with two workers, each must have seen each view once to be "warm".
        result["profile"] = latency(port, scenarios.profile_requests(port), max(1, repeats // 2), warmup=4)
        result["compare"] = latency(port, scenarios.compare_requests(port), max(1, repeats // 2), warmup=4)
        result["municipal_profile"] = latency(port, scenarios.municipal_profile_requests(port),
                                              max(1, repeats // 2), warmup=4)
        result["municipal_compare"] = latency(port, scenarios.municipal_compare_requests(port),
                                              max(1, repeats // 2), warmup=4)
        result["api_values"] = api_latency(port, scenarios.API_VALUES, repeats * 3, warmup=4)
        result["api_muni_lq"] = api_latency(port, scenarios.API_MUNI_LQ, repeats, warmup=4)
        result["recolours_per_s"] = throughput(port, pref, 200 if args.short else 1000)
        everything = pref + muni + scenarios.profile_requests(port) + scenarios.compare_requests(port)
        result["load"] = load_with_import(port, pid, everything, users, seconds, user_dir)
        result["cold_after_import"] = cold_after_import(port, pid, user_dir, scenarios.cold_requests(port))
        result["peak_rss_mb"] = round(peak_rss_mb(pid), 1)
        del page
        if args.browser if args.browser is not None else not args.short:
            from bench.browser import browser_pass

            result["browser"] = [browser_pass(port, cpu) for cpu in (1.0, 4.0)]

    result["body_limit"] = body_limit(env)

    with gunicorn("bench.baseline_app:server", env=env) as (port, ready_s, _):
        result["baseline_cold_start_s"] = round(ready_s, 2)
        base_rep = 2 if args.short else 5
        result["baseline_map_prefecture"] = latency(port, scenarios.baseline_requests(port, "prefecture"), base_rep, 1)
        result["baseline_map_municipality"] = latency(port, scenarios.baseline_requests(port, "municipality"),
                                                      base_rep, 1)
        result["baseline_recolours_per_s"] = throughput(port, scenarios.baseline_requests(port, "prefecture"),
                                                        40 if args.short else 100)

    checks = budget_checks(result)
    result["checks"] = checks
    out_dir = Path(__file__).parent / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    table = markdown(result)
    print(table)
    if not args.short:
        write_readme(table)
    failed = [c for c in checks if not c["ok"]]
    for c in failed:
        print(f"BUDGET MISSED: {c['name']}: {c['value']} (budget {c['budget']})", file=sys.stderr)
    return 1 if failed else 0


def budget_checks(r: dict) -> list[dict]:
    b = BUDGETS
    rows = [
        ("callback p95, prefecture map (ms)", r["map_prefecture"]["p95_ms"], b["callback_p95_ms"], "<="),
        ("callback p95, municipal map (ms)", r["map_municipality"]["p95_ms"], b["callback_p95_ms"], "<="),
        ("callback p95, region profile (ms)", r["profile"]["p95_ms"], b["callback_p95_ms"], "<="),
        ("callback p95, compare (ms)", r["compare"]["p95_ms"], b["callback_p95_ms"], "<="),
        ("callback p95, municipal profile (ms)", r["municipal_profile"]["p95_ms"], b["municipal_p95_ms"], "<="),
        ("callback p95, municipal compare (ms)", r["municipal_compare"]["p95_ms"], b["municipal_p95_ms"], "<="),
        ("API p95, prefecture values, 2 workers (ms)", r["api_values"]["p95_ms"], b["api_values_p95_ms"], "<="),
        ("recolours per second, 2 workers", r["recolours_per_s"], b["recolours_per_s"], ">="),
        ("bytes per change, prefectures", r["map_prefecture"]["bytes_max"], b["change_bytes_prefecture"], "<="),
        ("bytes per change, municipalities", r["map_municipality"]["bytes_max"], b["change_bytes_municipality"], "<="),
        ("geometry gzip, prefectures (bytes)", r["assets"]["prefectures.geojson"]["gzip_bytes"],
         b["geometry_gzip_bytes_prefecture"], "<="),
        ("geometry gzip, municipalities (bytes)", r["assets"]["municipalities.geojson"]["gzip_bytes"],
         b["geometry_gzip_bytes_municipality"], "<="),
        ("no callback response carries coordinates", not (r["map_prefecture"]["carries_coordinates"]
                                                          or r["map_municipality"]["carries_coordinates"]), True, "=="),
        ("load test errors", r["load"]["errors"], 0, "<="),
        ("import mid-load: succeeded and every worker on the new data within 2 s",
         bool(r["load"].get("import_ok") and r["load"].get("all_workers_switched")), True, "=="),
    ]
    if "body_limit" in r:
        bl = r["body_limit"]
        rows += [(f"peak RSS per worker, {bl['under_mb']} MB upload and {bl['over_mb']} MB bodies (MB)",
                  bl["worker_peak_rss_mb_max"], b["peak_rss_per_worker_mb"], "<="),
                 (f"bodies over the {bl['limit_mb']} MB limit refused with 413", bl["over_status"], [413], "=="),
                 (f"{bl['under_mb']} MB upload answered", bl["under_status"], [200], "==")]
    cold = b.get("cold_ms", {})
    for phase, label in (("cold_after_start", "first request after start"),
                         ("cold_after_import", "first request after an import"), ("warm_views", "second request")):
        for group, m in r.get(phase, {}).items():
            if group in cold and isinstance(m, dict):
                rows.append((f"{group}, {label}, slowest (ms)", m["max_ms"], cold[group], "<="))
    for run in r.get("browser", []):
        if run["cpu"] == 4.0:
            rows += [("interactive map, prefectures, 4× CPU (s)", run["first_map_s_prefecture"],
                      b["interactive_s_prefecture_4x"], "<=")]
        if run["cpu"] != 1.0:
            continue
        rows += [("interactive map, prefectures, 1× CPU (s)", run["first_map_s_prefecture"],
                  b["interactive_s_prefecture"], "<="),
                 ("interactive map, municipalities, 1× CPU (s)", run["first_map_s_municipality"],
                  b["interactive_s_municipality"], "<=")]
        if "js_gzip_bytes_map" in run:
            rows += [("all JavaScript for /map, gzipped (KB)", round(run["js_gzip_bytes_map"]["total"] / 1000, 1),
                      b["js_gzip_kb_map"], "<=")]
        first = min(run.get("first_preview_s_prefecture", 99), run["first_map_s_prefecture"])
        rows += [("first painted map (static preview), prefectures, 1× CPU (s)", first, b["first_map_s"], "<="),
                 ("repaint, prefectures, 1× CPU (ms)", run["repaint_ms_prefecture"], b["repaint_ms_prefecture"], "<="),
                 ("repaint, municipalities, 1× CPU (ms)", run["repaint_ms_municipality"],
                  b["repaint_ms_municipality"], "<="),
                 ("requests to other hosts", len(run["foreign_hosts"]), 0, "<=")]
    out = []
    for name, value, budget, op in rows:
        ok = value is not None and {"<=": value <= budget, ">=": value >= budget, "==": value == budget}[op]
        out.append({"name": name, "value": value, "budget": budget, "op": op, "ok": bool(ok)})
    return out


def markdown(r: dict) -> str:
    def ratio(ours, base):
        return f"{base / ours:.1f}×" if ours else "—"
    lines = [f"Run: Python {r['python']}, {r['cores']} cores, " +
             ", ".join(f"{k} {v}" for k, v in r["versions"].items()) + (" (short run)" if r["short"] else ""), "",
             "| scenario | ours | naive baseline | ratio |", "|---|---|---|---|"]
    mp, bp = r["map_prefecture"], r["baseline_map_prefecture"]
    mm, bm = r["map_municipality"], r["baseline_map_municipality"]
    lines += [
        f"| prefecture map change, p50 / p95 / max (ms) | {mp['p50_ms']} / {mp['p95_ms']} / {mp['max_ms']} | "
        f"{bp['p50_ms']} / {bp['p95_ms']} / {bp['max_ms']} | {ratio(mp['p95_ms'], bp['p95_ms'])} |",
        f"| prefecture map change, bytes on the wire (gzip) | {mp['bytes_max']:,} | {bp['bytes_max']:,} | "
        f"{ratio(mp['bytes_max'], bp['bytes_max'])} |",
        f"| municipal map change, p50 / p95 / max (ms) | {mm['p50_ms']} / {mm['p95_ms']} / {mm['max_ms']} | "
        f"{bm['p50_ms']} / {bm['p95_ms']} / {bm['max_ms']} | {ratio(mm['p95_ms'], bm['p95_ms'])} |",
        f"| municipal map change, bytes on the wire (gzip) | {mm['bytes_max']:,} | {bm['bytes_max']:,} | "
        f"{ratio(mm['bytes_max'], bm['bytes_max'])} |",
        f"| first request for a view (not yet cached), p50 (ms) | {mp['first_pass_p50_ms']} (pref), "
        f"{mm['first_pass_p50_ms']} (muni) | {bp['first_pass_p50_ms']}, {bm['first_pass_p50_ms']} | |",
        f"| recolours per second, 4 concurrent clients, 2 workers | {r['recolours_per_s']} | "
        f"{r['baseline_recolours_per_s']} | {r['recolours_per_s'] / max(r['baseline_recolours_per_s'], 0.1):.1f}× |",
        f"| region profile page, p50 / p95 (ms) | {r['profile']['p50_ms']} / {r['profile']['p95_ms']} | | |",
        f"| compare update, p50 / p95 (ms) | {r['compare']['p50_ms']} / {r['compare']['p95_ms']} | | |",
        f"| municipal profile, p50 / p95 (ms) | {r['municipal_profile']['p50_ms']} / "
        f"{r['municipal_profile']['p95_ms']} | | |",
        f"| municipal compare, p50 / p95 (ms) | {r['municipal_compare']['p50_ms']} / "
        f"{r['municipal_compare']['p95_ms']} | | |",
        f"| API /values, prefectures, p50 / p95 (ms); ratio to the map callback p95 | {r['api_values']['p50_ms']} / "
        f"{r['api_values']['p95_ms']} | map callback p95 {mp['p95_ms']} | "
        f"{r['api_values']['p95_ms'] / max(mp['p95_ms'], 0.01):.2f} |",
        f"| API /lq, municipalities, p50 / p95 (ms); ratio to the municipal map callback p95 | "
        f"{r['api_muni_lq']['p50_ms']} / {r['api_muni_lq']['p95_ms']} | map callback p95 {mm['p95_ms']} | "
        f"{r['api_muni_lq']['p95_ms'] / max(mm['p95_ms'], 0.01):.2f} |",
        f"| DuckDB view query, p50 / p95 (ms) | {r['queries']['p50_ms']} / {r['queries']['p95_ms']} | "
        f"{r['queries']['baseline_p50_ms']} (pandas + inline figure, p50) | |",
        f"| cold start to first served page (s) | {r['first_page_s']} | {r['baseline_cold_start_s']} (ready) | |",
        f"| peak memory, gunicorn master + 2 workers (MB) | {r['peak_rss_mb']} | | |",
        *([f"| peak RSS per worker (MB) after {r['body_limit']['under_mb']} MB uploads and "
           f"{r['body_limit']['over_mb']} MB bodies (limit {r['body_limit']['limit_mb']} MB); idle | "
           f"{' / '.join(map(str, r['body_limit']['worker_peak_rss_mb']))}; idle "
           f"{' / '.join(map(str, r['body_limit']['idle_worker_rss_mb']))} | | |",
           f"| over-limit body refused (413), slowest (ms); upload under the limit, slowest (s) | "
           f"{r['body_limit']['over_ms_max']}; {r['body_limit']['under_s_max']} | | |"]
          if "body_limit" in r else []),
        f"| load: {r['load']['users']} users × {r['load']['seconds']} s | {r['load']['requests']} requests, "
        f"{r['load']['errors']} errors, {r['load']['throughput_per_s']}/s, p95 {r['load']['p95_ms']} ms; an import "
        f"halfway, workers on the new data {r['load'].get('workers_on_new_data', '—')} | | |",
    ]
    for run in r.get("browser", []):
        lines.append(f"| browser, {run['cpu']:g}× CPU, 10 Mbit/s + 40 ms RTT: first painted map, static preview (s) | "
                     f"{run.get('first_preview_s_prefecture', '—')} | | |")
        lines.append(f"| browser, {run['cpu']:g}× CPU, 10 Mbit/s + 40 ms RTT: interactive map (s) pref / muni; repaint "
                     f"(ms) pref / muni | {run['first_map_s_prefecture']} / {run['first_map_s_municipality']}; "
                     f"{run['repaint_ms_prefecture']} / {run['repaint_ms_municipality']} | | |")
    if "cold_after_start" in r:
        lines += ["", "| first request of each view (ms, slowest) | after start | after an import | second request "
                  "| budget |", "|---|---|---|---|---|"]
        for group, m in r["cold_after_start"].items():
            if not isinstance(m, dict):
                continue
            after = r.get("cold_after_import", {}).get(group, {}).get("max_ms", "—")
            again = r.get("warm_views", {}).get(group, {}).get("max_ms", "—")
            lines.append(f"| {group} ({m['n']} views) | {m['max_ms']} | {after} | {again} | "
                         f"≤ {BUDGETS.get('cold_ms', {}).get(group, '—')} |")
        if "cold_after_import" in r:
            lines.append(f"| (workers switched to the import and warmed on it within "
                         f"{r['cold_after_import']['_warmed_after_s']} s) | | | | |")
    js = next((run["js_gzip_bytes_map"] for run in r.get("browser", []) if "js_gzip_bytes_map" in run), None)
    if js:
        lines += ["", "| JavaScript for /map | gzip bytes |", "|---|---|"]
        lines += [f"| {name} | {n:,} |" for name, n in sorted(js["files"].items(), key=lambda kv: -kv[1])]
        lines.append(f"| **total** | **{js['total']:,}** |")
    a = r["assets"]
    lines += ["", "| asset | raw bytes | gzip bytes | vertices |", "|---|---|---|---|"]
    for name, e in a.items():
        lines.append(f"| {name} | {e['raw_bytes']:,} | {e['gzip_bytes']:,} | {e.get('vertices', '')} |")
    lines += ["", "| budget | value | limit | ok |", "|---|---|---|---|"]
    for c in r["checks"] if "checks" in r else budget_checks(r):
        lines.append(f"| {c['name']} | {c['value']} | {c['op']} {c['budget']} | {'yes' if c['ok'] else '**no**'} |")
    return "\n".join(lines)


def write_readme(table: str) -> None:
    path = Path(__file__).parent / "README.md"
    head = path.read_text(encoding="utf-8").split("<!-- latest -->")[0] if path.exists() else ""
    path.write_text(head + "<!-- latest -->\n" + table + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
