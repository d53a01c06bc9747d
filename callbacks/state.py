"""Reading a view's state from the URL: every parameter is checked, a bad one becomes a notice and a
default, and nothing raises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

import pandas as pd

from layouts.i18n import LANGS
from loaders import query
from loaders.store import get_store


@dataclass
class State:
    values: dict
    notices: list[str] = field(default_factory=list)

    def __getitem__(self, key: str):
        return self.values[key]

    def get(self, key: str, default=None):
        return self.values.get(key, default)


def prefectures() -> list[tuple[str, str, str]]:
    """(code, name_ja, name_en) of the 47 prefectures in code order, for pickers."""
    r = query.regions(get_store().cursor())
    r = r[r["level"] == "prefecture"].sort_values("code")
    return list(zip(r["code"], r["name_ja"], r["name_en"], strict=True))


def first(value) -> str | None:
    """Dash passes repeated query keys as lists; take the first, as text."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return None if value is None else str(value)[:500]


def parse(params: dict, spec: dict[str, tuple[Callable[[str], object], object]]) -> State:
    """Check each parameter with its validator (which raises ValueError with a reason)."""
    out, notices = {}, []
    for key, (check, default) in spec.items():
        raw = first(params.get(key))
        if raw is None or raw == "":
            out[key] = default
            continue
        try:
            out[key] = check(raw)
        except (ValueError, TypeError) as exc:
            notices.append(f"{key}={raw[:40]!r} ({exc})")
            out[key] = default
    unknown = sorted(k for k in params if k not in spec and k not in ("lang", "present"))
    if unknown:
        notices.append(f"unknown parameter {', '.join(unknown)[:80]}")
    lang = first(params.get("lang"))
    if lang not in (None, *LANGS):
        notices.append(f"lang={lang[:10]!r} (expected ja or en)")
    out["lang"] = lang if lang in LANGS else "ja"
    out["present"] = first(params.get("present")) == "1"
    return State(out, notices)


def choice(options) -> Callable[[str], str]:
    opts = tuple(options)

    def check(raw: str) -> str:
        if raw not in opts:
            raise ValueError(f"expected one of {', '.join(opts[:8])}{'…' if len(opts) > 8 else ''}")
        return raw
    return check


def integer(lo: int, hi: int) -> Callable[[str], int]:
    def check(raw: str) -> int:
        if not raw.isdigit() or not lo <= int(raw) <= hi:
            raise ValueError(f"expected a whole number {lo}–{hi}")
        return int(raw)
    return check


def encode(values: dict, keep: list[str], defaults: dict) -> str:
    """Query string of the values that differ from the defaults (short, stable links)."""
    items = []
    for k in keep:
        v = values.get(k)
        if v is None or v == "" or v == defaults.get(k) or v is False or (k == "lang" and v == "ja"):
            continue
        if isinstance(v, list | tuple):
            v = ",".join(map(str, v))
        items.append((k, "1" if v is True else str(v)))
    return urlencode(items)


@lru_cache(maxsize=8)
def _catalog(version: tuple) -> pd.DataFrame:
    return query.catalog(get_store().cursor())


def catalog() -> pd.DataFrame:
    """The catalog with status, cached per serving-database version."""
    return _catalog(get_store().version)


@lru_cache(maxsize=8)
def _rows(version: tuple) -> dict[str, dict]:
    cat = _catalog(version)
    return {r["id"]: r for r in cat.to_dict("records")}


def catalog_row(indicator_id: str) -> dict:
    """One catalog row as a dict (shared: do not modify it)."""
    return _rows(get_store().version)[indicator_id]


def catalog_ids() -> set[str]:
    return set(_rows(get_store().version))


def years_of(row: dict, level: str) -> list[int]:
    ys = row.get(f"{level}_years")
    return [int(y) for y in ys] if hasattr(ys, "__len__") and not isinstance(ys, str) else []
