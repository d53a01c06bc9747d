"""Metrics on the bundled data: invariants, spot checks against the raw files, findings, CLI."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from chiiki_cli import main
from loaders.errors import DataError
from metrics import service
from metrics.service import region_findings


@pytest.mark.parametrize(("measure", "year"), [("employees", 2021), ("establishments", 2021),
                                               ("value_added", 2022), ("value_added", 2011)])
def test_weighted_mean_lq_is_one_on_bundled_data(cur, measure, year):
    t = service.lq_table(cur, measure, year)
    for _, g in t.groupby("industry_code"):
        weights = g["region_total"] / g["region_total"].sum()
        assert (weights * g["lq"]).sum() == pytest.approx(1.0, rel=1e-9)


def test_municipal_lq_against_own_prefecture(cur):
    t = service.lq_table(cur, "employees", 2021, level="municipality", against="prefecture")
    sapporo = t[(t.region_code == "01100") & (t.industry_code == "jsic-E")].iloc[0]
    hokkaido = service.lq_table(cur, "employees", 2021)
    hk = hokkaido[(hokkaido.region_code == "01") & (hokkaido.industry_code == "jsic-E")].iloc[0]
    assert sapporo["ref_code"] == "01"
    assert sapporo["lq"] == pytest.approx(sapporo["share"] / hk["share"])
    assert len(t) == 1741 * 18


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(measure="employees", year=2019), "years available: 2016, 2021"),
    (dict(measure="sales"), "unknown measure 'sales'"),
    (dict(measure="employees", level="prefecture", against="prefecture"), "against=prefecture applies"),
    (dict(measure="value_added", level="municipality"), "has no municipality data"),
])
def test_lq_errors(cur, kwargs, message):
    with pytest.raises(DataError, match=message):
        service.lq_table(cur, **kwargs)


@pytest.mark.raw
def test_aichi_manufacturing_lq_matches_raw_file(cur, raw_dir):
    a = pd.read_csv(raw_dir / "ssdse" / "SSDSE-A-2026.csv", encoding="cp932", header=None, dtype=str)
    codes = list(a.iloc[0])
    body = a.iloc[3:]
    manu = body[codes.index("C220837")].astype(float)
    total = body[codes.index("C2208")].astype(float)
    aichi = body[0].str[1:3] == "23"
    expected = (manu[aichi].sum() / total[aichi].sum()) / (manu.sum() / total.sum())
    t = service.lq_table(cur, "employees", 2021)
    got = t[(t.region_code == "23") & (t.industry_code == "jsic-E")]["lq"].iloc[0]
    assert got == pytest.approx(expected, rel=1e-12)


def test_comparison_on_bundled_data(cur):
    t = service.comparison(cur, "univ_students_per_1000", 2022).set_index("region_code")
    assert len(t) == 47
    assert t["rank"].min() == 1 and t.loc["26", "rank"] == 1          # 京都府, PROVENANCE-innovation.md
    assert t["deviation_score"].mean() == pytest.approx(50)
    # 三大都市圏 from components: Σ students / Σ population of the 17 prefectures.
    obs = cur.execute("""SELECT region_code, numerator, denominator FROM obs
                         WHERE indicator_id='univ_students_per_1000' AND year=2022""").df().set_index("region_code")
    metro = [r[0] for r in cur.execute("SELECT prefecture_code FROM region_members WHERE group_code='metro-all'")
             .fetchall()]
    expected = obs.loc[metro, "numerator"].sum() / obs.loc[metro, "denominator"].sum() * 1000
    assert t["metro_value"].iloc[0] == pytest.approx(expected)
    assert t.loc["26", "gap_national"] == pytest.approx(t.loc["26", "value"] - t.loc["26", "national_value"])


def test_index_on_bundled_data_reports_what_went_in(cur):
    result, years = service.innovation_index(cur)
    assert set(result.indicators) == {"ict_employee_share", "professional_employee_share", "univ_students_per_1000"}
    assert "not loaded, left out" in result.notes[0] and "gnt_per_100k_estab" in result.notes[0]
    s = result.scores
    assert len(s) == 47 and s["group"].notna().all()
    assert (s["rank_best"] <= s["rank"]).all() and (s["rank"] <= s["rank_worst"]).all()
    assert years["ict_employee_share"] == 2021


def test_index_with_user_weights_and_errors(cur):
    result, _ = service.innovation_index(cur, weights={"univ_students_per_1000": 1})
    assert result.indicators == ["univ_students_per_1000"]
    with pytest.raises(DataError, match="weights given for indicators not in the index"):
        service.innovation_index(cur, ["ict_employee_share"], weights={"univ_students_per_1000": 1})
    with pytest.raises(DataError, match="none of the index indicators is loaded"):
        service.innovation_index(cur, ["gnt_per_100k_estab"])


def test_peers_on_bundled_data(cur):
    p = service.region_peers(cur, "13", k=3)
    assert len(p) == 3 and "13" not in set(p["region_code"])
    assert p["distance"].is_monotonic_increasing


def test_findings_carry_their_numbers(cur):
    found = region_findings(cur, "26")
    assert found == region_findings(cur, "26")                       # deterministic
    kinds = {f.kind for f in found}
    assert {"strength", "group"} <= kinds
    strength = next(f for f in found if f.subject == "univ_students_per_1000")
    assert strength.kind == "strength" and strength.numbers["rank"] == 1
    table = service.comparison(cur, "univ_students_per_1000").set_index("region_code")
    assert strength.numbers["value"] == pytest.approx(table.loc["26", "value"])
    assert f"{strength.numbers['rank']}位" in strength.text_ja and "rank 1 of 47" in strength.text_en
    for f in found:
        if f.kind == "weakness":
            assert f.numbers["rank"] > f.numbers["of"] - 12
        if f.kind == "specialisation":
            assert f.numbers["lq"] >= 1.2 and f.numbers["share"] >= 0.01


def test_findings_for_aichi_name_manufacturing(cur):
    found = region_findings(cur, "23")
    spec = [f for f in found if f.subject == "employees:jsic-E"]
    assert spec and "製造業に特化" in spec[0].text_ja


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_export_lq(capsys):
    code, out, _ = run(capsys, "export", "lq", "--measure", "employees", "--year", "2021")
    assert code == 0
    df = pd.read_csv(io.StringIO(out), dtype={"region_code": str})
    assert {"region_code", "region_name", "industry", "year", "value", "share", "lq"} <= set(df.columns)
    assert len(df) == 47 * 18


def test_cli_export_compare_index_findings(capsys):
    code, out, _ = run(capsys, "export", "compare", "A4103", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 47
    code, out, err = run(capsys, "export", "index")
    assert code == 0 and "not loaded, left out" in err
    assert len(pd.read_csv(io.StringIO(out))) == 47
    code, out, _ = run(capsys, "findings", "京都府", "--lang", "en")
    assert code == 0 and "rank 1 of 47" in out
    code, _, err = run(capsys, "findings", "Tokio")
    assert code == 2 and "did you mean 'tokyo'" in err


@pytest.mark.parametrize("ind", ["univ_students_per_1000", "A4103", "aging_rate"])
def test_series_groups_match_the_comparison(cur, ind):
    """Group values over time are summarised exactly as in the one-year comparison."""
    table = service.comparison(cur, ind, 2020).set_index("region_code")
    s = service.series(cur, ind, ["metro-all", "non-metro", "block-kinki", "13", "00"])
    at = s[s["year"] == 2020].set_index("region_code")["value"]
    assert at["metro-all"] == pytest.approx(table["metro_value"].iloc[0])
    assert at["non-metro"] == pytest.approx(table["non_metro_value"].iloc[0])
    assert at["block-kinki"] == pytest.approx(table.loc["27", "block_value"])
    assert at["13"] == pytest.approx(table.loc["13", "value"])
    # SSDSE-B has no national row, so some years have no national value: both must agree on that too.
    assert at.get("00", float("nan")) == pytest.approx(table["national_value"].iloc[0], nan_ok=True)
