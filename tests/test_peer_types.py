"""類似団体 (peer types): the rule worked by hand at every bound, the curated designations, the built table."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import query, ruiji
from loaders.errors import DataError
from loaders.ruiji import DESIGNATIONS, classify, population_class, type_labels
from loaders.store import PROJECT_ROOT

# --- the rule, by hand ------------------------------------------------------------------------------------
# Shares are (2次, 3次); the industry part is decided by 2次+3次 and 3次.

@pytest.mark.parametrize(("population", "expected"), [
    (0, "city:I-3"), (49_999, "city:I-3"), (50_000, "city:II-3"), (50_001, "city:II-3"),
    (99_999, "city:II-3"), (100_000, "city:III-3"), (100_001, "city:III-3"),
    (149_999, "city:III-3"), (150_000, "city:IV-3"), (150_001, "city:IV-3"), (3_000_000, "city:IV-3"),
])
def test_city_population_bounds(population, expected):
    assert classify(population, 20.0, 76.0, "city").code == expected


@pytest.mark.parametrize(("population", "expected"), [
    (0, "town:I-2"), (4_999, "town:I-2"), (5_000, "town:II-2"), (5_001, "town:II-2"),
    (9_999, "town:II-2"), (10_000, "town:III-2"), (10_001, "town:III-2"),
    (14_999, "town:III-2"), (15_000, "town:IV-2"), (15_001, "town:IV-2"),
    (19_999, "town:IV-2"), (20_000, "town:V-2"), (20_001, "town:V-2"), (60_000, "town:V-2"),
])
def test_town_population_bounds(population, expected):
    assert classify(population, 20.0, 70.0, "town").code == expected
    assert classify(population, 20.0, 70.0, "village").code == expected   # 町 and 村 are typed together


@pytest.mark.parametrize(("share2", "share3", "expected"), [
    # 2次+3次 just below / at / above 95 with 3次 well above 65
    (24.9, 70.0, "city:II-1"), (25.0, 70.0, "city:II-3"), (25.1, 70.0, "city:II-3"),
    # 2次+3次 ≥ 95: 3次 just below / at / above 65
    (30.1, 64.9, "city:II-2"), (30.0, 65.0, "city:II-3"), (29.9, 65.1, "city:II-3"),
    # 2次+3次 < 95: 3次 just below / at / above 55
    (35.0, 54.9, "city:II-0"), (35.0, 55.0, "city:II-1"), (35.0, 55.1, "city:II-1"),
    # 2次+3次 < 95 with 3次 ≥ 65 is class 1, not 3: the 65 % bound applies only above 95 %
    (20.0, 74.9, "city:II-1"),
    (0.0, 0.0, "city:II-0"), (0.0, 100.0, "city:II-3"),
])
def test_city_industry_bounds(share2, share3, expected):
    assert classify(60_000, share2, share3, "city").code == expected


@pytest.mark.parametrize(("share2", "share3", "expected"), [
    # 2次+3次 just below / at / above 80
    (20.0, 59.9, "town:III-0"), (20.0, 60.0, "town:III-2"), (20.1, 60.0, "town:III-2"),
    # 2次+3次 ≥ 80: 3次 just below / at / above 55
    (30.0, 54.9, "town:III-1"), (30.0, 55.0, "town:III-2"), (30.0, 55.1, "town:III-2"),
    # below 80 %, 3次 does not matter
    (5.0, 74.9, "town:III-0"), (40.0, 39.9, "town:III-0"),
])
def test_town_industry_bounds(share2, share3, expected):
    assert classify(12_000, share2, share3, "town").code == expected


def test_reason_in_words():
    t = classify(53_210, 26.0, 70.2, "city")
    assert (t.code, t.label_ja, t.label_en) == ("city:II-3", "都市 Ⅱ-3", "City II-3")
    assert t.reason_ja == "人口 53,210 (Ⅱ: 5万以上10万未満), 2次+3次 96.2 % ≥ 95 %, 3次 70.2 % ≥ 65 % → Ⅱ-3"
    assert t.reason_en == ("population 53,210 (II: 50,000 to under 100,000), secondary+tertiary 96.2 % ≥ 95 %, "
                           "tertiary 70.2 % ≥ 65 % → II-3")
    # A share that rounds to the bound is printed with more digits, so the words never contradict the type.
    assert "2次+3次 94.960 % < 95 %" in classify(60_000, 29.96, 65.0, "city").reason_ja
    assert classify(4_000, 10.0, 30.0, "village").reason_ja == "人口 4,000 (Ⅰ: 5千未満), 2次+3次 40.0 % < 80 % → Ⅰ-0"


@pytest.mark.parametrize("designation", ["designated_city", "special_ward", "core_city", "former_special_city"])
def test_designations_are_types_of_their_own(designation):
    a = classify(None, None, None, designation)
    b = classify(3_000, 1.0, 2.0, designation)
    assert a == b and a.code == designation and a.population_class is None


def test_missing_inputs_are_unclassified_not_guessed():
    for pop, s2, s3 in [(None, 20.0, 70.0), (60_000, math.nan, 70.0), (60_000, 20.0, None)]:
        t = classify(pop, s2, s3, "city")
        assert t.code == "unclassified" and t.population_class is None and "ない" in t.reason_ja
    assert "人口" in classify(math.nan, 20.0, 70.0, "town").reason_ja


@pytest.mark.parametrize(("args", "message"), [
    ((1_000, 20.0, 70.0, "shi"), "unknown designation"),
    ((-1, 20.0, 70.0, "city"), "negative"),
    ((1_000, -0.1, 70.0, "city"), "share2"),
    ((1_000, 20.0, 100.5, "city"), "share3"),
    ((1_000, 40.0, 70.0, "town"), "exceeds 100"),
])
def test_invalid_inputs_raise(args, message):
    with pytest.raises(ValueError, match=message):
        classify(*args)


# --- properties ------------------------------------------------------------------------------------------

shares = st.tuples(st.floats(0, 100, allow_nan=False), st.floats(0, 100, allow_nan=False)).filter(
    lambda s: s[0] + s[1] <= 100)


def _in_type(code: str, pop: float, s2: float, s3: float) -> bool:
    """The rule table written out as one predicate per type, independently of classify."""
    group, tag = code.split(":")
    roman, industry = tag.split("-")
    bounds = {"city": [0, 50_000, 100_000, 150_000, math.inf],
              "town": [0, 5_000, 10_000, 15_000, 20_000, math.inf]}[group]
    k = ["I", "II", "III", "IV", "V"].index(roman)
    if not bounds[k] <= pop < bounds[k + 1]:
        return False
    s23 = s2 + s3
    if group == "city":
        return {"3": s23 >= 95 and s3 >= 65, "2": s23 >= 95 and s3 < 65,
                "1": s23 < 95 and s3 >= 55, "0": s23 < 95 and s3 < 55}[industry]
    return {"2": s23 >= 80 and s3 >= 55, "1": s23 >= 80 and s3 < 55, "0": s23 < 80}[industry]


@given(st.integers(0, 5_000_000), shares, st.sampled_from(DESIGNATIONS))
@settings(max_examples=400, deadline=None)
def test_every_municipality_gets_exactly_one_type(population, share, designation):
    t = classify(population, share[0], share[1], designation)
    assert (t.label_ja, t.label_en) == type_labels()[t.code]
    if designation in ("city", "town", "village"):
        group = "city" if designation == "city" else "town"
        matching = [c for c in type_labels() if c.startswith(f"{group}:") and _in_type(c, population, *share)]
        assert matching == [t.code]
    else:
        assert t.code == designation


@given(st.integers(0, 400_000), st.integers(0, 400_000), shares, st.sampled_from(["city", "town", "village"]))
@settings(max_examples=300, deadline=None)
def test_monotone_in_population(p1, p2, share, kind):
    lo, hi = sorted((p1, p2))
    a, b = classify(lo, *share, kind), classify(hi, *share, kind)
    assert a.population_class <= b.population_class
    assert a.industry_class == b.industry_class and a.group == b.group


# --- the curated designations ---------------------------------------------------------------------------

def test_curated_designations_have_a_reason_and_source_on_every_row():
    d = ruiji.read_designations()
    assert d["designation"].value_counts().to_dict() == {
        "core_city": 62, "former_special_city": 23, "special_ward": 23, "designated_city": 20}
    assert sorted(d.loc[d["designation"] == "special_ward", "code"]) == [f"131{i:02d}" for i in range(1, 24)]
    assert (d["reason"].str.len() > 10).all() and (d["source"].str.len() > 10).all()
    assert "08202" not in set(d["code"])   # 日立市 never was a 特例市: it is typed as a 市


HEADER = "code,name_ja,designation,as_of,reason,source"


@pytest.mark.parametrize(("rows", "message"), [
    (["08201,水戸市,chukaku,2023-04-01,中核市,list"], "unknown designation"),
    (["08201,水戸市,core_city,2023-04-01,中核市,"], "source is empty"),
    (["08201,水戸市,core_city,2023-04-01,,list"], "reason is empty"),
    (["8201,水戸市,core_city,2023-04-01,中核市,list"], "5 digits"),
    (["08201,水戸市,core_city,2023-04-01,中核市,list"] * 2, "appears twice"),
])
def test_curated_list_is_checked(tmp_path, rows, message):
    bad = tmp_path / "d.csv"
    bad.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=message):
        ruiji.read_designations(bad)


def test_designation_must_name_the_municipality():
    d = ruiji.read_designations()
    regions = pd.DataFrame({"region_code": ["08202"], "name_ja": ["日立市"]})
    with pytest.raises(DataError, match="not among the municipalities"):
        ruiji.build_peer_types(pd.DataFrame(columns=["item", "region_code", "year", "value"]), regions, d, "x")


# --- the built table -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pd.read_parquet(PROJECT_ROOT / "data" / "peer_types.parquet")


def test_query_reads_the_table(cur, table):
    df = query.peer_types(cur)
    assert list(df.columns) == ruiji.PEER_TYPE_COLUMNS
    assert len(df) == 1741 and df["code"].is_unique and df["code"].is_monotonic_increasing
    pd.testing.assert_frame_equal(df, table, check_dtype=False)


def test_peer_types_are_served_from_the_serving_database(cur, tmp_path):
    import shutil

    import duckdb

    from loaders import store

    # The serving file has the table itself: the query does not depend on where data/ is.
    assert cur.execute("SELECT count(*) FROM peer_types").fetchone()[0] == 1741
    # A data folder without the optional table still builds, and the query says what is missing.
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data, ignore=shutil.ignore_patterns("peer_types.parquet"))
    con = duckdb.connect(str(store.build_serving_db(tmp_path / "s.duckdb", data)), read_only=True)
    with pytest.raises(DataError, match="no 類似団体 table"):
        query.peer_types(con.cursor())


def test_one_row_per_municipality_of_the_regions_table(cur, table):
    munis = set(query.regions(cur).query("level == 'municipality'")["code"])
    assert set(table["code"]) == munis and len(table) == 1741


@pytest.mark.parametrize(("code", "name", "type_code", "reason"), [
    # 日立市: 25,222 + 47,021 of 73,106 employed = 98.8 % (≥ 95), 3次 47,021 / 73,106 = 64.3 % (< 65)
    ("08202", "日立市", "city:IV-2", "人口 174,508 (Ⅳ: 15万以上), 2次+3次 98.8 % ≥ 95 %, 3次 64.3 % < 65 % → Ⅳ-2"),
    ("13101", "千代田区", "special_ward", None),
    ("01100", "札幌市", "designated_city", None),
    ("08201", "水戸市", "core_city", None),
    ("08220", "つくば市", "former_special_city", None),
    # 当別町: 1,300 + 4,932 of 7,314 = 85.2 % (≥ 80), 4,932 / 7,314 = 67.4 % (≥ 55), 15,916 people
    ("01303", "当別町", "town:IV-2",
     "人口 15,916 (Ⅳ: 1.5万以上2万未満), 2次+3次 85.2 % ≥ 80 %, 3次 67.4 % ≥ 55 % → Ⅳ-2"),
    # 五木村: 85 + 258 of 429 = 79.953 % — just under 80
    ("43511", "五木村", "town:I-0", "人口 931 (Ⅰ: 5千未満), 2次+3次 79.953 % < 80 % → Ⅰ-0"),
    # 双葉町 had no residents in the 2020 census: no shares, so no type is guessed
    ("07546", "双葉町", "unclassified", None),
])
def test_municipalities_worked_by_hand(table, code, name, type_code, reason):
    row = table.set_index("code").loc[code]
    assert (row["name_ja"], row["type_code"]) == (name, type_code)
    if reason:
        assert row["reason_ja"] == reason


def test_counts_per_type(table):
    assert table["type_code"].value_counts().to_dict() == {
        "designated_city": 20, "special_ward": 23, "core_city": 62, "former_special_city": 23,
        "city:I-3": 27, "city:I-2": 37, "city:I-1": 204, "city:I-0": 23,
        "city:II-3": 107, "city:II-2": 44, "city:II-1": 85, "city:II-0": 4,
        "city:III-3": 67, "city:III-2": 17, "city:III-1": 16, "city:III-0": 1,
        "city:IV-3": 40, "city:IV-2": 9, "city:IV-1": 6,
        "town:I-2": 128, "town:I-1": 19, "town:I-0": 142, "town:II-2": 123, "town:II-1": 38, "town:II-0": 76,
        "town:III-2": 106, "town:III-1": 20, "town:III-0": 29, "town:IV-2": 82, "town:IV-1": 11,
        "town:IV-0": 11, "town:V-2": 126, "town:V-1": 10, "town:V-0": 4, "unclassified": 1,
    }
    assert table["kind"].value_counts().to_dict() == {"city": 792, "town": 743, "village": 183, "ward": 23}


def test_types_follow_from_the_stored_inputs(table):
    typed = table[table["type_code"].str.contains(":")]
    for r in typed.itertuples():
        group = "city" if r.kind == "city" else "town"
        assert r.population_class == population_class(r.population, group), r.code
        total = r.workers_primary + r.workers_secondary + r.workers_tertiary
        assert classify(r.population, 100 * r.workers_secondary / total, 100 * r.workers_tertiary / total,
                        r.kind).code == r.type_code, r.code


@pytest.mark.raw
def test_inputs_equal_the_raw_census_cells_and_rebuild(raw_dir, table):
    grid = pd.read_csv(raw_dir / "ssdse" / "SSDSE-A-2026.csv", encoding="cp932", header=None, dtype=str)
    cols = list(grid.iloc[0])
    body = grid.iloc[3:].set_index(0)
    stored = table.set_index("code")
    for code in ("08202", "01303", "43511", "47381", "13101"):
        cells = body.loc[f"R{code}"]
        assert stored.at[code, "population"] == int(cells[cols.index("A1101")])
        assert stored.at[code, "workers_primary"] == int(cells[cols.index("F2201")])
        assert stored.at[code, "workers_secondary"] == int(cells[cols.index("F2211")])
        assert stored.at[code, "workers_tertiary"] == int(cells[cols.index("F2221")])
    from loaders.ssdse import read_ssdse

    a = read_ssdse(raw_dir / "ssdse" / "SSDSE-A-2026.csv")
    rebuilt = ruiji.build_peer_types(a.values, a.regions, ruiji.read_designations(), a.dataset_id)
    pd.testing.assert_frame_equal(rebuilt, table, check_dtype=False)


def test_sources_md_documents_the_table():
    text = (PROJECT_ROOT / "data" / "SOURCES.md").read_text(encoding="utf-8")
    assert "## 類似団体 (peer types of municipalities)" in text
    assert "| 都市 Ⅳ-2 (`city:IV-2`) | 9 |" in text and "07546 双葉町" in text
    assert Path(ruiji.DESIGNATIONS_CSV).relative_to(PROJECT_ROOT).as_posix() in text


def test_docstring_examples():
    import doctest

    assert doctest.testmod(ruiji).failed == 0
