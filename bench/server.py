"""Start and stop gunicorn (2 workers, loopback) for the app or the baseline."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench.http import get

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving_env(prefix: str) -> dict[str, str]:
    """A fresh user directory with the serving file already built (precomputed results included), set
    in this process's environment and returned for the server's: the server then measures start-up and
    serving, not the first build. The request log is off (a line per request would bury the figures)."""
    env = {"CHIIKI_USER_DIR": tempfile.mkdtemp(prefix=prefix), "CHIIKI_ACCESS_LOG": "0"}
    os.environ.update(env)
    from loaders.store import ensure_serving_db
    from metrics import precompute

    precompute.register()
    ensure_serving_db()
    return env


def _gunicorn() -> list[str]:
    exe = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    return [exe] if exe else [sys.executable, "-m", "gunicorn"]


@contextmanager
def gunicorn(target: str, *, workers: int = 2, env: dict | None = None, ready_path: str = "/",
             timeout: float = 120):
    """Run ``target`` (e.g. ``app:server``) and yield (port, seconds until ``ready_path`` answered 200, pid).

    The app runs with the deployment's settings (deploy/gunicorn.conf.py: its worker warm-up included),
    with the bench's worker count and port, and without recycling workers every 2,000 requests, so the
    load test's worker list stays the one it watches. The naive baseline runs with gunicorn's defaults.
    """
    port = free_port()
    config = ["--config", str(ROOT / "deploy" / "gunicorn.conf.py"), "--max-requests", "0"] \
        if target == "app:server" else []
    cmd = [*_gunicorn(), *config, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120",
           "--log-level", "warning", target]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, start_new_session=True)
    try:
        deadline = t0 + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}")
            try:
                _, status, _ = get(port, ready_path)
                if status == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{target} did not answer within {timeout} s")
            time.sleep(0.05)
        yield port, time.perf_counter() - t0, proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def peak_rss_mb(pid: int) -> float:
    """Sum of the peak resident set (VmHWM) of a process and its children, in MB."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024
