"""Independent audit of the bundled data/ against the official raw files, and of the served LQs.

test_build_raw.py rebuilds data/ with the project's own readers, so a reader bug (a shifted column, a
wrong reference year, a mis-mapped industry, a dropped cell) would be rebuilt faithfully and pass.
This module reads the raw files again with nothing but pandas and json and its own layout rules, and
checks that

* every row of observations.parquet equals its raw cell (or the documented 県民経済計算 sum), and every
  numeric raw cell of every bundled SSDSE file is in the bundle;
* every row of industry_activity.parquet equals its raw cell or the sum of raw cells it stands for,
  with industries identified from the raw column names rather than the project's suffix table;
* every location quotient ``service.lq_table`` serves equals (x_ri / x_r,total) / (x_Ri / x_R,total)
  recomputed from the raw files, for the same set of regions and industries.

Skipped, with the reason, when ../shared/data/raw is not present.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loaders.store import PROJECT_ROOT
from metrics import service

pytestmark = pytest.mark.raw

DATA = PROJECT_ROOT / "data"
KENMIN_FILE = "kenmin/esri_kenmin_gdp_by_industry_nominal_2011_2022.json"
KENMIN_DATASET = "kenmin-2022"
# Counts of programmes parsed from seed 004's list, not cells of a statistical table: audited separately
# below (every programme name is in the seed, every count is the programmes placed in the prefecture).
CLUSTER_DATASET = "meti-clusters-seed004"
NATION = "00"
SHOW = 20  # mismatches quoted in an assertion message

_FILE_RE = re.compile(r"^SSDSE-([ABE])-(\d{4}(?:v\d+)?)\.(csv|xlsx)$")
_REGION_RE = re.compile(r"^R(\d{5})$")
# Stricter than float(): float() also accepts "1_000", "inf" and "nan", none of which is a statistic.
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
# Markers Japanese statistical tables print for "not available" or "suppressed".
MISSING = frozenset({"", "-", "－", "―", "‐", "—", "…", "...", "x", "X", "χ", "***", "**", "*", "nan", "NaN"})

# (header rows, first item column, region-code column, year column or None when row 2 holds item years)
LAYOUT = {"E": (3, 2, 0, None), "A": (3, 3, 0, None), "B": (2, 3, 1, 0)}

# JSIC major groups (日本標準産業分類 大分類) under the names the census columns carry. Industries are
# identified by these names in the raw headers, so a wrong code-suffix table in the project shows up.
JSIC = {
    "A": "農業、林業", "B": "漁業", "C": "鉱業、採石業、砂利採取業", "D": "建設業", "E": "製造業",
    "F": "電気・ガス・熱供給・水道業", "G": "情報通信業", "H": "運輸業、郵便業", "I": "卸売業、小売業",
    "J": "金融業、保険業", "K": "不動産業、物品賃貸業", "L": "学術研究、専門・技術サービス業",
    "M": "宿泊業、飲食サービス業", "N": "生活関連サービス業、娯楽業", "O": "教育、学習支援業", "P": "医療、福祉",
    "Q": "複合サービス事業", "R": "サービス業（他に分類されないもの）",
}
_JSIC_BY_NAME = {name: letter for letter, name in JSIC.items()}
# measure: (item-code prefix, raw column name of the all-industry total)
CENSUS = {"establishments": ("C2108", "事業所数（民営）"), "employees": ("C2208", "従業者数（民営）")}
CENSUS_2016, CENSUS_2021 = "ssdse-e-2023", "ssdse-a-2026"


def _text(cell) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    return str(cell).strip()


def _number(cell) -> float | None:
    """The cell's value, None for a missing marker; ValueError for anything else."""
    if isinstance(cell, numbers.Real) and not isinstance(cell, bool | np.bool_):
        if math.isnan(cell):
            return None
        if math.isinf(cell):
            raise ValueError(cell)
        return float(cell)
    text = _text(cell).replace(",", "")
    if text in MISSING:
        return None
    if not _NUMBER_RE.match(text):
        raise ValueError(text)
    return float(text)


