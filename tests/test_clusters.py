"""Seed 004 map ⑤: the cluster programme list read from the seed text, placed in prefectures or blocks."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from loaders import clusters, query
from loaders.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / clusters.SEED_NAME
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    r = pd.read_parquet(DATA / "regions.parquet")
    return dict(zip(r["code"], r["name_ja"], strict=True))


@pytest.fixture(scope="module")
def programmes(names) -> pd.DataFrame:
    if not SEED.is_file():
        pytest.skip(f"seed 004 not present at {SEED}")
    return clusters.build_programmes(SEED.read_text(encoding="utf-8"), names).set_index("no")


def test_the_list_has_161_programmes_numbered_without_gaps(programmes):
    assert len(programmes) == 161
    assert list(programmes.index) == list(range(1, 162))


@pytest.mark.parametrize(("no", "family", "codes", "basis", "fields"), [
    (1, "産業クラスター計画", "01", "auto", ""),
    (7, "産業クラスター計画", "20,22,23", "curated", ""),          # 三遠南信 = 三河・遠州・南信
    (18, "産業クラスター計画", "block-chugoku", "curated", ""),   # no place in the name: list order
    (30, "第Ⅰ期", "16", "auto", "ライフサイエンス,情報通信,ナノテク・材料"),
    (42, "第Ⅰ期", "40", "auto", "情報通信,環境"),                   # 北九州 is a city, not the 九州 block
    (56, "都市エリア型", "", "not_stated", ""),
    (89, "グローバル型", "25", "auto", ""),                          # しが, two kana at the start of the name
    (108, "戦略推進地域", "block-kinki", "curated", ""),
    (123, "戦略推進地域", "21", "auto", ""),                        # ぎふ
    (143, "エコシステム", "40", "curated", ""),                      # 九州大学 is a lead body, not the block
    (160, "エコシステム", "01", "auto", ""),
])
def test_hand_checked_programmes(programmes, no, family, codes, basis, fields):
    row = programmes.loc[no]
    assert family in row["family_ja"]
    assert row["area_codes"] == codes
    assert row["area_basis"] == basis
    assert row["fields"] == fields


def test_every_row_has_a_reason_and_the_source(programmes):
    assert programmes["area_reason"].str.strip().str.len().gt(0).all()
    assert programmes["family_basis"].str.strip().str.len().gt(0).all()
    assert (programmes["source"] == "経済産業省 地域イノベーション研究会資料（seed 004）").all()
    assert set(programmes["area_basis"]) == {"auto", "curated", "not_stated"}
    assert (programmes.loc[programmes["area_basis"] == "not_stated", "area_codes"] == "").all()


def test_the_three_phase_two_runs_are_marked_inferred(programmes):
    inferred = programmes.index[programmes["family_basis"].str.startswith("inferred")]
    assert list(inferred) == [*range(43, 56), *range(79, 96)]


def test_prefecture_counts(programmes):
    counts = clusters.prefecture_counts(programmes.reset_index()).set_index("region_code")["value"]
    assert "00" not in counts.index      # prefectures do not add up to the list's 161
    # 静岡: 浜松 ×4 (28, 46, 86, 142), ファルマバレー ×2 (85, 103), 浜松・東三河 (104), 三遠南信 (7).
    assert counts["22"] == 8
    assert counts["32"] == 0          # 島根: no programme names it
    assert len(counts) == 47


def test_tokyo_does_not_read_as_kyoto_and_kana_inside_words_do_not_match():
    assert clusters.auto_area("東京都大田区のものづくり")[0] == ["13"]
    assert clusters.auto_area("京都ナノテク")[0] == ["26"]
    assert clusters.auto_area("はしがきの研究")[0] == []
    assert clusters.auto_area("北九州ヒューマン")[0] == ["40"]


def test_list_with_a_gap_or_a_repeat_is_refused():
    head, tail = "地域別のデータ（⑤クラスター活動等の分布）\n", "\n経済産業省「第Ⅱ期・産業クラスター計画」"
    assert clusters.parse_list(head + "1 甲クラスター 3 乙クラスター\n2 丙\n" + tail)[1] == (2, "丙")
    with pytest.raises(DataError, match="skips numbers"):
        clusters.parse_list(head + "1 甲クラスター 3 乙クラスター\n" + tail)
    with pytest.raises(DataError, match="twice"):
        clusters.parse_list(head + "1 甲 2 乙\n2 丙\n" + tail)
    with pytest.raises(DataError, match="not found"):
        clusters.parse_list("nothing here")


def test_curated_row_must_name_the_listed_programme(tmp_path, names):
    text = "地域別のデータ（⑤クラスター活動等の分布）\n1 東海ものづくり\n経済産業省「第Ⅱ期・産業クラスター計画」"
    good = pd.DataFrame([dict(no=1, name="東海ものづくり", area="block-chubu", reason="広域")])
    assert clusters.build_programmes(text, names, good).loc[0, "area_codes"] == "block-chubu"
    with pytest.raises(DataError, match="differs"):
        clusters.build_programmes(text, names, good.assign(name="北陸ものづくり"))
    with pytest.raises(DataError, match="unknown region"):
        clusters.build_programmes(text, names, good.assign(area="block-tokai"))
    f = tmp_path / "areas.csv"
    f.write_text("no,name,area,reason\n1,東海ものづくり,block-chubu,\n", encoding="utf-8")
    with pytest.raises(DataError, match="reason is empty"):
        clusters.read_curated(f)


def test_bundled_table_and_indicator_match_the_seed(programmes):
    if not (DATA / "clusters.parquet").is_file():
        pytest.skip("data/clusters.parquet not built yet")
    bundled = pd.read_parquet(DATA / "clusters.parquet").set_index("no")
    pd.testing.assert_frame_equal(bundled, programmes, check_dtype=False)
    cat = pd.read_parquet(DATA / "catalog.parquet").set_index("id")
    row = cat.loc["cluster_programmes"]
    assert (row["unit"], row["source_ja"], row["dataset_ids"]) == ("件", clusters.SOURCE_JA, clusters.DATASET_ID)
    assert row["credit"]
    obs = pd.read_parquet(DATA / "observations.parquet")
    mine = obs[obs["indicator_id"] == "cluster_programmes"].set_index("region_code")["value"]
    assert len(mine) == 47 and mine["01"] == 9 and pd.isna(row["higher_is_better"])


def test_query_returns_a_region_and_its_block(programmes):
    cur = duckdb.connect()
    table = programmes.reset_index()
    regions = pd.read_parquet(DATA / "regions.parquet")
    cur.register("clusters_df", table)
    cur.register("regions_df", regions)
    with pytest.raises(DataError, match="chiiki build"):
        query.cluster_programmes(cur)
    cur.execute("CREATE TABLE clusters AS SELECT * FROM clusters_df")
    cur.execute("CREATE TABLE regions AS SELECT * FROM regions_df")
    assert len(query.cluster_programmes(cur)) == 161
    shizuoka = query.cluster_programmes(cur, "22")
    assert sorted(shizuoka["no"]) == [7, 28, 46, 85, 86, 103, 104, 142]
    chugoku = query.cluster_programmes(cur, "block-chugoku")
    assert {18, 19, 37, 129}.issubset(set(chugoku["no"]))      # block-wide ones and 広島's own
