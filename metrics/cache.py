"""Memoisation per serving-database version.

Results depend only on their arguments and the data; a rebuilt (swapped) serving database has a new
version, so entries for the old one are simply never looked up again and age out of the LRU.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

T = TypeVar("T")


def per_version(maxsize: int = 256) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Cache ``fn(cur, *args)`` on (store version, args); call the wrapper with ``*args`` only.

    The version and the cursor come from one snapshot (the request's pinned store, or one taken for
    the call), so an entry is never filed under a version whose data it was not computed from, even
    when an import swaps the serving file in between. Errors of ``fn`` propagate and are not cached.
    """
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        @lru_cache(maxsize=maxsize)
        def cached(version: tuple, *args):
            from loaders.store import get_store

            return fn(get_store().cursor(), *args)

        @wraps(fn)
        def wrapper(*args):
            from loaders.store import snapshot

            with snapshot() as store:
                return cached(store.version, *args)

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return wrapper
    return decorate
