"""Peers: the regions most similar to a region on a standardised profile, and why, in words.

Each indicator is standardised across the regions of one level (z = (x − mean) / sd, population
sd); the distance between two regions is the Euclidean distance over the indicators both have,
divided by the square root of how many that is, so regions with a missing value are not favoured.
For each peer the indicators with the smallest and largest |Δz| explain the similarity to a person.

Prefectures use catalog indicators (``service.PROFILE_DEFAULT``). Municipalities use
:data:`MUNICIPAL_FEATURES`, formed here from the bundled municipal figures: size, density, age,
industry structure, jobs and public finance — the dimensions 総務省's 類似団体 types use (size and
industry) and what they leave out (age, finance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Feature:
    """One indicator of the municipal profile: how it is formed from catalog ids and how it reads."""

    id: str
    name_ja: str
    name_en: str
    unit_ja: str
    unit_en: str
    inputs: tuple[str, ...]       # catalog ids it is computed from
    digits: int = 1
    log: bool = False             # compared on log10 (sizes spread over orders of magnitude)


MUNICIPAL_FEATURES: tuple[Feature, ...] = (
    Feature("population", "人口", "population", "人", "", ("A1101",), digits=0, log=True),
    Feature("density", "人口密度", "population density", "人/km²", "per km²", ("A1101", "B1101"), digits=0,
            log=True),
    Feature("aging_rate", "高齢化率", "aging rate", "%", "%", ("aging_rate",)),
    Feature("secondary_share", "第2次産業就業者の割合", "share of workers in secondary industry", "%", "%",
            ("F2201", "F2211", "F2221")),
    Feature("tertiary_share", "第3次産業就業者の割合", "share of workers in tertiary industry", "%", "%",
            ("F2201", "F2211", "F2221")),
    Feature("employees_per_100", "人口100人当たり民営事業所従業者数", "private-sector employees per 100 residents",
            "人", "", ("C2208", "A1101")),
    Feature("current_balance_ratio", "経常収支比率", "current balance ratio (経常収支比率)", "%", "%", ("D2203",)),
    Feature("debt_service_ratio", "実質公債費比率", "real debt service ratio (実質公債費比率)", "%", "%", ("D2211",)),
    Feature("local_tax_share", "歳入に占める地方税の割合", "local taxes in revenue", "%", "%", ("D320101", "D3201")),
)
MUNICIPAL_INPUTS = tuple(dict.fromkeys(i for f in MUNICIPAL_FEATURES for i in f.inputs))


def municipal_matrix(wide: pd.DataFrame) -> pd.DataFrame:
    """Municipalities × :data:`MUNICIPAL_FEATURES` (raw, not logged) from their catalog inputs.

    ``wide``: index = municipality code, columns = catalog ids (:data:`MUNICIPAL_INPUTS`). A ratio
    whose denominator is zero or missing is missing (双葉町 had no residents in 2020), never 0.
    """
    w = wide.reindex(columns=list(MUNICIPAL_INPUTS)).astype("float64")

    def ratio(num, den, scale=100.0):
        return scale * num / den.where(den > 0)

    workers = w["F2201"] + w["F2211"] + w["F2221"]
    out = pd.DataFrame({
        "population": w["A1101"].where(w["A1101"] > 0),
        "density": ratio(w["A1101"], w["B1101"] / 100, scale=1.0),   # B1101 is in ha
        "aging_rate": w["aging_rate"],
        "secondary_share": ratio(w["F2211"], workers),
        "tertiary_share": ratio(w["F2221"], workers),
        "employees_per_100": ratio(w["C2208"], w["A1101"]),
        "current_balance_ratio": w["D2203"],
        "debt_service_ratio": w["D2211"],
        "local_tax_share": ratio(w["D320101"], w["D3201"]),
    }, index=w.index)
    return out[[f.id for f in MUNICIPAL_FEATURES]]


def standardise(matrix: pd.DataFrame) -> pd.DataFrame:
    """z-scores per column; a column with zero spread becomes 0."""
    z = (matrix - matrix.mean()) / matrix.std(ddof=0)
    for c in matrix.columns:
        if not matrix[c].std(ddof=0):
            z[c] = matrix[c].where(matrix[c].isna(), 0.0)
    return z


@dataclass(frozen=True)
class Profile:
    """A standardised profile, ready for many nearest-neighbour questions (memoise one per data version)."""

    raw: pd.DataFrame             # region × indicator, as published / formed
    z: np.ndarray                 # the same, standardised (logged first where the feature says so)
    codes: list[str]
    position: dict[str, int]
    min_common: int = 1


def make_profile(raw: pd.DataFrame, *, log: tuple[str, ...] = (), min_common: int = 1) -> Profile:
    """:class:`Profile` of ``raw`` (index = region codes); columns in ``log`` are standardised on log10."""
    shaped = raw.astype("float64").copy()
    for c in log:
        shaped[c] = np.log10(shaped[c].where(shaped[c] > 0))
    z = standardise(shaped).to_numpy(dtype="float64")
    codes = [str(c) for c in raw.index]
    return Profile(raw=raw, z=z, codes=codes, position={c: i for i, c in enumerate(codes)}, min_common=min_common)


def _distances(profile: Profile, region: str) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    if region not in profile.position:
        raise KeyError(f"region {region!r} is not in the profile")
    i = profile.position[region]
    diff = np.abs(profile.z - profile.z[i])
    have = ~np.isnan(diff)
    common = have.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.sqrt(np.where(have, diff ** 2, 0.0).sum(axis=1) / common)
    return i, diff, common, dist


def distances(profile: Profile, region: str) -> pd.Series:
    """Distance from ``region`` to every region of the profile (NaN where too few indicators are shared)."""
    _, _, common, dist = _distances(profile, region)
    return pd.Series(np.where(common >= max(profile.min_common, 1), dist, np.nan), index=profile.codes)


def nearest(profile: Profile, region: str, *, k: int = 5, explain: int = 3) -> pd.DataFrame:
    """The ``k`` regions nearest to ``region`` (itself excluded), ordered by distance then code.

    Returns region_code, distance, similar (ids with the smallest |Δz|), different (largest |Δz|),
    common (how many indicators were compared). Regions sharing fewer than ``profile.min_common``
    indicators with ``region`` are not candidates.
    """
    i, diff, common, dist = _distances(profile, region)
    ok = (common >= max(profile.min_common, 1)) & (np.arange(len(dist)) != i)
    idx = np.flatnonzero(ok)
    codes = np.asarray(profile.codes, dtype=object)
    order = idx[np.lexsort((codes[idx], dist[idx]))][:k]
    cols = list(profile.raw.columns)
    rows = []
    for j in order:
        d = pd.Series(diff[j], index=cols).dropna().sort_values(kind="stable")
        rows.append(dict(region_code=profile.codes[j], distance=float(dist[j]), similar=list(d.index[:explain]),
                         different=list(d.index[::-1][:explain]), common=int(common[j])))
    return pd.DataFrame(rows, columns=["region_code", "distance", "similar", "different", "common"])


def peers(matrix: pd.DataFrame, region: str, *, k: int = 5, explain: int = 3) -> pd.DataFrame:
    """The ``k`` prefectures nearest to ``region``.

    Parameters
    ----------
    matrix : DataFrame
        Index = prefecture codes, columns = indicator ids (raw values).
    region : str
        A code in ``matrix.index``.

    Returns
    -------
    DataFrame
        region_code, distance, similar (list of indicator ids with the smallest |Δz|), different
        (largest |Δz|), ordered by distance.
    """
    if region not in matrix.index:
        raise KeyError(f"region {region!r} is not in the profile")
    return nearest(make_profile(matrix), region, k=k, explain=explain).drop(columns="common")


def _number(x: float, digits: int) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{digits}f}"


def why(ids: list[str], mine: pd.Series, theirs: pd.Series, labels: dict[str, tuple[str, str, str, str, int]],
        lang: str = "ja") -> str:
    """The indicators that make two regions close, in words, with both values.

    ``labels``: id → (name_ja, name_en, unit_ja, unit_en, digits). E.g. ``高齢化率 31.6 % と 31.2 %、
    … が近い`` / ``close on aging rate: 31.6 % vs 31.2 %; …``.
    """
    parts = []
    for f in ids:
        name_ja, name_en, unit_ja, unit_en, digits = labels[f]
        a, b = _number(mine.get(f), digits), _number(theirs.get(f), digits)
        if lang == "en":
            unit = f" {unit_en}" if unit_en else ""
            parts.append(f"{name_en}: {a}{unit} vs {b}{unit}")
        else:
            sep = " " if unit_ja == "%" else ""
            parts.append(f"{name_ja} {a}{sep}{unit_ja} と {b}{sep}{unit_ja}")
    if not parts:
        return ""
    return "close on " + "; ".join(parts) if lang == "en" else "、".join(parts) + " が近い"


def feature_labels() -> dict[str, tuple[str, str, str, str, int]]:
    """:data:`MUNICIPAL_FEATURES` as the ``labels`` :func:`why` takes."""
    return {f.id: (f.name_ja, f.name_en, f.unit_ja, f.unit_en, f.digits) for f in MUNICIPAL_FEATURES}
