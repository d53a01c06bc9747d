"""Three gunicorn workers and imports from other processes: every worker serves the new figures within
2 s of the import, and no response ever mixes two versions."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.load import get_json, watch_workers, worker_pids
from bench.server import ROOT, gunicorn
from loaders.importers import run_import

WORKERS = 3
SWITCH = 2.0            # seconds a worker may take to serve an import
VALUES = "/api/v1/values?indicator=vc_investment&year=2022"


def tidy(tmp_path: Path, value: float) -> Path:
    p = tmp_path / f"vc-{value:g}.csv"
    p.write_text(f"region,indicator_id,year,value\n東京都,vc_investment,2022,{value:g}\n", encoding="utf-8")
    return p


def tokyo(body: dict) -> float | None:
    return next((r["value"] for r in body.get("data", []) if r["region_code"] == "13"), None)


class Readers:
    """Threads reading the API's Tokyo figure and data version, each about 20 times a second."""

    def __init__(self, port: int, n: int = 2) -> None:
        self.port = port
        self.seen: list[tuple[float, int, str | None, float | None]] = []   # (started, status, version, value)
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._read) for _ in range(n)]

    def _read(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                status, body = get_json(self.port, VALUES)
            except OSError as exc:
                self.seen.append((started, -1, repr(exc), None))
                continue
            self.seen.append((started, status, body.get("meta", {}).get("data_version"), tokyo(body)))
            self._stop.wait(0.05)   # leave the 2 cores room for the import itself

    def __enter__(self) -> Readers:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join()


def import_in_another_process(how: str, path: Path, env: dict) -> float:
    """Run an import as the command line or as the importer function; returns when it finished."""
    if how == "cli":
        cmd = [sys.executable, "-m", "chiiki_cli", "import", "tidy", str(path)]
    else:
        cmd = [sys.executable, "-c", "import sys; from loaders.importers import run_import; "
               "print(run_import('tidy', sys.argv[1]))", str(path)]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return time.monotonic()


def test_every_worker_serves_each_import_within_2_s(user_dir, tmp_path):
    run_import("tidy", tidy(tmp_path, 5))   # a first figure, so both versions have one to compare
    env = {**os.environ, "CHIIKI_USER_DIR": str(user_dir)}
    with gunicorn("app:server", workers=WORKERS, env={"CHIIKI_USER_DIR": str(user_dir)}) as (port, _, master):
        pids = worker_pids(master)
        assert len(pids) == WORKERS
        # Every worker opens its store before the import, as a server that has been running would.
        warm = watch_workers(port, pids, lambda b: b.get("imports") == 1, timeout=30)
        assert warm.keys() == pids, f"workers that never answered: {pids - warm.keys()}"
        phases = []
        with Readers(port) as readers:
            for n, (how, value) in enumerate([("cli", 8), ("function", 13)], start=2):
                started = time.monotonic()
                done = import_in_another_process(how, tidy(tmp_path, value), env)
                switched = watch_workers(port, pids, lambda b, n=n: b.get("imports") == n, timeout=SWITCH + 1)
                # Readers keep going past the deadline, so late stale answers would be caught too.
                time.sleep(max(0.0, done + SWITCH + 0.3 - time.monotonic()))
                phases.append((how, value, started, done, switched))
        seen = readers.seen

    assert seen and all(status == 200 for _, status, _, _ in seen), [s for s in seen if s[1] != 200][:3]
    # One response, one version: each data version always comes with the same figure.
    figures: dict[str, set] = {}
    for _, _, version, value in seen:
        figures.setdefault(version, set()).add(value)
    assert all(len(v) == 1 for v in figures.values()), figures
    assert {v for vs in figures.values() for v in vs} >= {5.0, 8.0, 13.0}
    ends = [p[2] for p in phases[1:]] + [float("inf")]   # a phase lasts until the next import starts
    for (how, value, _, done, switched), end in zip(phases, ends, strict=True):
        late = [(round(t - done, 2), v) for t, _, _, v in seen if done + SWITCH <= t < end and v != value]
        assert not late, f"{how} import: old figures {SWITCH} s after it finished: {late[:5]}"
        slow = {pid: s for pid, s in switched.items() if s > SWITCH}
        assert switched.keys() == pids and not slow, (how, switched, pids)
