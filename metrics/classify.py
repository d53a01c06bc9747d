"""Class breaks for choropleth maps: quantile, equal interval, natural breaks (Jenks), fixed.

Every function returns sorted, unique break values ``b0 < b1 < … < bk`` spanning the data, so that
class j holds values in ``[b_j, b_{j+1}]``. Missing values are ignored.
"""

from __future__ import annotations

import itertools

import numpy as np

METHODS = ("quantile", "equal", "jenks", "fixed")


def _clean(values) -> np.ndarray:
    v = np.asarray(values, dtype="float64")
    return np.sort(v[np.isfinite(v)])


def quantile_breaks(values, k: int) -> list[float]:
    """Breaks at the 0, 1/k, …, 1 quantiles (duplicates removed, so ties can give fewer classes)."""
    v = _clean(values)
    if v.size == 0:
        return []
    return sorted(set(np.quantile(v, np.linspace(0, 1, k + 1)).tolist()))


def equal_breaks(values, k: int) -> list[float]:
    """k classes of equal width between the minimum and maximum."""
    v = _clean(values)
    if v.size == 0:
        return []
    if v[0] == v[-1]:
        return [float(v[0]), float(v[-1])]
    return np.linspace(v[0], v[-1], k + 1).tolist()


MAX_JENKS = 600


def jenks_breaks(values, k: int, max_points: int = MAX_JENKS) -> list[float]:
    """Fisher–Jenks natural breaks: the k classes with the least total within-class squared deviation.

    Above ``max_points`` values the optimisation runs on that many evenly spaced order statistics
    (always including the minimum and maximum), as sampled Fisher–Jenks implementations do; the
    breaks are then values of the data, close to the exact ones, in a fraction of the time.

    Exact dynamic programme, O(k·n²): the squared deviation of every segment is one (n+1)² matrix
    and each class is a column-wise minimum over it (about 25 MB and a few tens of milliseconds for
    the 1,741 municipalities).
    """
    v = _clean(values)
    if v.size > max_points:
        v = v[np.linspace(0, v.size - 1, max_points).round().astype(int)]
    n = v.size
    if n == 0:
        return []
    k = max(1, min(k, len(np.unique(v))))
    s1 = np.concatenate([[0.0], np.cumsum(v)])
    s2 = np.concatenate([[0.0], np.cumsum(v * v)])

    # ssd[i, j] = squared deviation of v[i:j] (i < j); impossible segments are +inf.
    idx = np.arange(n + 1)
    cnt = idx[None, :] - idx[:, None]
    seg = s1[None, :] - s1[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ssd = (s2[None, :] - s2[:, None]) - seg * seg / cnt
    ssd[cnt <= 0] = np.inf
    cost = np.full((k + 1, n + 1), np.inf)
    back = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        total = cost[c - 1][:, None] + ssd          # total[i, j]: last class is v[i:j]
        back[c] = np.argmin(total, axis=0)
        cost[c] = total[back[c], idx]
    cuts = []
    j = n
    for c in range(k, 0, -1):
        i = back[c, j]
        cuts.append(i)
        j = i
    starts = sorted(cuts)[1:]
    return sorted({float(v[0]), *(float(v[s]) for s in starts), float(v[-1])})


def fixed_breaks(text: str) -> list[float]:
    """Breaks typed by a person, e.g. ``"0, 10, 20.5, 50"``. Raises ValueError with the reason."""
    parts = [p.strip() for p in str(text).replace("、", ",").split(",") if p.strip()]
    if len(parts) < 2:
        raise ValueError("type at least two numbers separated by commas, e.g. 0, 10, 20")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"not a number among {', '.join(parts)}") from None
    if not all(np.isfinite(nums)):
        raise ValueError("breaks must be finite numbers")
    if any(b <= a for a, b in itertools.pairwise(nums)):
        raise ValueError("breaks must increase from left to right")
    return nums


def breaks(values, method: str, k: int = 5, fixed: str | None = None) -> list[float]:
    """Dispatch on ``method`` (one of METHODS)."""
    if method == "quantile":
        return quantile_breaks(values, k)
    if method == "equal":
        return equal_breaks(values, k)
    if method == "jenks":
        return jenks_breaks(values, k)
    if method == "fixed":
        return fixed_breaks(fixed or "")
    raise ValueError(f"unknown classification {method!r}; expected one of {', '.join(METHODS)}")


def classify(values, edges: list[float]) -> np.ndarray:
    """Class index (0-based) of each value; NaN stays -1, values outside the breaks are clipped."""
    v = np.asarray(values, dtype="float64")
    out = np.full(v.shape, -1, dtype=int)
    if len(edges) < 2:
        out[np.isfinite(v)] = 0
        return out
    idx = np.searchsorted(edges, v, side="right") - 1
    idx = np.clip(idx, 0, len(edges) - 2)
    out[np.isfinite(v)] = idx[np.isfinite(v)]
    return out
