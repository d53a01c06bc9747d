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
    """Cache ``fn(cur, *args)`` on (store version, args). ``cur`` must be a cursor of the process store."""
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        @lru_cache(maxsize=maxsize)
        def cached(version: tuple, *args):
            from loaders.store import get_store

            return fn(get_store().cursor(), *args)

        @wraps(fn)
        def wrapper(*args):
            from loaders.store import get_store

            return cached(get_store().version, *args)

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return wrapper
    return decorate