def _year(cell) -> int | None:
    if isinstance(cell, numbers.Real) and not isinstance(cell, bool | np.bool_) and float(cell).is_integer():
        return int(cell)
    text = _text(cell)
    return int(text) if text.isdigit() else None


@dataclass
class SsdseRaw:
    """One SSDSE file, long: indicator_id, region_code, year, value for its non-missing cells."""

    dataset_id: str
    cells: pd.DataFrame
    names: dict[str, str]
    problems: list[str] = field(default_factory=list)


def _read_ssdse(path: Path) -> SsdseRaw:
    kind, edition, ext = _FILE_RE.match(path.name).groups()
    if ext == "xlsx":
        # calamine rather than the openpyxl engine the loaders use: a second parser of the same workbook.
        grid = pd.read_excel(path, header=None, engine="calamine")
    else:
        grid = pd.read_csv(path, header=None, dtype=str, encoding="cp932", keep_default_na=False)
    arr = grid.to_numpy(dtype=object)
    header_rows, first, region_col, year_col = LAYOUT[kind]
    problems = []
    if _text(arr[0, 0]) != path.stem:
        problems.append(f"{path.name}: first cell {arr[0, 0]!r} does not name the edition")
    codes = [_text(c) for c in arr[0]]
    names = {codes[c]: _text(arr[header_rows - 1, c]) for c in range(first, arr.shape[1])}
    item_years = [_year(c) for c in arr[1]]
    if year_col is None:
        problems += [f"{path.name}: item {codes[c]} has no reference year ({arr[1, c]!r})"
                     for c in range(first, arr.shape[1]) if item_years[c] is None]
    rows = []
    for r in range(header_rows, arr.shape[0]):
        code = _text(arr[r, region_col])
        if code == "" and all(_text(c) == "" for c in arr[r]):
            continue
        m = _REGION_RE.match(code)
        row_year = _year(arr[r, year_col]) if year_col is not None else None
        if not m or (year_col is not None and row_year is None):
            problems.append(f"{path.name} row {r + 1}: region {code!r}, year {arr[r, year_col or 0]!r}")
            continue
        digits = m.group(1)
        region = digits[:2] if digits[2:] == "000" else digits
        for c in range(first, arr.shape[1]):
            try:
                value = _number(arr[r, c])
            except ValueError:
                problems.append(f"{path.name} row {r + 1} {codes[c]}: not a number nor a marker: {arr[r, c]!r}")
                continue
            if value is not None:
                rows.append((codes[c], region, row_year if year_col is not None else item_years[c], value))
    cells = pd.DataFrame(rows, columns=["indicator_id", "region_code", "year", "value"])
    dup = cells[cells.duplicated(["indicator_id", "region_code", "year"], keep=False)]
    if not dup.empty:
        problems.append(f"{path.name}: {len(dup)} cells share an item, region and year, e.g. "
                        f"{dup.iloc[0].to_dict()}")
    return SsdseRaw(f"ssdse-{kind.lower()}-{edition}", cells, names, problems)


