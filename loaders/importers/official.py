"""What an import may not do: change published figures, or load values the project computes.

The bundled ``data/observations.parquet`` holds the official figures every page shows. An import
may add indicators, regions and years to them; a value for a key they already have (same
indicator, region and year, in any dataset) would silently replace a published figure, so it is
refused unless the administrator says so (``--replace-official``). Derived indicators and location
quotients are computed from their components; importing them would duplicate or contradict that.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.errors import DataError
from loaders.importers.common import computed_reason

KEY = ["indicator_id", "region_code", "year"]
SHOWN = 5  # rows named in a refusal; the count says how many more there are

# The import log's source_note starts with this when an import replaced official values, so the
# serving layer (and a person reading the log) can tell such an import from an ordinary one.
REPLACED_NOTE = "replaced official values: {n}"


def refuse_computed(rows: pd.DataFrame, catalog: pd.DataFrame, *, file: str) -> None:
    """Refuse values for indicators of kind ``derived`` or ``lq``.

    Raises
    ------
    DataError
        Naming the indicator and the components to import instead: the serving database computes
        these indicators, so an imported value would duplicate or contradict the computation.
    """
    for ind in sorted(set(rows["indicator_id"])):
        reason = computed_reason(ind, catalog)
        if reason:
            raise DataError(reason, file=file)


def official_overlap(rows: pd.DataFrame, data: Path) -> pd.DataFrame:
    """The rows whose key (indicator_id, region_code, year) the bundled observations already have.

    One row per key, with ``official`` (the value the pages show: the dataset of highest priority)
    and ``dataset_id``, in the order of ``rows``.
    """
    path = Path(data) / "observations.parquet"
    if rows.empty or not path.exists():
        return rows.iloc[0:0].assign(official=pd.Series(dtype=float), dataset_id=pd.Series(dtype=str))
    indicators = sorted(set(rows["indicator_id"]))
    bundled = pd.read_parquet(path, columns=[*KEY, "value", "dataset_id"],
                              filters=[("indicator_id", "in", indicators)])
    priorities = data / "datasets.parquet"
    if priorities.exists():
        prio = pd.read_parquet(priorities, columns=["dataset_id", "priority"])
        bundled = bundled.merge(prio, on="dataset_id", how="left").sort_values("priority", ascending=False)
    bundled = bundled.drop_duplicates(KEY).rename(columns={"value": "official"})
    keys = rows.assign(year=rows["year"].astype("int64"), _order=range(len(rows)))
    bundled = bundled.assign(year=bundled["year"].astype("int64"))
    hit = keys.merge(bundled[[*KEY, "official", "dataset_id"]], on=KEY, how="inner")
    return hit.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def _number(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.10g}"


def refuse_official(overlap: pd.DataFrame, *, file: str, data: Path) -> None:
    """Refuse an import that would change official figures, naming the first rows and the count.

    Raises
    ------
    DataError
        When ``overlap`` is not empty. Without the administrator's explicit ``--replace-official``,
        anyone who can upload a file could change the published figures every page shows.
    """
    if overlap.empty:
        return
    names = {}
    regions = Path(data) / "regions.parquet"
    if regions.exists():
        r = pd.read_parquet(regions, columns=["code", "name_ja"])
        names = dict(zip(r["code"], r["name_ja"], strict=True))
    shown = []
    for o in overlap.head(SHOWN).itertuples():
        row = getattr(o, "row", None)
        where = f"row {int(row)}: " if row is not None and pd.notna(row) else ""
        region = f"{names[o.region_code]} ({o.region_code})" if o.region_code in names else o.region_code
        shown.append(f"{where}{o.indicator_id} {region} {int(o.year)} = {_number(o.value)} "
                     f"(official {_number(o.official)}, {o.dataset_id})")
    more = f"; and {len(overlap) - SHOWN:,} more" if len(overlap) > SHOWN else ""
    n = len(overlap)
    raise DataError(
        f"{n:,} value{'s' if n != 1 else ''} would replace official figures of the bundled data: "
        f"{'; '.join(shown)}{more}. An import may add indicators, regions and years, not change published "
        "figures. If this file is an official correction, an administrator can import it on the command line "
        "with --replace-official (`chiiki import` or `chiiki fetch`); the values are then marked as replacing "
        "official ones",
        file=file)
