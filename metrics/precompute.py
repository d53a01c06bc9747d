"""What every serving-database build computes once, so no user's first click waits for it.

A build runs :func:`warm` with the new file pinned as the store: it calls the memoised entry points the
pages, the API and the CLI reach on a cold path (findings, the profiles' shared tables, comparisons,
location quotients, the index, peers, the municipal base), and every result computed on the way is
stored, pickled, in the file's ``derived`` table (:mod:`metrics.cache` reads it back on a worker's
first miss). Per-municipality profiles are not stored: from the stored base one costs about 20 ms,
and 1,741 × 2 languages of them would make every import wait a minute.

The stored results are those of this code: :func:`code_fingerprint` (the metric and query sources and
the versions of the libraries whose objects are pickled) is part of the serving file's fingerprint, so
an upgrade rebuilds the file rather than serve what the previous code computed.

``CHIIKI_PRECOMPUTE=0`` builds without it (the test suite's many throwaway builds do; a server then
computes on first use, with the same results).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import platform
import time
from collections.abc import Iterator
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

log = logging.getLogger(__name__)

ENV = "CHIIKI_PRECOMPUTE"
PREFECTURES = tuple(f"{i:02d}" for i in range(1, 48))
LANGS = ("ja", "en")
# The libraries whose objects are pickled: a payload is only read back by the versions that wrote it.
PICKLED_LIBRARIES = ("pandas", "numpy", "pyarrow", "duckdb")


def enabled() -> bool:
    return os.environ.get(ENV, "1").strip().lower() not in ("0", "false", "no", "off")


@lru_cache(maxsize=1)
def _sources_digest() -> str:
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for folder in ("metrics", "loaders"):
        for p in sorted((root / folder).glob("*.py")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    for lib in PICKLED_LIBRARIES:
        h.update(f"{lib}={version(lib)}".encode())
    h.update(platform.python_version().encode())
    return h.hexdigest()[:16]


def code_fingerprint() -> str:
    """The code that computes the stored results, and whether they are stored at all (``…:off``)."""
    return f"{_sources_digest()}:{'on' if enabled() else 'off'}"


def warm() -> None:
    """Call every memoised entry point a page, the API or the CLI reaches on a cold path."""
    from loaders.store import get_store
    from metrics import lq, service

    cur = get_store().cursor()
    for lang in LANGS:
        service._cached_region_names(lang)
    catalog = service._cached_catalog()
    # Comparisons of every prefecture indicator (latest year): the profile's cards and deviations, the
    # compare page's scatter and bars, the API's /compare and the findings all start from these.
    for ind, kind, years in zip(catalog["id"], catalog["kind"], catalog["prefecture_years"], strict=True):
        if kind != "lq" and service._has_years(years):
            service.cached_comparison(ind, None)
    service.cached_series_all(service.PROFILE_SERIES_DEFAULT)
    for region in PREFECTURES:
        service.cached_prefecture_profile(region)
        for lang in LANGS:
            service.cached_findings_table(region, lang)
    service.cached_index(tuple(service.default_index_indicators(cur)), None)
    service.cached_index_table(None, None)
    municipal_lq = dict(zip(catalog["id"], catalog["municipality_years"].map(service._has_years), strict=True))
    for measure in lq.MEASURES:
        years = service.lq_years(cur, measure)
        for year in years:
            service.cached_lq_table(measure, year)
        for against in ("nation", "prefecture") if municipal_lq.get(f"lq_{measure}") else ():
            service.cached_lq_table(measure, None, "municipality", against)
        change = service.lq_change_years(cur, measure)
        if change:
            service.cached_lq_change(measure, *change)
    service.cached_peer_types()
    service.cached_municipal_peer_profile()
    service.municipal_codes()   # the municipal base: ages, finance, LQs and ranks of all 1,741


def payloads() -> Iterator[tuple[str, bytes]]:
    """(key, pickled result) for everything :func:`warm` computed; a result that does not pickle is
    left to be computed on first use (and logged), never stored half-made."""
    from metrics.cache import recording

    if not enabled():
        return
    t0 = time.perf_counter()
    with recording() as found:
        warm()
    size = 0
    for key, result in found.items():
        try:
            blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            log.warning("not precomputed: %s (%s)", key, exc)
            continue
        size += len(blob)
        yield key, blob
    log.info("precomputed %d results (%.1f MB) in %.1f s", len(found), size / 1e6, time.perf_counter() - t0)


def register() -> None:
    """Make every serving-database build of this process precompute (``loaders.store.register_derived``)."""
    from loaders.store import register_derived

    register_derived(code_fingerprint, payloads)
