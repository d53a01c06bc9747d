"""The bundled data/ against the official raw files: rebuild is identical, figures match the files.

Skipped, with the reason, when ../shared/data/raw is not present.
"""

from __future__ import annotations

import pandas as pd
import pytest

from loaders.build import build_tables, read_tables
from loaders.store import PROJECT_ROOT

pytestmark = pytest.mark.raw


@pytest.fixture(scope="module")
def rebuilt():
    from tests.conftest import RAW

    if not (RAW / "ssdse").is_dir():
        pytest.skip(f"official raw files not present at {RAW}")
    return build_tables(RAW)


def test_rebuild_gives_the_committed_tables(rebuilt):
    committed = read_tables(PROJECT_ROOT / "data")
    for name, frame in rebuilt.tables.items():
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), committed[name], check_dtype=False,
                                      obj=name)
    for rel, text in rebuilt.assets.items():
        assert (PROJECT_ROOT / "assets" / rel).read_text(encoding="utf-8") == text, rel


def _raw_cell(raw_dir, file, code, region, header_rows=3):
    df = pd.read_csv(raw_dir / "ssdse" / file, encoding="cp932", header=None, dtype=str)
    col = list(df.iloc[0]).index(code)
    row = df[df[0] == region].iloc[0]
    return float(row[col])


@pytest.mark.parametrize(("file", "code", "region", "year", "dataset"), [
    ("SSDSE-E-2024.csv", "C2108", "R01000", 2021, "ssdse-e-2024"),
    ("SSDSE-E-2024.csv", "E6302", "R13000", 2022, "ssdse-e-2024"),
    ("SSDSE-E-2024.csv", "A1101", "R00000", 2022, "ssdse-e-2024"),
    ("SSDSE-E-2023.csv", "C220837", "R23000", 2016, "ssdse-e-2023"),
    ("SSDSE-A-2026.csv", "C2208", "R01100", 2021, "ssdse-a-2026"),
    ("SSDSE-A-2025.csv", "A1101", "R47381", 2020, "ssdse-a-2025"),
])
def test_observations_match_raw_cells(rebuilt, raw_dir, file, code, region, year, dataset):
    obs = rebuilt.tables["observations"]
    ours = region[1:3] if region.endswith("000") else region[1:]
    sel = obs[(obs.indicator_id == code) & (obs.region_code == ours) & (obs.year == year)
              & (obs.dataset_id == dataset)]
    assert len(sel) == 1
    assert sel["value"].iloc[0] == _raw_cell(raw_dir, file, code, region)


def test_every_ssdse_e_item_of_every_edition_is_loaded(rebuilt, raw_dir):
    obs = rebuilt.tables["observations"]
    for file, dataset in [("SSDSE-E-2022v2.csv", "ssdse-e-2022v2"), ("SSDSE-E-2023.csv", "ssdse-e-2023"),
                          ("SSDSE-E-2024.csv", "ssdse-e-2024")]:
        codes = list(pd.read_csv(raw_dir / "ssdse" / file, encoding="cp932", header=None, nrows=1,
                                 dtype=str).iloc[0])[2:]
        loaded = set(obs.loc[obs.dataset_id == dataset, "indicator_id"])
        assert set(codes) == loaded, dataset
        assert obs.loc[obs.dataset_id == dataset, "region_code"].nunique() == 48


def test_ssdse_b_series_covers_2011_2022(rebuilt):
    obs = rebuilt.tables["observations"]
    b = obs[obs.dataset_id == "ssdse-b-2025"]
    assert sorted(b["year"].unique()) == list(range(2011, 2023))
    tokyo = b[(b.indicator_id == "E6302") & (b.region_code == "13") & (b.year == 2022)]["value"]
    assert tokyo.iloc[0] == 678207  # PROVENANCE-innovation.md sanity figure


def test_census_2021_industry_matches_municipal_sums(rebuilt, raw_dir):
    """Prefecture rows of the 2021 census are sums of SSDSE-A municipalities, total included."""
    act = rebuilt.tables["industry_activity"]
    a = pd.read_csv(raw_dir / "ssdse" / "SSDSE-A-2026.csv", encoding="cp932", header=None, dtype=str)
    codes = list(a.iloc[0])
    body = a.iloc[3:]
    col = codes.index("C220837")
    hokkaido = body[body[0].str[1:3] == "01"][col].astype(float).sum()
    ours = act[(act.measure == "employees") & (act.year == 2021) & (act.region_code == "01")
               & (act.industry_code == "jsic-E")]["value"].iloc[0]
    assert ours == hokkaido
    nation = act[(act.measure == "establishments") & (act.year == 2021) & (act.region_code == "00")
                 & (act.industry_code == "total")]["value"].iloc[0]
    assert nation == 5_155_605  # PROVENANCE.md: sum over all 1,741 municipalities
    industries = act[(act.measure == "employees") & (act.year == 2021) & (act.region_code == "13")]
    assert industries["industry_code"].nunique() == 19  # 18 industries + total


def test_value_added_2016_and_kenmin_sectors(rebuilt, raw_dir):
    import json

    doc = json.loads((raw_dir / "kenmin" / "esri_kenmin_gdp_by_industry_nominal_2011_2022.json")
                     .read_text(encoding="utf-8"))
    tokyo = next(r for r in doc["years"]["2019"] if r["code"] == "13")
    act = rebuilt.tables["industry_activity"]
    va = act[(act.measure == "value_added") & (act.year == 2019) & (act.region_code == "13")]
    assert va.loc[va.industry_code == "sna-03", "value"].iloc[0] == tokyo["gdpBySector"]["製造業"]
    assert va.loc[va.industry_code == "total", "value"].iloc[0] == sum(tokyo["gdpBySector"].values())
    e16 = act[(act.year == 2016) & (act.measure == "employees")]
    assert e16["industry_code"].nunique() == 8 and e16["region_code"].nunique() == 48


def test_regions_from_raw(rebuilt):
    regions = rebuilt.tables["regions"]
    counts = regions["level"].value_counts().to_dict()
    assert counts == {"nation": 1, "block": 8, "metro": 5, "prefecture": 47, "municipality": 1741}
