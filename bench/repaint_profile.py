"""Where the map's repaint after a change goes: ``python -m bench.repaint_profile [--cpu 4] [--rounds 3]``.

Starts the app under gunicorn like ``python -m bench`` does, opens /map in the same throttled headless
Chromium as bench/browser.py and, for each indicator change, splits the time from ``set_props`` to the
``plotly_afterplot`` with the new title into: callback requests (network round trip included, each
request's output and bytes), the gaps between them (Dash's renderer deciding and applying), the
Plotly.react call itself, and, from a sampling CPU profile, JavaScript time by script and plotly.js's
heaviest functions. Also reports the repaint median exactly as bench/browser.py measures it.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics

from bench.browser import FIRST_PAINT_JS, REPAINT_JS, _driver

# Timestamps of every callback request, Plotly.react call and afterplot, on the page's clock. Wrapped
# outside app.js's own wrapper so react's time includes it; fetch is looked up by Dash at call time.
INSTRUMENT_JS = """
const log = window.__rp = [];
if (!window.__rpFetch) {
  window.__rpFetch = window.fetch;
  window.fetch = function (url, init) {
    const t0 = performance.now();
    let out = '';
    try { out = JSON.parse(init.body).output; } catch (e) { out = String(url); }
    return window.__rpFetch.apply(this, arguments).then(function (resp) {
      const t1 = performance.now();
      return resp.clone().text().then(function (body) {
        window.__rp.push({kind: 'request', out: out, t0: t0, t1: t1, t2: performance.now(), bytes: body.length});
        return resp;
      });
    });
  };
  const P = window.Plotly;
  const react = P.react;
  P.react = function (gd) {
    const t0 = performance.now();
    // Style and layout the page owes for what Dash has just rendered: plotly's first text measurement
    // would pay it; forcing it here first books it separately (it adds no work).
    document.body.getBoundingClientRect();
    const tl = performance.now();
    const ret = react.apply(this, arguments);
    const t1 = performance.now();
    const id = gd && gd.parentElement ? (gd.id || (gd.closest('[id]') || {}).id) : '';
    Promise.resolve(ret).then(function () {
      window.__rp.push({kind: 'react', id: id, t0: t0, tl: tl, t1: t1, t2: performance.now()});
    });
    return ret;
  };
  const setProps = window.dash_clientside.set_props;
  // A named 2 ms busy loop the sampling profile can see: it pins the profile's clock to the page's.
  window.__rpAnchor = function __rpAnchor() { const t = performance.now(); while (performance.now() - t < 2) {} };
  window.dash_clientside.set_props = function () {
    window.__rpAnchor();
    window.__rpStart = performance.now();
    return setProps.apply(this, arguments);
  };
  const gd = document.querySelector('#map-graph .js-plotly-plot');
  gd.on('plotly_afterplot', function () { window.__rp.push({kind: 'afterplot', t0: performance.now()}); });
}
window.__rp = [];
"""


def _script_name(url: str) -> str:
    if not url:
        return "(native / idle / GC)"
    name = url.split("/")[-1].split("?")[0]
    return name or url


def window_by_script(profile: dict, anchor_end: float, t0: float, t1: float) -> dict:
    """Self time (ms) by script between t0 and t1 (page clock). The profile keeps its own clock: the last
    sample inside __rpAnchor is taken as ``anchor_end`` on the page's."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    times, t = [], 0.0
    for dt in profile.get("timeDeltas", []):
        t += dt / 1000
        times.append(t)
    anchored = [tt for n, tt in zip(profile.get("samples", []), times, strict=False)
                if nodes[n]["callFrame"].get("functionName") == "__rpAnchor"]
    if not anchored:
        return {}
    shift = anchor_end - anchored[-1]
    out: collections.Counter = collections.Counter()
    for node_id, tt, dt in zip(profile.get("samples", []), times, profile.get("timeDeltas", []), strict=False):
        if t0 <= tt + shift <= t1:
            cf = nodes[node_id]["callFrame"]
            fn = cf.get("functionName") or ""
            key = fn if fn in ("(idle)", "(program)", "(garbage collector)") else _script_name(cf.get("url", ""))
            out[key] += dt / 1000
    return {k: round(v, 1) for k, v in out.most_common()}