class RawFiles:
    """Every SSDSE file and the 県民経済計算 JSON, parsed once; derived tables computed on first use."""

    def __init__(self, raw: Path):
        self.ssdse = {}
        for path in sorted((raw / "ssdse").iterdir()):
            if _FILE_RE.match(path.name):
                t = _read_ssdse(path)
                self.ssdse[t.dataset_id] = t
        self.kenmin = json.loads((raw / KENMIN_FILE).read_text(encoding="utf-8"))
        self.problems = [p for t in self.ssdse.values() for p in t.problems]
        # The nation rows are sums over the records, so a 全国 or repeated record would be counted twice.
        prefectures = [f"{i:02d}" for i in range(1, 48)]
        self.problems += [f"{KENMIN_FILE} FY{year}: records are not exactly the 47 prefectures"
                          for year, records in self.kenmin["years"].items()
                          if sorted(f"{int(r['code']):02d}" for r in records) != prefectures]

    @cached_property
    def value_added(self) -> pd.DataFrame:
        """region_code, industry_code (sna-NN in the file's sector order), year, value; 47 prefectures only."""
        rows = []
        for year, records in self.kenmin["years"].items():
            for rec in records:
                for i, sector in enumerate(self.kenmin["sectors"]):
                    value = rec["gdpBySector"][sector]
                    # Integers in 百万円, so every sum below is exact and can be compared with ==.
                    assert isinstance(value, int), (year, rec["code"], sector, value)
                    rows.append((f"{int(rec['code']):02d}", f"sna-{i + 1:02d}", int(year), value))
        return pd.DataFrame(rows, columns=["region_code", "industry_code", "year", "value"])

    @cached_property
    def observations(self) -> pd.DataFrame:
        """What observations.parquet should hold: every SSDSE cell, and the two 県民経済計算 series."""
        frames = [t.cells.assign(dataset_id=d) for d, t in self.ssdse.items()]
        rows = []
        for year, records in self.kenmin["years"].items():
            gdp = {f"{int(r['code']):02d}": r["gdpTotal"] for r in records}
            va = {f"{int(r['code']):02d}": sum(r["gdpBySector"][s] for s in self.kenmin["sectors"]) for r in records}
            for indicator, by_region in (("kenmin_gdp_nominal", gdp), ("va_total", va)):
                assert all(isinstance(v, int) for v in by_region.values()), (indicator, year)
                rows += [(indicator, code, int(year), v) for code, v in by_region.items()]
                rows.append((indicator, NATION, int(year), sum(by_region.values())))
        frames.append(pd.DataFrame(rows, columns=["indicator_id", "region_code", "year", "value"])
                      .assign(dataset_id=KENMIN_DATASET))
        return pd.concat(frames, ignore_index=True).astype({"year": "int64", "value": "float64"})

    def census_columns(self, dataset_id: str) -> dict[str, tuple[str, str]]:
        """Item code → (measure, industry_code) of the census columns of one file, from the column names."""
        out = {}
        for code, name in self.ssdse[dataset_id].names.items():
            for measure, (prefix, base) in CENSUS.items():
                if not name.startswith(base):
                    continue
                # Older editions write the full-width comma， where JSIC and later editions write 、.
                rest = name[len(base):].replace("，", "、")
                if rest == "":
                    industry = "total"
                else:
                    inner = rest[1:-1]
                    assert rest[0] == "（" and rest[-1] == "）" and inner in _JSIC_BY_NAME, (dataset_id, code, name)
                    industry = f"jsic-{_JSIC_BY_NAME[inner]}"
                # The code and the name must tell the same story, or one of them is shifted.
                assert code.startswith(prefix), (dataset_id, code, name)
                out[code] = (measure, industry)
        # A census column whose name is not recognised would otherwise drop out of the audit unnoticed.
        census_codes = [c for c in self.ssdse[dataset_id].names if c.startswith(("C2108", "C2208"))]
        assert sorted(out) == sorted(census_codes), f"{dataset_id}: a C2108/C2208 column is not a census column"
        return out

    def _census(self, dataset_id: str) -> pd.DataFrame:
        columns = self.census_columns(dataset_id)
        cells = self.ssdse[dataset_id].cells
        cells = cells[cells["indicator_id"].isin(list(columns))]
        mapped = cells["indicator_id"].map(columns)
        return cells.assign(measure=mapped.str[0], industry_code=mapped.str[1], dataset_id=dataset_id)

    @cached_property
    def activity(self) -> pd.DataFrame:
        """What industry_activity.parquet should hold, from the raw cells alone."""
        keys = ["measure", "industry_code", "year", "dataset_id"]
        munis = self._census(CENSUS_2021)
        assert (munis["region_code"].str.len() == 5).all(), "SSDSE-A should hold municipalities only"
        # 2021: prefecture and nation are sums of the municipalities, totals included (same source on
        # both sides of the ratio).
        prefs = munis.assign(region_code=munis["region_code"].str[:2]).groupby(
            [*keys, "region_code"], as_index=False)["value"].sum()
        nation = munis.groupby(keys, as_index=False)["value"].sum().assign(region_code=NATION)
        # 2016: SSDSE-E as published, its 全国 row included.
        published = self._census(CENSUS_2016)
        va = self.value_added.assign(measure="value_added", dataset_id=KENMIN_DATASET)
        va_total = va.groupby(["measure", "region_code", "year", "dataset_id"], as_index=False)["value"].sum()
        va = pd.concat([va, va_total.assign(industry_code="total")])
        va_nation = va.groupby(keys, as_index=False)["value"].sum().assign(region_code=NATION)
        cols = ["measure", "region_code", "industry_code", "year", "value", "dataset_id"]
        return (pd.concat([munis[cols], prefs[cols], nation[cols], published[cols], va[cols], va_nation[cols]],
                          ignore_index=True)
                .astype({"year": "int64", "value": "float64"}))


