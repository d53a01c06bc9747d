"""Memoisation per serving-database version, backed by the results precomputed into the serving file.

Results depend only on their arguments and the data; a rebuilt (swapped) serving database has a new
version, so entries for the old one are simply never looked up again and age out of the LRU.

On a miss the serving file's ``derived`` table is asked first: a build runs the pages' cold paths once
(:mod:`metrics.precompute`) and stores what they computed, pickled, under the function's name and
arguments, so a worker's first visit of a region unpickles instead of computing.
"""

from __future__ import annotations

import contextvars
import logging
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, wraps
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

# Every memoised function by name: the name is the key of its stored results, so it must be unique.
REGISTRY: dict[str, Callable[..., Any]] = {}
_recording: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("chiiki_recording",
                                                                                   default=None)


def derived_key(name: str, args: tuple) -> str:
    """The key a result is stored under: the function's name and its arguments' repr.

    >>> derived_key("comparison", ("A1101", None))
    "comparison('A1101', None)"
    """
    return f"{name}{args!r}"


@contextmanager
def recording() -> Iterator[dict[str, Any]]:
    """Collect every result computed (not found in a memo) inside the block, by :func:`derived_key`."""
    found: dict[str, Any] = {}
    token = _recording.set(found)
    try:
        yield found
    finally:
        _recording.reset(token)


def per_version(maxsize: int = 256, *, name: str | None = None,
                store: bool = True) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Cache ``fn(cur, *args)`` on (store version, args); call the wrapper with ``*args`` only.

    The version and the cursor come from one snapshot (the request's pinned store, or one taken for
    the call), so an entry is never filed under a version whose data it was not computed from, even
    when an import swaps the serving file in between. Errors of ``fn`` propagate and are not cached.
    ``name`` (default: the function's name) keys the results precomputed into the serving file;
    ``store=False`` keeps a function's results out of it (an index over another stored result, say,
    that is cheaper to rebuild than to store twice).
    """
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        key = name or fn.__name__
        if key in REGISTRY or key == "<lambda>":
            raise ValueError(f"per_version needs a unique name, {key!r} is taken")

        @lru_cache(maxsize=maxsize)
        def cached(version: tuple, *args):
            from loaders.store import get_store

            snap = get_store()
            dkey = derived_key(key, args)
            blob = snap.derived(dkey) if store else None
            if blob is not None:
                try:
                    return pickle.loads(blob)
                except Exception as exc:   # a damaged payload is recomputed, never served half-read
                    log.warning("precomputed %s could not be read (%s); computing it", dkey, exc)
            result = fn(snap.cursor(), *args)
            found = _recording.get() if store else None
            if found is not None:
                found[dkey] = result
            return result

        @wraps(fn)
        def wrapper(*args):
            from loaders.store import snapshot

            with snapshot() as store:
                return cached(store.version, *args)

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        wrapper.derived_name = key  # type: ignore[attr-defined]
        REGISTRY[key] = wrapper
        return wrapper
    return decorate
