"""Figures a council can quote: which edition wins, pooled group values, strengths with size, labels.

Each test pins an example the audit found wrong (issue #9), so the old behaviour fails here.
"""

from __future__ import annotations

import doctest
import subprocess
import sys

import pandas as pd
import pytest

from loaders import build, query
from loaders.errors import DataError
from loaders.store import PROJECT_ROOT
from metrics import compare, lq, service

# --- 1. The newest publication wins -------------------------------------------------------------


@pytest.mark.parametrize(("editions", "expected"), [
    (["2025", "2022v2", "2023", "2024"], ["2022v2", "2023", "2024", "2025"]),
    (["2022v2", "2022"], ["2022", "2022v2"]),          # a re-release follows its original
    (["2026", "2025"], ["2025", "2026"]),
])
def test_editions_rank_by_publication(editions, expected):
    assert sorted(editions, key=build.publication_key) == expected


def test_kind_does_not_beat_a_newer_edition():
    # SSDSE-B-2025 (published 2025) must beat SSDSE-E-2022v2, although E used to outrank any B.
    assert build.publication_key("2025") > build.publication_key("2022v2")


def _obs(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "region_code", "year", "value", "dataset_id"])


def test_conflicts_list_the_newer_value_as_winner():
    obs = _obs([("H5614", "04", 2019, 14.8, "e-old"), ("H5614", "04", 2019, 15.9, "b-new"),
                ("H5614", "05", 2019, 20.0, "e-old"), ("H5614", "05", 2019, 20.0, "b-new")])   # agree: no row
    out = build.resolve_conflicts(obs, {"e-old": 10, "b-new": 13})
    assert len(out) == 1
    row = out.iloc[0]
    assert (row.region_code, row.winner, row.winner_value) == ("04", "b-new", 15.9)
    assert row["values"] == "e-old=14.8; b-new=15.9"


def test_editions_published_together_that_disagree_stop_the_build():
    obs = _obs([("X", "01", 2020, 1.0, "a-2025"), ("X", "01", 2020, 2.0, "b-2025")])
    with pytest.raises(DataError, match="published together disagree"):
        build.resolve_conflicts(obs, {"a-2025": 13, "b-2025": 13})


def test_miyagi_recycling_2019_is_the_revised_figure(cur):
    vals = query.indicator_values(cur, "H5614", year=2019).set_index("region_code")
    assert vals.loc["04", "value"] == 15.9            # SSDSE-E-2022v2 said 14.8
    assert vals.loc["04", "dataset_id"] == "ssdse-b-2025"


def test_build_report_lists_every_conflict(cur):
    conflicts = cur.execute("SELECT * FROM conflicts").df()
    obs = build.read_tables(PROJECT_ROOT / "data")["observations"]
    ssdse = obs[obs["dataset_id"].str.startswith("ssdse")]
    disagreeing = ssdse.groupby(["indicator_id", "region_code", "year"])["value"].nunique()
    assert len(conflicts) == int((disagreeing > 1).sum()) == 7
    assert ((conflicts["indicator_id"] == "H5614") & (conflicts["region_code"] == "04")).any()
    text = (PROJECT_ROOT / "data" / "SOURCES.md").read_text(encoding="utf-8")
    assert "most recently published" in text
    assert "| H5614 | 04 | 2019 | ssdse-e-2022v2=14.8; ssdse-b-2025=15.9 | 15.9 (ssdse-b-2025) |" in text


def test_served_value_is_always_from_the_newest_edition(cur):
    served = cur.execute("SELECT indicator_id, region_code, year, dataset_id FROM base_obs").df()
    prio = cur.execute("SELECT dataset_id, priority FROM datasets").df().set_index("dataset_id")["priority"]
    obs = cur.execute("SELECT indicator_id, region_code, year, dataset_id FROM observations").df()
    obs["priority"] = obs["dataset_id"].map(prio)
    best = obs.groupby(["indicator_id", "region_code", "year"])["priority"].max().rename("best")
    served = served.join(best, on=["indicator_id", "region_code", "year"])
    assert (served["dataset_id"].map(prio) == served["best"]).all()


