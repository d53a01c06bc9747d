"""Peers: the prefectures most similar to a region on a standardised profile.

Each indicator is standardised across the 47 (z = (x − mean) / sd, population sd); the distance
between two prefectures is the Euclidean distance over the indicators both have, divided by the
square root of how many that is, so regions with a missing value are not favoured. For each peer the
indicators with the smallest and largest |Δz| explain the similarity to a person.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def standardise(matrix: pd.DataFrame) -> pd.DataFrame:
    """z-scores per column; a column with zero spread becomes 0."""
    z = (matrix - matrix.mean()) / matrix.std(ddof=0)
    for c in matrix.columns:
        if not matrix[c].std(ddof=0):
            z[c] = matrix[c].where(matrix[c].isna(), 0.0)
    return z


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
    z = standardise(matrix)
    me = z.loc[region]
    rows = []
    for other in z.index:
        if other == region:
            continue
        diff = (z.loc[other] - me).abs().dropna()
        if diff.empty:
            continue
        order = diff.sort_values(kind="stable")
        rows.append(dict(region_code=other, distance=float(np.sqrt((diff ** 2).mean())),
                         similar=list(order.index[:explain]), different=list(order.index[::-1][:explain])))
    out = pd.DataFrame(rows).sort_values(["distance", "region_code"]).head(k)
    return out.reset_index(drop=True)
