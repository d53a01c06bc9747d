"""gunicorn settings for the container image: ``gunicorn -c deploy/gunicorn.conf.py app:server``.

Workers: two per CPU the container may use (requests wait on DuckDB and the network as well as the
CPU), but no more than its memory allows at ``CHIIKI_WORKER_MEMORY_MB`` each (default 600, the
bench's budget for one worker's peak RSS). ``CHIIKI_WORKERS`` overrides.
"""

from __future__ import annotations

import math
import os

MIB = 1024 * 1024
RESERVE_MB = 256      # the master process, the page cache of the serving file, a shell for `docker exec`


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as f:
            return f.read().strip()
    except (OSError, UnicodeDecodeError):
        return None


def cpu_count() -> int:
    """CPUs this process may use: its affinity, capped by a cgroup CPU quota (``docker run --cpus``)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    quota = _read("/sys/fs/cgroup/cpu.max")            # cgroup v2: "max 100000" or "200000 100000"
    if quota and not quota.startswith("max"):
        limit, period = (int(x) for x in quota.split()[:2])
        cpus = min(cpus, max(1, math.ceil(limit / period)))
    return max(1, cpus)


def memory_bytes() -> int | None:
    """The container's memory limit (cgroup v2, then v1), else the machine's memory."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        raw = _read(path)
        if raw and raw.isdigit() and int(raw) < 1 << 60:    # v1 reports "no limit" as a huge number
            return int(raw)
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def workers_for(cpus: int, memory: int | None, per_worker_mb: int = 600) -> int:
    """2 × CPUs, at most as many as fit in ``memory`` at ``per_worker_mb`` each; at least 1."""
    by_cpu = 2 * max(1, cpus)
    if not memory:
        return by_cpu
    by_memory = (memory // MIB - RESERVE_MB) // max(1, per_worker_mb)
    return max(1, min(by_cpu, by_memory))


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


workers = _int_env("CHIIKI_WORKERS", 0) or workers_for(cpu_count(), memory_bytes(),
                                                       _int_env("CHIIKI_WORKER_MEMORY_MB", 600))
bind = f"0.0.0.0:{_int_env('PORT', 8050)}"
# A slow client is nginx's problem (it buffers whole requests and responses), so sync workers suffice.
worker_class = "sync"
timeout = 60
graceful_timeout = 30
# Recycle workers now and then, so caches and fragmentation never grow without bound.
max_requests = 2000
max_requests_jitter = 200
# chiiki logs one line per request itself, without query strings (app.log_requests).
accesslog = None
errorlog = "-"
loglevel = "info"
# Heartbeat files in memory: the container's root filesystem is read-only.
worker_tmp_dir = "/dev/shm"


def post_worker_init(worker) -> None:
    """Warm the worker before it accepts: each page and API family once (bounded by CHIIKI_WARM_SECONDS).

    The figures themselves are precomputed in the serving file; this pays the process's own first-use
    costs (imports, plotly's validators, per-version lists), so no user's first click does. Then a
    thread warms the worker again whenever an import swaps in a new serving file.
    """
    from app import keep_warm, warm_up

    warm_up()
    keep_warm()