def test_cli_export_names_the_dataset_of_every_row():
    out = subprocess.run([sys.executable, "-m", "chiiki_cli", "export", "indicator", "H5614", "--year", "2019"],
                         capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    rows = out.stdout.lstrip("\ufeff").splitlines()
    assert rows[0].split(",")[-1] == "dataset"
    miyagi = next(r for r in rows if r.startswith("04,"))
    assert miyagi.endswith(",15.9,%,ssdse-b-2025")


# --- 2. Group values pooled from components ------------------------------------------------------


def test_income_per_person_groups_are_pooled(cur):
    table = service.comparison(cur, "C122101", 2020)
    metro = float(table["metro_value"].iloc[0])
    # Σ 県民所得 / Σ 総人口 of the 17 prefectures of 三大都市圏; their mean would be 3,074.
    assert round(metro) == 3388
    assert (table["group_method"] == "pooled").all()


def test_pooled_nation_reproduces_the_published_national_income(cur):
    comps = cur.execute("""SELECT o.numerator, o.denominator FROM obs o JOIN regions r ON r.code = o.region_code
                           WHERE o.indicator_id = 'C122101' AND o.year = 2020 AND r.level = 'prefecture'""").df()
    assert len(comps) == 47
    pooled = comps["numerator"].sum() / comps["denominator"].sum() * 1000
    published = query.indicator_values(cur, "C122101", year=2020).set_index("region_code").loc["00", "value"]
    assert round(pooled) == published == 3123


def test_nation_is_pooled_where_none_is_published(cur):
    # SSDSE-B has no 全国 row: 2011 waste per person per day only exists for the 47 prefectures.
    nat = query.indicator_values(cur, "H5610", year=2011).set_index("region_code").loc["00"]
    assert nat["dataset_id"] == "pooled: Σ47 prefectures"
    # Where a national value is published, the same pooling reproduces it up to the rounding to 1 g.
    for year in (2019, 2020, 2021, 2022):
        comps = cur.execute("""SELECT o.numerator, o.denominator FROM obs o JOIN regions r ON r.code = o.region_code
                               WHERE o.indicator_id = 'H5610' AND o.year = ? AND r.level = 'prefecture'""",
                            [year]).df()
        published = query.indicator_values(cur, "H5610", year=year).set_index("region_code").loc["00", "value"]
        assert abs(comps["numerator"].sum() / comps["denominator"].sum() * 1e6 - published) <= 0.5


def test_ratio_without_components_is_labelled_a_mean_and_gets_no_pooled_nation(cur):
    table = service.comparison(cur, "H5614", 2015)
    assert (table["group_method"] == "unweighted_mean").all()
    assert table["national_value"].isna().all()       # no 全国 published for 2015, and none invented


def test_every_ratio_source_item_has_loaded_components(cur):
    cat = query.catalog(cur)
    ratios = cat[(cat["kind"] == "source") & (cat["aggregation"] == "ratio")]
    assert set(ratios["id"]) == {"C121101", "C122101", "H5610"}
    for r in ratios.itertuples():
        # Prefectures only: 全国 of 2017/2018 has no published population to divide by, and needs none.
        missing = cur.execute("SELECT count(*) FROM obs WHERE indicator_id = ? AND region_code <> '00' AND "
                              "(numerator IS NULL OR denominator IS NULL)", [r.id]).fetchone()[0]
        assert missing == 0, r.id


@pytest.mark.parametrize(("aggregation", "expected"), [
    ("ratio", (10 + 30) / (100 + 200) * 100),   # Σ numerators / Σ denominators
    ("mean", (10.0 + 15.0) / 2),                # labelled unweighted mean
])
def test_group_value_by_hand(aggregation, expected):
    values = pd.DataFrame({"region_code": ["01", "02", "03"], "value": [10.0, 15.0, 99.0],
                           "numerator": [10.0, 30.0, 1.0], "denominator": [100.0, 200.0, 1.0]})
    assert compare.group_value(values, ["01", "02"], aggregation, scale=100) == pytest.approx(expected)


# --- 3. A strength needs size, not just a ratio --------------------------------------------------


def test_tonaki_utilities_are_not_a_strength(cur):
    table = service.lq_table(cur, "employees", 2021, level="municipality")
    tonaki = table[(table["region_name_ja"] == "渡名喜村") & (table["industry_code"] == "jsic-F")].iloc[0]
    assert tonaki["lq"] > 7 and tonaki["value"] < 100
    assert not tonaki["strength"]
    assert not (table["strength"] & (table["value"] < 100)).any()


def test_establishment_strengths_need_ten_establishments(cur):
    table = service.lq_table(cur, "establishments", 2021, level="municipality")
    assert table["strength"].any()
    assert not (table["strength"] & (table["value"] < 10)).any()


@pytest.mark.parametrize(("employees", "strength"), [(99, False), (100, True)])
def test_size_threshold_by_hand(employees, strength):
    # Region 01: the industry is 50 % of the region against 10 % nationally (LQ 5) — only size decides.
    regional = pd.DataFrame({"region_code": ["01", "01"], "ref_code": ["00", "00"], "industry_code": ["x", "total"],
                             "value": [employees, 2 * employees]})
    reference = pd.DataFrame({"ref_code": ["00", "00"], "industry_code": ["x", "total"], "value": [100.0, 1000.0]})
    out = lq.location_quotients(regional, reference, **lq.strength_rule("employees"))
    assert out["lq"].iloc[0] == pytest.approx(5.0)
    assert bool(out["strength"].iloc[0]) is strength


def test_strength_rule_is_named_where_strengths_are_shown():
    from layouts import industry_page

    assert industry_page.strength_rule("employees", "ja") == "強み＝特化係数 1.2 以上・域内シェア 1% 以上・100人以上"
    assert industry_page.strength_rule("establishments", "en").endswith("≥ 10 establishments")
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "at least 100 employees" in readme and "10 establishments" in readme


def test_lq_hover_shows_the_count_beside_it(cur):
    from layouts import industry_page

    table = service.lq_table(cur, "employees", 2021)
    heat = industry_page.heatmap_figure(table, "jsic-E", "employees", 2021, "ja")
    assert "従業者" not in heat["data"][0]["text"][0][0] and "人" in heat["data"][0]["text"][0][0]
    lq_map = industry_page.lq_map_figure(table, "jsic-E", "employees", 2021, "en")
    assert lq_map["data"][0]["customdata"][0][1].endswith(" employees")
    assert "%{customdata[1]}" in lq_map["data"][0]["hovertemplate"]


# --- 6. Labels and credits that match the source -------------------------------------------------


def test_labels_say_what_the_figures_are(cur):
    cat = query.catalog(cur).set_index("id")
    for code in ("F3102", "F3103"):
        assert "per month" not in cat.loc[code, "name_en"]
        assert "合計" in cat.loc[code, "name_ja"]
    assert "non-flush" in cat.loc["H5507", "name_en"]
    assert "学部" in cat.loc["univ_students_per_1000", "name_ja"]
    assert "undergraduates" in cat.loc["univ_students_per_1000", "name_en"]
    household = cat[cat.index.str.startswith("L")]
    assert len(household) and household["name_ja"].str.contains("県庁所在市").all()
    assert household["name_en"].str.contains("capital city").all()
    credit = cat.loc["value_added_per_employee", "credit"]
    assert "県民経済計算" in credit and "SSDSE" in credit
    assert "SSDSE-A-2026" in cat.loc["lq_employees", "source_ja"]
    assert "SSDSE" not in cat.loc["lq_value_added", "source_ja"]
    assert cat.loc["C121101", "superseded_by"] == "C122101"


def test_sources_md_explains_the_third_party_extraction_and_deviation_scores():
    text = (PROJECT_ROOT / "data" / "SOURCES.md").read_text(encoding="utf-8")
    assert "third-party machine-readable extraction" in text
    assert "population** standard deviation" in text


@pytest.mark.parametrize("module", [build, compare, lq])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


def test_profile_marks_unweighted_group_means():
    from callbacks import profile_callbacks
    from layouts import profile_page

    dev = profile_callbacks.deviation_table("13")
    rows = {r["indicator"]: r for r in profile_page.deviation_rows(dev, "en")}
    assert "Total fertility rate*" in rows                          # no components: block/group are means
    assert any(k.startswith("Prefectural income per person (2015 base)") and not k.endswith("*") for k in rows)
    fig = profile_page.deviation_figure(dev, "Tokyo", "en", {"nation": "Japan", "block": "Kanto", "group": "Metro"})
    assert "unweighted means" in fig["layout"]["annotations"][0]["text"].replace("<br>", " ")


def test_map_hover_and_export_name_the_dataset():
    from callbacks import map_callbacks

    state = map_callbacks.parse({"ind": "H5614", "year": "2019"})
    b = map_callbacks.build(state)
    trace = b["figure"]["data"][0]
    miyagi = trace["customdata"][trace["locations"].index("04")]
    assert miyagi[1] == "データ: ssdse-b-2025" and "%{customdata[1]}" in trace["hovertemplate"]
    assert b["view"].table.set_index("region_code").loc["04", "dataset"] == "ssdse-b-2025"
    per_person = map_callbacks.build(map_callbacks.parse({"ind": "C2208", "norm": "per_1000"}))["view"]
    assert per_person.table["dataset"].str.endswith("÷ A1101 (nearest year)").all()
