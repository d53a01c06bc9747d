"""``chiiki build``: official raw files → the curated dataset in ``data/``.

The output is deterministic: the same raw files give the same tables (rows sorted, no
timestamps), so ``data/`` can be committed and the rebuild checked in a test.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from loaders import clusters, geo, ruiji
from loaders.catalog import CATALOG_COLUMNS, static_indicators
from loaders.errors import DataError
from loaders.kenmin import SECTORS, read_kenmin, sector_code
from loaders.regions import NATION_CODE, build_regions, read_prefecture_reference
from loaders.ssdse import SsdseTable, read_ssdse
from loaders.ssdse_items import (
    CENSUS_INDUSTRIES,
    DIRECTIONS,
    RATIO_COMPONENTS,
    SUPERSEDED_BY,
    THEMES,
    definition_notes,
    describe_item,
    is_additive,
    name_ja_of,
    theme_of,
)

SSDSE_FILES = [
    "ssdse/SSDSE-E-2022v2.csv", "ssdse/SSDSE-E-2023.csv", "ssdse/SSDSE-E-2024.csv", "ssdse/SSDSE-E-2025.xlsx",
    "ssdse/SSDSE-B-2025.csv", "ssdse/SSDSE-A-2025.csv", "ssdse/SSDSE-A-2026.csv",
]
KENMIN_FILE = "kenmin/esri_kenmin_gdp_by_industry_nominal_2011_2022.json"
PREFS_CSV = "geo/dataofjapan-land/prefectures.csv"
BLOCKS_CSV = "geo/dataofjapan-land/resions.csv"
GEO_DIR = "geo/japan-topography"

# The census edition each industry year is taken from (issue #2: 2021 all 18 industries from
# SSDSE-A, 2016 the 7 SSDSE-E has).
CENSUS_2021_DATASET = "ssdse-a-2026"
CENSUS_2016_DATASET = "ssdse-e-2023"

SSDSE_PUBLISHER = ("独立行政法人統計センター", "National Statistics Center (NSTAC)")
SSDSE_LICENCE = ("NSTAC の SSDSE 利用条件（原データは e-Stat「社会・人口統計体系」、政府標準利用規約 第2.0版）。"
                 "raw ファイルに利用規約の本文は含まれない",
                 "NSTAC's terms for SSDSE (underlying data: e-Stat SSDS tables under the Government of Japan "
                 "Standard Terms of Use 2.0); the raw files carry no licence text")
SSDSE_CREDIT = "独立行政法人統計センター「教育用標準データセット（SSDSE）」を加工して作成"
KENMIN_CREDIT = "内閣府 経済社会総合研究所「県民経済計算」を加工して作成"
REF_CREDIT = "dataofjapan/land (prefectures.csv, resions.csv)"

TABLES = ["regions", "region_members", "datasets", "catalog", "observations", "industries",
          "industry_activity", "conflicts"]
# Written to data/ and, when present, loaded into the serving database too; not required (test data
# folders predate them).
OPTIONAL_TABLES = ["peer_types", "clusters"]


@dataclass
class BuildResult:
    tables: dict[str, pd.DataFrame]
    assets: dict[str, str]
    manifest: dict


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _require(raw: Path, rel: str) -> Path:
    p = raw / rel
    if not p.is_file():
        raise DataError(f"raw file missing: {rel} (expected under {raw})")
    return p


def _ssdse_dataset_row(t: SsdseTable, rel: str, raw: Path) -> dict:
    titles = {"A": ("SSDSE-A 市区町村", "SSDSE-A municipalities"),
              "B": ("SSDSE-B 県別推移", "SSDSE-B prefecture time series"),
              "E": ("SSDSE-E 基本素材", "SSDSE-E prefecture basics")}
    years = sorted(t.values["year"].unique())
    return dict(
        dataset_id=t.dataset_id, publisher_ja=SSDSE_PUBLISHER[0], publisher_en=SSDSE_PUBLISHER[1],
        title_ja=f"教育用標準データセット {titles[t.kind][0]}（社会・人口統計体系）",
        title_en=f"Standardized Statistical Data Set for Education, {titles[t.kind][1]} (from SSDS)",
        edition=t.edition, reference_years=f"{years[0]}–{years[-1]}",
        licence_ja=SSDSE_LICENCE[0], licence_en=SSDSE_LICENCE[1], credit=SSDSE_CREDIT,
        raw_file=rel, sha256=sha256(raw / rel), published=published_label(t.edition), priority=0)


def build_tables(raw: Path) -> BuildResult:
    """Read every raw file and return the curated tables and static assets (nothing is written)."""
    raw = Path(raw)
    ssdse = {}
    dataset_rows = []
    for rel in SSDSE_FILES:
        t = read_ssdse(_require(raw, rel))
        ssdse[t.dataset_id] = t
        dataset_rows.append(_ssdse_dataset_row(t, rel, raw))

    prefs = read_prefecture_reference(_require(raw, PREFS_CSV), _require(raw, BLOCKS_CSV))
    name_to_code = dict(zip(prefs["name_ja"], prefs["code"], strict=True))
    a = ssdse[CENSUS_2021_DATASET]
    munis = a.regions.rename(columns={"region_code": "code"})
    munis["prefecture_code"] = munis["prefecture_name"].map(name_to_code)
    if munis["prefecture_code"].isna().any():
        bad = munis.loc[munis["prefecture_code"].isna(), "prefecture_name"].iloc[0]
        raise DataError(f"prefecture name {bad!r} in {CENSUS_2021_DATASET} is not one of the 47")
    if (munis["code"].str[:2] != munis["prefecture_code"]).any():
        raise DataError(f"{CENSUS_2021_DATASET}: a municipality code disagrees with its prefecture")
    regions, members = build_regions(prefs, munis[["code", "name_ja", "prefecture_code"]])
    peer_types = ruiji.build_peer_types(a.values, a.regions, ruiji.read_designations(), CENSUS_2021_DATASET)
    for t in ssdse.values():
        if t.kind in ("B", "E"):
            named = dict(zip(t.regions["region_code"], t.regions["name_ja"], strict=True))
            for code, name in named.items():
                if code != NATION_CODE and name_to_code.get(name) != code:
                    raise DataError(f"{t.dataset_id}: region {code} is named {name!r}")

    # The newest publication wins where two editions carry the same item, region and year (a later
    # edition carries revised figures). Editions are ranked by publication, not by file kind.
    ranks = sorted({publication_key(t.edition) for t in ssdse.values()})
    for row in dataset_rows:
        row["priority"] = 10 + ranks.index(publication_key(ssdse[row["dataset_id"]].edition))
    order = sorted(ssdse, key=lambda d: (publication_key(ssdse[d].edition), d))

    obs = [t.values.rename(columns={"item": "indicator_id"}).assign(dataset_id=t.dataset_id)
           for t in ssdse.values()]

    sectors, gdp = read_kenmin(_require(raw, KENMIN_FILE))
    va_total = sectors.groupby(["region_code", "year"], as_index=False)["value"].sum()
    for frame, ind in ((gdp, "kenmin_gdp_nominal"), (va_total, "va_total")):
        nation = frame.groupby("year", as_index=False)["value"].sum().assign(region_code=NATION_CODE)
        obs.append(pd.concat([frame, nation]).assign(indicator_id=ind, dataset_id="kenmin-2022"))
    kyears = sorted(sectors["year"].unique())
    dataset_rows.append(dict(
        dataset_id="kenmin-2022", publisher_ja="内閣府 経済社会総合研究所", publisher_en="Cabinet Office, ESRI",
        title_ja="県民経済計算 主要系列表1 経済活動別県内総生産（名目）",
        title_en="Prefectural Accounts, main table 1: gross prefectural product by economic activity (nominal)",
        edition="平成23年度〜令和4年度 (2011–2022)", reference_years=f"FY{kyears[0]}–FY{kyears[-1]}",
        licence_ja="政府標準利用規約（第2.0版）", licence_en="Government of Japan Standard Terms of Use 2.0",
        credit=KENMIN_CREDIT, raw_file=KENMIN_FILE, sha256=sha256(raw / KENMIN_FILE),
        published="", priority=100))
    # Seed 004's map ⑤ list sits beside the raw folder (../shared/seeds), read as published.
    seed = clusters.seed_path(raw)
    if not seed.is_file():
        raise DataError(f"seed file missing: {seed} (map ⑤'s cluster programme list)")
    seed_rel = f"../../seeds/{clusters.SEED_NAME}"
    cluster_table = clusters.build_programmes(seed.read_text(encoding="utf-8"),
                                              dict(zip(regions["code"], regions["name_ja"], strict=True)))
    obs.append(clusters.prefecture_counts(cluster_table))
    dataset_rows.append(clusters.dataset_row(seed_rel, sha256(seed)))
    observations = (pd.concat(obs, ignore_index=True)
                    .astype({"year": "int32", "value": "float64"})
                    [["indicator_id", "region_code", "year", "value", "dataset_id"]]
                    .sort_values(["indicator_id", "dataset_id", "region_code", "year"])
                    .reset_index(drop=True))
    priorities = {r["dataset_id"]: r["priority"] for r in dataset_rows}
    conflicts = resolve_conflicts(observations, priorities)

    industries, activity = _industry_tables(ssdse, sectors)
    catalog = _catalog(ssdse, order)

    # One national topology gives both levels and Tokyo's own asset (see loaders/geo.py for the
    # source, the simplification and the insets); every municipality in the data must get a shape.
    bounds = geo.build_boundaries(_require(raw, f"{GEO_DIR}/{geo.SOURCE}"), name_to_code, set(munis["code"]))
    missing = bounds.without_shape
    dataset_rows.append(dict(
        dataset_id="n03-2021", publisher_ja="国土交通省（簡略化: SmartNews Media Research Institute）",
        publisher_en="MLIT (simplified by SmartNews Media Research Institute)",
        title_ja="国土数値情報 行政区域データ N03-21_210101（1%簡略化、政令市は市単位）",
        title_en="National Land Numerical Information, administrative areas N03 (2021-01-01), 1 % simplified, "
                 "designated cities whole",
        edition="2021-01-01", reference_years="2021", licence_ja="国土数値情報の利用規約（出典の明記が必要）",
        licence_en="National Land Numerical Information terms (credit required)",
        credit=geo.CREDIT_JA, raw_file=f"{GEO_DIR}/{geo.SOURCE}",
        sha256=sha256(raw / GEO_DIR / geo.SOURCE), published="", priority=0))
    dataset_rows.append(dict(
        dataset_id="ref-regions", publisher_ja="dataofjapan/land", publisher_en="dataofjapan/land",
        title_ja="都道府県名・地方区分（JIS X 0401 コード）",
        title_en="Prefecture names and regional blocks (JIS X 0401 codes)", edition="2025-07-22",
        reference_years="", licence_ja="リポジトリの README による", licence_en="as the repository README states",
        credit=REF_CREDIT, raw_file=PREFS_CSV, sha256=sha256(raw / PREFS_CSV), published="", priority=0))
    datasets = pd.DataFrame(dataset_rows).sort_values("dataset_id").reset_index(drop=True)

    manifest = {
        "raw_files": {rel: sha256(raw / rel) for rel in sorted(
            [*SSDSE_FILES, KENMIN_FILE, PREFS_CSV, BLOCKS_CSV, f"{GEO_DIR}/{geo.SOURCE}"])}
        | {seed_rel: sha256(seed)},
        "counts": {"prefectures": 47, "municipalities": len(munis), "observations": len(observations),
                   "catalog": len(catalog)},
        "municipalities_without_shape": missing,
        "edition_conflicts_resolved": len(conflicts),
        "latest_reference_year": int(observations["year"].max()),
    }
    tables = {"regions": regions, "region_members": members, "datasets": datasets, "catalog": catalog,
              "observations": observations, "industries": industries, "industry_activity": activity,
              "conflicts": conflicts, "peer_types": peer_types, "clusters": cluster_table}
    # TopoJSON is the compact master; plotly.js needs GeoJSON, derived here once (≈100 m rounding).
    # Tokyo alone is drawn from its own file, with the islands as insets beside the mainland.
    assets = {"geo/prefectures.topojson": geo.dumps(bounds.prefectures),
              "geo/municipalities.topojson": geo.dumps(bounds.municipalities),
              "geo/prefectures.geojson": geo.dumps(geo.to_geojson(bounds.prefectures, "prefectures")),
              "geo/municipalities.geojson": geo.dumps(geo.to_geojson(bounds.municipalities, "municipalities")),
              "geo/municipalities-13.geojson": geo.dumps(bounds.tokyo)}
    return BuildResult(tables=tables, assets=assets, manifest=manifest)


def publication_key(edition: str) -> tuple[int, int]:
    """Order of publication of an SSDSE edition: (release year, revision).

    NSTAC names each edition after the year it releases it (SSDSE-E-2025 was released in 2025; the
    xlsx's own creation date is 2025-03-25), and a ``vN`` suffix marks a re-release of that year's
    edition with corrected figures, so ``2022v2`` follows ``2022`` and precedes ``2023``. Editions of
    the same year and revision (SSDSE-A/B/E-2025) are released together and rank equal.

    >>> sorted(["2023", "2022v2", "2025", "2022"], key=publication_key)
    ['2022', '2022v2', '2023', '2025']
    """
    year, _, revision = edition.partition("v")
    return int(year), int(revision or 1)


def published_label(edition: str) -> str:
    year, revision = publication_key(edition)
    return f"{year}" if revision == 1 else f"{year} (revision {revision})"


CONFLICT_COLUMNS = ["indicator_id", "region_code", "year", "values", "winner", "winner_value"]


def resolve_conflicts(observations: pd.DataFrame, priorities: dict[str, int]) -> pd.DataFrame:
    """Every item, region and year whose editions disagree, with the edition that wins.

    The winner is the most recently published edition (highest priority). Two editions of equal
    rank that disagree cannot be settled by the rule, so the build stops and names them.

    Returns
    -------
    DataFrame
        indicator_id, region_code, year, values ("dataset=value; …" oldest first), winner,
        winner_value — one row per disagreement, sorted.
    """
    keys = ["indicator_id", "region_code", "year"]
    obs = observations.assign(priority=observations["dataset_id"].map(priorities))
    differs = obs.groupby(keys)["value"].transform("nunique") > 1
    rows = []
    for key, grp in obs[differs].groupby(keys, sort=True):
        grp = grp.sort_values(["priority", "dataset_id"])
        top = grp[grp["priority"] == grp["priority"].max()]
        if top["value"].nunique() > 1:
            raise DataError(f"{key[0]} region {key[1]} {key[2]}: editions published together disagree "
                            f"({', '.join(f'{d}={v:g}' for d, v in zip(top['dataset_id'], top['value'], strict=True))})"
                            "; the newest-publication rule cannot choose")
        rows.append(dict(zip(keys, key, strict=True))
                    | {"values": "; ".join(f"{d}={v:g}" for d, v in zip(grp["dataset_id"], grp["value"], strict=True)),
                       "winner": top["dataset_id"].iloc[-1], "winner_value": float(top["value"].iloc[-1])})
    return (pd.DataFrame(rows, columns=CONFLICT_COLUMNS)
            .astype({"year": "int32", "winner_value": "float64"}).reset_index(drop=True))


def _industry_tables(ssdse: dict[str, SsdseTable], sectors: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [dict(classification="jsic", industry_code="total", name_ja="全産業", name_en="All industries",
                 sort_order=0)]
    for i, (_suffix, (letter, ja, en)) in enumerate(CENSUS_INDUSTRIES.items()):
        rows.append(dict(classification="jsic", industry_code=f"jsic-{letter}", name_ja=ja, name_en=en,
                         sort_order=i + 1))
    rows.append(dict(classification="sna", industry_code="total", name_ja="16産業計",
                     name_en="All 16 sectors", sort_order=0))
    for i, (ja, en) in enumerate(SECTORS):
        rows.append(dict(classification="sna", industry_code=sector_code(i), name_ja=ja, name_en=en,
                         sort_order=i + 1))
    industries = pd.DataFrame(rows)

    code_to_industry = {"": "total"} | {s: f"jsic-{v[0]}" for s, v in CENSUS_INDUSTRIES.items()}

    def census(values: pd.DataFrame, year: int, dataset: str) -> pd.DataFrame:
        out = []
        for measure, prefix in (("establishments", "C2108"), ("employees", "C2208")):
            sub = values[values["item"].str.startswith(prefix) & (values["year"] == year)].copy()
            sub["industry_code"] = sub["item"].str[len(prefix):].map(code_to_industry)
            out.append(sub.dropna(subset=["industry_code"]).assign(measure=measure))
        return pd.concat(out).assign(dataset_id=dataset).drop(columns="item")

    a = census(ssdse[CENSUS_2021_DATASET].values, 2021, CENSUS_2021_DATASET)
    # Prefecture and national rows of the 2021 census are sums of municipalities, totals included,
    # so numerator and denominator come from the same source.
    a_pref = (a.assign(region_code=a["region_code"].str[:2])
              .groupby(["measure", "region_code", "industry_code", "year", "dataset_id"], as_index=False)
              ["value"].sum())
    a_nation = (a.groupby(["measure", "industry_code", "year", "dataset_id"], as_index=False)["value"].sum()
                .assign(region_code=NATION_CODE))
    e = census(ssdse[CENSUS_2016_DATASET].values, 2016, CENSUS_2016_DATASET)
    va = sectors.assign(measure="value_added", dataset_id="kenmin-2022")
    va_total = (va.groupby(["measure", "region_code", "year", "dataset_id"], as_index=False)["value"].sum()
                .assign(industry_code="total"))
    va = pd.concat([va, va_total])
    va_nation = (va.groupby(["measure", "industry_code", "year", "dataset_id"], as_index=False)["value"].sum()
                 .assign(region_code=NATION_CODE))
    cols = ["measure", "region_code", "industry_code", "year", "value", "dataset_id"]
    activity = (pd.concat([a, a_pref, a_nation, e, va, va_nation])[cols]
                .astype({"year": "int32", "value": "float64"})
                .sort_values(["measure", "year", "region_code", "industry_code"]).reset_index(drop=True))
    return industries, activity


def _catalog(ssdse: dict[str, SsdseTable], order: list[str]) -> pd.DataFrame:
    items: dict[str, dict] = {}
    for dataset_id in order:
        t = ssdse[dataset_id]
        for code, name_ja in zip(t.items["code"], t.items["name_ja"], strict=True):
            entry = items.setdefault(code, {"datasets": [], "levels": set()})
            entry["name_ja"] = name_ja.replace("，", "、")  # later editions write 、; keep one spelling
            entry["datasets"].append(dataset_id)
            entry["levels"].add("municipality" if t.kind == "A" else "prefecture")
    rows = []
    for code, entry in items.items():
        name_en, unit, unit_en = describe_item(code, entry["name_ja"])
        name_ja = name_ja_of(code, entry["name_ja"])
        levels = ",".join(lv for lv in ("prefecture", "municipality") if lv in entry["levels"])
        note_ja, note_en = definition_notes(code)
        numerator, denominator, scale = RATIO_COMPONENTS.get(code, (None, None, None))
        rows.append(dict(
            id=code, name_ja=name_ja, name_en=name_en, unit=unit, unit_en=unit_en,
            theme=theme_of(code), kind="source", levels=levels,
            definition_ja=f"社会・人口統計体系の項目 {code}「{entry['name_ja']}」"
                          + (f"。{note_ja}" if note_ja else ""),
            definition_en=f"SSDS item {code}: {name_en}" + (f". {note_en}" if note_en else ""),
            numerator=numerator, denominator=denominator, scale=scale,
            denominator_year="same" if numerator else None, higher_is_better=DIRECTIONS.get(code),
            aggregation="ratio" if numerator else "mean", in_index=False,
            additive=is_additive(code, unit),
            source_ja="独立行政法人統計センター「SSDSE」（総務省「社会・人口統計体系」）",
            source_en="NSTAC SSDSE (from MIC's System of Social and Demographic Statistics)",
            credit=SSDSE_CREDIT, dataset_ids=",".join(entry["datasets"]), how_to_load="",
            superseded_by=SUPERSEDED_BY.get(code)))
    rows += [i.row() for i in static_indicators()]
    rows.append(clusters.CATALOG_INDICATOR.row())
    catalog = pd.DataFrame(rows)[CATALOG_COLUMNS]
    if catalog["id"].duplicated().any():
        raise DataError(f"duplicate catalog id {catalog.loc[catalog['id'].duplicated(), 'id'].iloc[0]}")
    unknown = set(catalog["theme"]) - set(THEMES)
    if unknown:
        raise DataError(f"catalog themes without a name: {sorted(unknown)}")
    catalog["scale"] = catalog["scale"].astype("float64")
    catalog["higher_is_better"] = catalog["higher_is_better"].astype("boolean")
    catalog["in_index"] = catalog["in_index"].astype(bool)
    catalog["additive"] = catalog["additive"].astype(bool)
    return catalog.sort_values("id").reset_index(drop=True)


def write(result: BuildResult, data_dir: Path, assets_dir: Path) -> None:
    """Write tables as Parquet, assets, the manifest, SOURCES.md and the import template."""
    from loaders.sources_md import render_sources

    data_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in result.tables.items():
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, data_dir / f"{name}.parquet", compression="zstd")
    for rel, text in result.assets.items():
        target = assets_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (data_dir / "manifest.json").write_text(json.dumps(result.manifest, ensure_ascii=False, indent=2,
                                                       sort_keys=True) + "\n", encoding="utf-8")
    (data_dir / "SOURCES.md").write_text(render_sources(result.tables), encoding="utf-8")
    templates = data_dir / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "tidy_template.csv").write_text("region,indicator_id,year,value,unit,source\n",
                                                 encoding="utf-8")


def read_tables(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the curated tables back (for tests and the serving database)."""
    tables = {name: pq.read_table(Path(data_dir) / f"{name}.parquet").to_pandas() for name in TABLES}
    for name in OPTIONAL_TABLES:
        if (Path(data_dir) / f"{name}.parquet").exists():
            tables[name] = pq.read_table(Path(data_dir) / f"{name}.parquet").to_pandas()
    return tables