def cpu_breakdown(profile: dict, top: int = 12) -> tuple[dict, list]:
    """Self time (ms) by script and plotly.js's heaviest functions, from a CDP sampling profile."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}
    counts = collections.Counter(profile.get("samples", []))
    deltas = profile.get("timeDeltas", [])
    per_sample = (sum(deltas) / len(deltas) / 1000) if deltas else 0.1
    by_script: collections.Counter = collections.Counter()
    by_func: collections.Counter = collections.Counter()
    for node_id, n in counts.items():
        cf = nodes[node_id]["callFrame"]
        ms = n * per_sample
        fn = cf.get("functionName") or "(anonymous)"
        if fn in ("(idle)", "(program)", "(garbage collector)", "(root)"):
            by_script[fn] += ms
            continue
        script = _script_name(cf.get("url", ""))
        by_script[script] += ms
        label = f"{script}:{fn}:{cf.get('lineNumber', 0) + 1}:{cf.get('columnNumber', 0) + 1}"
        if not cf.get("url") and node_id in parent:   # a DOM call (forced layout...): name who made it
            caller = nodes[parent[node_id]]["callFrame"]
            label = (f"{fn} from {_script_name(caller.get('url', ''))}:{caller.get('functionName') or '(anonymous)'}"
                     f":{caller.get('lineNumber', 0) + 1}:{caller.get('columnNumber', 0) + 1}")
        by_func[label] += ms
    return ({k: round(v, 1) for k, v in by_script.most_common()},
            [(k, round(v, 1)) for k, v in by_func.most_common(top)])


def timeline(events: list, start: float, end: float) -> dict:
    """The change's timeline relative to set_props: requests, react calls, afterplots."""
    rows = []
    for e in sorted(events, key=lambda e: e["t0"]):
        r = {k: (round(v - start, 1) if k in ("t0", "tl", "t1", "t2") else v) for k, v in e.items()}
        rows.append(r)
    return {"total_ms": round(end - start, 1), "events": rows}


def profile_change(d, ind: str, sample: bool = True) -> dict:
    d.execute_script(INSTRUMENT_JS)
    if sample:
        d.execute_cdp_cmd("Profiler.enable", {})
        d.execute_cdp_cmd("Profiler.setSamplingInterval", {"interval": 100})
        d.execute_cdp_cmd("Profiler.start", {})
    ms = d.execute_async_script(REPAINT_JS, ind)
    # Work triggered by the same change that lands after the measured afterplot (a second request, a
    # second redraw) still costs the user: wait for it and show it after the line.
    d.execute_async_script("const done = arguments[arguments.length - 1]; setTimeout(done, 600);")
    prof = d.execute_cdp_cmd("Profiler.stop", {})["profile"] if sample else {"nodes": []}
    events = d.execute_script("return window.__rp")
    start = d.execute_script("return window.__rpStart")
    by_script, by_func = cpu_breakdown(prof)
    out = {"indicator": ind, "repaint_ms": round(ms, 1), **timeline(events, start, start + ms),
           "cpu_by_script_ms": by_script, "cpu_top_functions_ms": by_func}
    reacts = [e for e in events if e["kind"] == "react" and "map-graph" in (e["id"] or "")]
    if sample and reacts:
        # What ran between the map's Plotly.react and the afterplot that ended the measurement.
        out["cpu_react_to_afterplot_ms"] = window_by_script(prof, start, reacts[0]["t0"], start + ms)
        out["cpu_set_props_to_map_request_ms"] = window_by_script(
            prof, start, start, min((e["t0"] for e in events if e["kind"] == "request"), default=start))
    return out


def run(port: int, cpu: float, rounds: int, sample: bool = True) -> dict:
    out = {}
    for level, url, changes, need in (
        ("prefecture", "/map?ind=univ_students_per_1000", ["ict_employee_share", "aging_rate", "A1101"], 47),
        ("municipality", "/map?ind=C2208&level=municipality", ["C2108", "A1101", "aging_rate"], 1500),
    ):
        runs = []
        for _ in range(rounds):
            d = _driver(cpu)
            try:
                d.get(f"http://127.0.0.1:{port}{url}")
                d.execute_async_script(FIRST_PAINT_JS, need)
                for ind in changes:
                    runs.append(profile_change(d, ind, sample))
            finally:
                d.quit()
        out[level] = runs
    return out


