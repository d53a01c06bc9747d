"""Load test: simulated users cycling through the pages' callbacks, bounded in count and time."""

from __future__ import annotations

import random
import threading
import time

from bench.http import post


def run_load(port: int, requests: list[bytes], *, users: int, seconds: float, max_requests: int = 200_000,
             think: float = 0.0, seed: int = 0) -> dict:
    """``users`` threads send random requests from ``requests`` until ``seconds`` or ``max_requests`` pass."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.perf_counter() + seconds
    count = [0]

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

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    return {"users": users, "seconds": round(elapsed, 2), "requests": len(latencies), "errors": len(errors),
            "first_errors": errors[:5], "throughput_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0,
            "p95_ms": round(p95 * 1000, 1)}
