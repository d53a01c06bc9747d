"""Build tiny data/ folders for tests, with the bundled tables' schemas and made-up values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from loaders.build import read_tables
from loaders.store import PROJECT_ROOT


def make_data_dir(target: Path, observations: list[tuple], regions: tuple[str, ...] = ("00", "01", "13"),
                  datasets: dict[str, int] | None = None) -> Path:
    """Write a data folder whose observations are exactly ``observations``.

    ``observations`` rows are (indicator_id, region_code, year, value, dataset_id); ``datasets`` maps
    dataset ids to priority (higher wins).
    """
    base = read_tables(PROJECT_ROOT / "data")
    datasets = datasets or {"test-a": 10}
    tables = {
        "regions": base["regions"][base["regions"]["code"].isin(regions)].reset_index(drop=True),
        "region_members": base["region_members"][base["region_members"]["prefecture_code"].isin(regions)],
        "catalog": base["catalog"],
        "industries": base["industries"],
        "industry_activity": base["industry_activity"].iloc[0:0],
        "conflicts": base["conflicts"].iloc[0:0],
        "datasets": pd.concat([base["datasets"].iloc[[0]].assign(dataset_id=d, priority=p)
                               for d, p in datasets.items()], ignore_index=True),
        "observations": pd.DataFrame(observations, columns=["indicator_id", "region_code", "year", "value",
                                                            "dataset_id"]).astype({"year": "int32",
                                                                                   "value": "float64"}),
    }
    target.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), target / f"{name}.parquet")
    return target