def summarise(level: str, runs: list[dict]) -> None:
    ok = [r for r in runs if r["repaint_ms"] >= 0]
    print(f"\n== {level}: repaint median {statistics.median(r['repaint_ms'] for r in ok):.1f} ms "
          f"(n={len(ok)}; {', '.join(str(r['repaint_ms']) for r in runs)})")
    agg: collections.defaultdict = collections.defaultdict(list)
    for r in ok:
        reqs = [e for e in r["events"] if e["kind"] == "request" and e["t0"] <= r["total_ms"]]
        reacts = [e for e in r["events"] if e["kind"] == "react" and e["id"] and "map-graph" in e["id"]]
        last = max((e["t2"] for e in reqs if "map-graph" in e["out"]), default=None)
        first_react = min((e["t0"] for e in reacts if last is None or e["t0"] >= last), default=None)
        agg["requests before the afterplot"].append(len(reqs))
        # Serial chain: requests whose start waits for another's answer (Dash's dependency ordering).
        agg["first request sent (ms after set_props)"].append(min((e["t0"] for e in reqs), default=0))
        agg["map request: send → answer (ms)"].append(next((e["t1"] - e["t0"] for e in reqs
                                                            if "map-graph" in e["out"]), 0))
        agg["map request sent (ms after set_props)"].append(next((e["t0"] for e in reqs if "map-graph" in e["out"]),
                                                                 0))
        if last is not None and first_react is not None:
            agg["answer → Plotly.react called (ms)"].append(first_react - last)
        if first_react is not None:
            agg["Plotly.react → afterplot (ms)"].append(r["total_ms"] - first_react)
            react = next(e for e in reacts if e["t0"] == first_react)
            agg["  of which pending style/layout of Dash's DOM (ms)"].append(react["tl"] - react["t0"])
            agg["  of which react's synchronous part (ms)"].append(react["t1"] - react["tl"])
        agg["CPU in plotly (ms)"].append(sum(v for k, v in r["cpu_by_script_ms"].items() if "plotly" in k))
        agg["CPU in dash renderer + components (ms)"].append(
            sum(v for k, v in r["cpu_by_script_ms"].items() if k.startswith(("dash", "react"))))
        agg["CPU in assets app.js / a11y.js / search.js (ms)"].append(
            sum(v for k, v in r["cpu_by_script_ms"].items() if k in ("app.js", "a11y.js", "search.js")))
        agg["requests after the afterplot"].append(
            len([e for e in r["events"] if e["kind"] == "request" and e["t0"] > r["total_ms"]]))
    for k, vals in agg.items():
        print(f"  {k:50s} median {statistics.median(vals):7.1f}   ({', '.join(f'{v:.0f}' for v in vals)})")
    example = ok[len(ok) // 2]
    print("  one change, ms after set_props:")
    for e in example["events"]:
        if e["kind"] == "request":
            print(f"    request {e['out'][:70]:70s} sent {e['t0']:6.1f} answered {e['t1']:6.1f} "
                  f"({e['bytes']} B)")
        elif e["kind"] == "react":
            print(f"    Plotly.react {e['id']:20s} called {e['t0']:6.1f} layout done {e['tl']:6.1f} "
                  f"returned {e['t1']:6.1f} settled {e['t2']:6.1f}")
        else:
            print(f"    plotly_afterplot at {e['t0']:6.1f}")
    print(f"    (measured repaint ends at {example['total_ms']})")
    scripts: collections.Counter = collections.Counter()
    funcs: collections.Counter = collections.Counter()
    for r in ok:
        scripts.update(r["cpu_by_script_ms"])
        funcs.update(dict(r["cpu_top_functions_ms"]))
    for key, what in (("cpu_set_props_to_map_request_ms", "set_props → first request sent"),
                      ("cpu_react_to_afterplot_ms", "map's Plotly.react → afterplot")):
        if any(key in r for r in ok):
            window: collections.Counter = collections.Counter()
            for r in ok:
                window.update(r.get(key, {}))
            print(f"  CPU by script, {what}, mean per change (ms):")
            for k, v in window.most_common(8):
                print(f"    {k:45s} {v / len(ok):7.1f}")
    print("  CPU self time by script, mean per change (ms; includes the 600 ms tail):")
    for k, v in scripts.most_common(10):
        print(f"    {k:45s} {v / len(ok):7.1f}")
    print("  heaviest functions, mean per change (ms):")
    for k, v in funcs.most_common(10):
        print(f"    {k[:90]:90s} {v / len(ok):7.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.repaint_profile")
    ap.add_argument("--cpu", type=float, default=1.0)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", help="write the raw timelines and profiles here")
    ap.add_argument("--no-sample", dest="sample", action="store_false",
                    help="timeline only: the sampling profiler adds its own overhead to every step")
    args = ap.parse_args(argv)
    from bench.server import gunicorn, serving_env

    with gunicorn("app:server", env=serving_env("chiiki-repaint-")) as (port, _, _):
        result = run(port, args.cpu, args.rounds, args.sample)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1, ensure_ascii=False)
    print(f"CPU {args.cpu:g}×, 10 Mbit/s + 40 ms RTT")
    for level, runs in result.items():
        summarise(level, runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
