"""Optional browser pass: first painted map, interactive map and repaint after a change, in headless
Chromium with network (10 Mbit/s, 40 ms round trip) and CPU (1× and 4×) throttling, and the JavaScript
the map page loads (gzipped). Any request to another host fails it."""

from __future__ import annotations

import gzip
import json
import shutil
import statistics
import urllib.request

# The line: 10 Mbit/s with a 40 ms round trip (a city hall's shared line to a hosted server).
LATENCY_MS = 40
SCRIPTS_JS = """return performance.getEntriesByType('resource').map(e => e.name)
                .filter(n => /\\.js(\\?|$)/.test(n));"""

PREVIEW_PAINT_JS = """
const done = arguments[arguments.length - 1];
(function poll() {
  const img = document.querySelector('img.map-preview');
  const paths = document.querySelectorAll('#map-graph .choroplethlayer path').length;
  if ((img && img.complete && img.naturalWidth > 0) || paths > 0) { done(performance.now()); }
  else { requestAnimationFrame(poll); }
})();
"""

FIRST_PAINT_JS = """
const done = arguments[arguments.length - 1];
const need = arguments[0];
(function poll() {
  const n = document.querySelectorAll('#map-graph .choroplethlayer path').length;
  if (n >= need) { done(performance.now()); } else { requestAnimationFrame(poll); }
})();
"""

REPAINT_JS = """
const [indicator, done] = [arguments[0], arguments[arguments.length - 1]];
const graph = document.querySelector('#map-graph .js-plotly-plot');
const before = graph.querySelector('.gtitle') ? graph.querySelector('.gtitle').textContent : '';
const t0 = performance.now();
graph.on('plotly_afterplot', function handler() {
  const title = graph.querySelector('.gtitle') ? graph.querySelector('.gtitle').textContent : '';
  if (title !== before) { done(performance.now() - t0); }
});
window.dash_clientside.set_props('map-indicator', {value: indicator});
setTimeout(function () { done(-1); }, 10000);
"""


def _driver(cpu: float):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    o = Options()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
              "--window-size=1366,900"):
        o.add_argument(a)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        o.binary_location = binary
    o.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    d = webdriver.Chrome(options=o)
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, "latency": LATENCY_MS,
                                                           "downloadThroughput": 10_000_000 / 8,
                                                           "uploadThroughput": 10_000_000 / 8})
    d.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": cpu})
    d.set_script_timeout(30)
    return d


def browser_pass(port: int, cpu: float = 1.0, rounds: int = 3) -> dict:
    """Median first paint (s) and repaint (ms) for prefectures and municipalities; foreign hosts seen."""
    out: dict = {"cpu": cpu}
    foreign: set[str] = set()
    for level, url, changes, need in (
        ("prefecture", "/map?ind=univ_students_per_1000", ["ict_employee_share", "aging_rate", "A1101"], 47),
        ("municipality", "/map?ind=C2208&level=municipality", ["C2108", "A1101", "aging_rate"], 1500),
    ):
        firsts, previews, repaints = [], [], []
        for _ in range(rounds):
            d = _driver(cpu)
            try:
                d.get(f"http://127.0.0.1:{port}{url}")
                if level == "prefecture":
                    previews.append(d.execute_async_script(PREVIEW_PAINT_JS) / 1000)
                firsts.append(d.execute_async_script(FIRST_PAINT_JS, need) / 1000)
                for ind in changes:
                    ms = d.execute_async_script(REPAINT_JS, ind)
                    if ms >= 0:
                        repaints.append(ms)
                for entry in d.get_log("performance"):
                    msg = json.loads(entry["message"])["message"]
                    if msg.get("method") == "Network.requestWillBeSent":
                        u = msg["params"]["request"]["url"]
                        if u.startswith("http") and "//127.0.0.1:" not in u:
                            foreign.add(u.split("/")[2])
            finally:
                d.quit()
        out[f"first_map_s_{level}"] = round(statistics.median(firsts), 2)
        if previews:
            out[f"first_preview_s_{level}"] = round(statistics.median(previews), 2)
        out[f"repaint_ms_{level}"] = round(statistics.median(repaints), 1) if repaints else None
    out["foreign_hosts"] = sorted(foreign)
    if cpu == 1.0:
        out["js_gzip_bytes_map"] = map_javascript(port)
    return out


def map_javascript(port: int) -> dict:
    """Every script /map loads (lazy chunks included, after the map and table are drawn), gzipped as
    the server sends it; by file and in total."""
    d = _driver(1.0)
    try:
        d.get(f"http://127.0.0.1:{port}/map")
        d.execute_async_script(FIRST_PAINT_JS, 47)
        d.execute_async_script("const done = arguments[arguments.length - 1]; setTimeout(done, 1500);")
        urls = sorted(set(d.execute_script(SCRIPTS_JS)))
    finally:
        d.quit()
    files = {}
    for u in urls:
        req = urllib.request.Request(u, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req) as resp:
            body = resp.read()
            if resp.headers.get("Content-Encoding") != "gzip":
                body = gzip.compress(body, 6)
        files[u.split("/")[-1].split("?")[0]] = len(body)
    return {"files": files, "total": sum(files.values())}