@pytest.fixture(scope="module")
def _raw_cache() -> dict:
    return {}


@pytest.fixture
def raw(raw_dir, _raw_cache) -> RawFiles:
    # raw_dir is per test (it skips when the folder is absent); the parse is kept for the whole module.
    key = str(raw_dir)
    if key not in _raw_cache:
        _raw_cache[key] = RawFiles(raw_dir)
    return _raw_cache[key]


@pytest.fixture(scope="module")
def bundle() -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(DATA / f"{name}.parquet")
            for name in ("observations", "industry_activity", "industries")}


def _fmt(frame: pd.DataFrame, keys: list[str], cols: list[str]) -> str:
    lines = [", ".join(f"{k}={getattr(row, k)!r}" for k in [*keys, *cols]) for row in frame.head(SHOW).itertuples()]
    more = f"\n  … and {len(frame) - SHOW} more" if len(frame) > SHOW else ""
    return "\n  " + "\n  ".join(lines) + more


def _diff(expected: pd.DataFrame, bundled: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    bundled = bundled.astype({"year": "int64"})
    return expected.merge(bundled[[*keys, "value"]], on=keys, how="outer", suffixes=("_raw", "_bundle"),
                          indicator=True)


def test_raw_files_parse_cleanly(raw):
    """Every raw cell is a number or a missing marker, so the audit below has not skipped any."""
    assert raw.problems == [], "\n".join(raw.problems[:SHOW])


def test_every_bundled_dataset_has_its_raw_file(raw, bundle):
    datasets = set(bundle["observations"]["dataset_id"]) | set(bundle["industry_activity"]["dataset_id"])
    assert sorted(datasets - set(raw.ssdse) - {KENMIN_DATASET, CLUSTER_DATASET}) == []


def test_every_bundled_observation_equals_its_raw_cell(raw, bundle):
    keys = ["indicator_id", "region_code", "year", "dataset_id"]
    obs = bundle["observations"]
    obs = obs[obs["dataset_id"] != CLUSTER_DATASET]
    dup = obs[obs.duplicated(keys, keep=False)]
    assert dup.empty, f"{len(dup)} bundled rows share a key:" + _fmt(dup, keys, ["value"])
    m = _diff(raw.observations, obs, keys)
    extra = m[m["_merge"] == "right_only"]
    assert extra.empty, f"{len(extra)} bundled observations have no raw cell:" + _fmt(extra, keys, ["value_bundle"])
    both = m[m["_merge"] == "both"]
    wrong = both[both["value_raw"] != both["value_bundle"]]
    assert wrong.empty, (f"{len(wrong)} of {len(both)} bundled observations differ from the raw cell:"
                         + _fmt(wrong, keys, ["value_raw", "value_bundle"]))


def test_no_raw_cell_is_missing_from_the_bundle(raw, bundle):
    keys = ["indicator_id", "region_code", "year", "dataset_id"]
    obs = bundle["observations"]
    obs = obs[obs["dataset_id"] != CLUSTER_DATASET]
    bundled = set(obs["dataset_id"])
    # Only files the bundle draws on must be complete; an unused raw file is not an error here.
    expected = raw.observations[raw.observations["dataset_id"].isin(bundled)]
    assert set(expected["dataset_id"]) == bundled
    m = _diff(expected, obs, keys)
    dropped = m[m["_merge"] == "left_only"]
    assert dropped.empty, f"{len(dropped)} raw cells are not in the bundle:" + _fmt(dropped, keys, ["value_raw"])


def test_every_industry_activity_row_equals_raw(raw, bundle):
    keys = ["measure", "region_code", "industry_code", "year", "dataset_id"]
    act = bundle["industry_activity"]
    dup = act[act.duplicated(keys, keep=False)]
    assert dup.empty, f"{len(dup)} bundled rows share a key:" + _fmt(dup, keys, ["value"])
    m = _diff(raw.activity, act, keys)
    extra = m[m["_merge"] == "right_only"]
    dropped = m[m["_merge"] == "left_only"]
    both = m[m["_merge"] == "both"]
    wrong = both[both["value_raw"] != both["value_bundle"]]
    assert extra.empty, f"{len(extra)} bundled rows have no raw counterpart:" + _fmt(extra, keys, ["value_bundle"])
    assert dropped.empty, f"{len(dropped)} raw figures are not in the bundle:" + _fmt(dropped, keys, ["value_raw"])
    assert wrong.empty, (f"{len(wrong)} of {len(both)} industry figures differ from raw:"
                         + _fmt(wrong, keys, ["value_raw", "value_bundle"]))


def test_industry_names_are_the_raw_names(raw, bundle):
    """The label a user reads next to an industry code is the industry the figures come from."""
    names = bundle["industries"].set_index(["classification", "industry_code"])["name_ja"]
    used = {c for c in raw.census_columns(CENSUS_2021).values() if c[1] != "total"}
    assert {i for _, i in used} == {f"jsic-{letter}" for letter in JSIC}
    wrong = [(f"jsic-{letter}", names.get(("jsic", f"jsic-{letter}")), name) for letter, name in JSIC.items()
             if names.get(("jsic", f"jsic-{letter}")) != name]
    wrong += [(f"sna-{i + 1:02d}", names.get(("sna", f"sna-{i + 1:02d}")), sector)
              for i, sector in enumerate(raw.kenmin["sectors"]) if names.get(("sna", f"sna-{i + 1:02d}")) != sector]
    assert wrong == [], wrong


def _expected_lq(activity: pd.DataFrame, measure: str, year: int, level: str, against: str) -> pd.DataFrame:
    act = activity[(activity["measure"] == measure) & (activity["year"] == year)]
    wide = act.pivot(index="region_code", columns="industry_code", values="value")
    codes = wide.index.to_series()
    regions = (codes[codes.str.len() == 5] if level == "municipality"
               else codes[(codes.str.len() == 2) & (codes != NATION)]).to_list()
    refs = [r[:2] for r in regions] if against == "prefecture" else [NATION] * len(regions)
    industries = [c for c in wide.columns if c != "total"]
    x = wide.loc[regions, industries].to_numpy()
    xt = wide.loc[regions, ["total"]].to_numpy()
    ref_x = wide.loc[refs, industries].to_numpy()
    ref_t = wide.loc[refs, ["total"]].to_numpy()
    # Cross-multiplied rather than as a ratio of shares, so the rounding differs from the project's.
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = (x * ref_t) / (xt * ref_x)
        share = x / xt
    # The project defines a zero denominator as a missing LQ, never 0 or infinity.
    lq = np.where((xt == 0) | (ref_x == 0) | (ref_t == 0), np.nan, lq)
    share = np.where(xt == 0, np.nan, share)
    out = pd.DataFrame({"region_code": np.repeat(regions, len(industries)),
                        "industry_code": np.tile(industries, len(regions)),
                        "value": x.ravel(), "share": share.ravel(), "lq": lq.ravel()})
    return out.dropna(subset=["value"])  # an industry the region has no figure for has no LQ row


def _lq_mismatches(raw: RawFiles, cur, measure: str, year: int, level: str, against: str) -> tuple[int, list[str]]:
    expected = _expected_lq(raw.activity, measure, year, level, against)
    served = service.lq_table(cur, measure, year, level=level, against=against)
    keys = ["region_code", "industry_code"]
    case = f"{measure} {year} {level} vs {against}"
    problems = []
    dup = served[served.duplicated(keys, keep=False)]
    if not dup.empty:
        problems.append(f"{case}: {len(dup)} served rows share a region and industry:" + _fmt(dup, keys, ["lq"]))
    m = expected.merge(served[[*keys, "value", "share", "lq"]], on=keys, how="outer", suffixes=("_raw", "_served"),
                       indicator=True)
    for side, label in (("left_only", "not served"), ("right_only", "served but not in raw")):
        rows = m[m["_merge"] == side]
        if not rows.empty:
            problems.append(f"{case}: {len(rows)} region×industry {label}:" + _fmt(rows, keys, []))
    both = m[m["_merge"] == "both"]

    def differs(a: pd.Series, b: pd.Series) -> np.ndarray:
        a, b = a.to_numpy(dtype="float64"), b.to_numpy(dtype="float64")
        close = np.isclose(a, b, rtol=1e-12, atol=0.0)
        return ~(close | (np.isnan(a) & np.isnan(b)))

    bad = both[(both["value_raw"] != both["value_served"]).to_numpy() | differs(both["lq_raw"], both["lq_served"])
               | differs(both["share_raw"], both["share_served"])]
    if not bad.empty:
        problems.append(f"{case}: {len(bad)} of {len(both)} LQs differ from the recomputation:"
                        + _fmt(bad, keys, ["value_raw", "value_served", "lq_raw", "lq_served", "share_raw",
                                           "share_served"]))
    return len(both), problems


@pytest.mark.parametrize(("measure", "year", "level", "against"), [
    (measure, year, level, against)
    for measure in ("employees", "establishments")
    for year, level, against in ((2016, "prefecture", "nation"), (2021, "prefecture", "nation"),
                                 (2021, "municipality", "nation"), (2021, "municipality", "prefecture"))
])
def test_census_lq_equals_recomputation_from_raw(raw, cur, measure, year, level, against):
    compared, problems = _lq_mismatches(raw, cur, measure, year, level, against)
    assert problems == [], "\n".join(problems)
    assert compared > 0


def test_value_added_lq_equals_recomputation_from_raw_for_every_year(raw, cur):
    problems, compared = [], {}
    for year in sorted(int(y) for y in raw.kenmin["years"]):
        compared[year], found = _lq_mismatches(raw, cur, "value_added", year, "prefecture", "nation")
        problems += found
    assert problems == [], "\n".join(problems)
    assert set(compared.values()) == {47 * len(raw.kenmin["sectors"])}, compared


def test_cluster_programmes_are_the_seed_list_and_counts_are_the_programmes_placed(raw_dir, bundle):
    """Seed 004 map ⑤: the file is the one the manifest records, every programme name is in it, and
    each prefecture's count is the number of programmes placed in that prefecture (block-wide and
    unplaced programmes count nowhere)."""
    import hashlib

    seed = raw_dir.parent.parent / "seeds" / "004_f478f2f433150f9e.txt"
    text = seed.read_text(encoding="utf-8")
    manifest = json.loads((PROJECT_ROOT / "data" / "manifest.json").read_text(encoding="utf-8"))
    recorded = {k: v for k, v in manifest["raw_files"].items() if k.endswith(seed.name)}
    assert list(recorded.values()) == [hashlib.sha256(seed.read_bytes()).hexdigest()]
    programmes = pd.read_parquet(PROJECT_ROOT / "data" / "clusters.parquet")
    assert len(programmes) == 161 and sorted(programmes["no"]) == list(range(1, 162))
    squeeze = lambda x: re.sub(r"\s+", "", x)  # noqa: E731 - the seed wraps long names over lines
    missing = [n for n in programmes["name"] if squeeze(n) not in squeeze(text)]
    assert missing == []
    placed = programmes[programmes["area_level"] == "prefecture"]["area_codes"].str.split(",").explode()
    expected = placed.value_counts()
    obs = bundle["observations"]
    counts = obs[obs["dataset_id"] == CLUSTER_DATASET].set_index("region_code")["value"]
    assert len(counts) == 47
    for code, value in counts.items():
        assert value == expected.get(code, 0), code
