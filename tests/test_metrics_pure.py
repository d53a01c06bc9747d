"""Metrics on small tables worked by hand, and their invariants (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from metrics import compare, index, lq, peers


def table(rows):
    return pd.DataFrame(rows, columns=["region_code", "ref_code", "industry_code", "value"])


# Two regions A, B and a nation N = A + B:
#   A: x 30, y 70, total 100      B: x 10, y 90, total 100      N: x 40, y 160, total 200
REGIONAL = table([("A", "N", "x", 30), ("A", "N", "y", 70), ("A", "N", "total", 100),
                  ("B", "N", "x", 10), ("B", "N", "y", 90), ("B", "N", "total", 100)])
REFERENCE = pd.DataFrame([("N", "x", 40), ("N", "y", 160), ("N", "total", 200)],
                         columns=["ref_code", "industry_code", "value"])


@pytest.mark.parametrize(("region", "industry", "share", "lq_", "of_ref", "strength"), [
    ("A", "x", 0.30, 0.30 / 0.20, 30 / 40, True),     # LQ 1.5
    ("A", "y", 0.70, 0.70 / 0.80, 70 / 160, False),   # LQ 0.875
    ("B", "x", 0.10, 0.10 / 0.20, 10 / 40, False),    # LQ 0.5
    ("B", "y", 0.90, 0.90 / 0.80, 90 / 160, False),   # LQ 1.125 < 1.2
])
def test_lq_by_hand(region, industry, share, lq_, of_ref, strength):
    out = lq.location_quotients(REGIONAL, REFERENCE).set_index(["region_code", "industry_code"])
    row = out.loc[(region, industry)]
    assert row["share"] == pytest.approx(share)
    assert row["lq"] == pytest.approx(lq_)
    assert row["share_of_reference"] == pytest.approx(of_ref)
    assert bool(row["strength"]) is strength
    assert "total" not in out.index.get_level_values("industry_code")


def test_tiny_industry_is_not_a_strength():
    # C: 5 of 1,000 in x → share 0.5 %, LQ 0.005 / (45/1200) ≈ 0.13; D: 4 of 10 → LQ 10.7 but D is tiny.
    regional = table([("C", "N", "x", 5), ("C", "N", "total", 1000), ("D", "N", "x", 4), ("D", "N", "total", 10)])
    reference = pd.DataFrame([("N", "x", 9), ("N", "total", 1010)], columns=["ref_code", "industry_code", "value"])
    out = lq.location_quotients(regional, reference, min_value=100).set_index("region_code")
    assert out.loc["D", "lq"] == pytest.approx((4 / 10) / (9 / 1010))
    assert not out.loc["D", "strength"]                # high LQ, but below the absolute size threshold
    out2 = lq.location_quotients(regional, reference, lq_threshold=1.2, min_share=0.5).set_index("region_code")
    assert not out2.loc["D", "strength"]               # 40 % share < 50 % minimum


def test_lq_zero_denominators_are_missing_not_infinite():
    regional = table([("Z", "N", "x", 0), ("Z", "N", "total", 0), ("A", "N", "x", 3), ("A", "N", "total", 10)])
    reference = pd.DataFrame([("N", "x", 0), ("N", "total", 10)], columns=["ref_code", "industry_code", "value"])
    out = lq.location_quotients(regional, reference).set_index("region_code")
    assert math.isnan(out.loc["Z", "share"]) and math.isnan(out.loc["Z", "lq"])
    assert math.isnan(out.loc["A", "lq"])              # national industry is 0
    assert not out["strength"].any()


def test_lq_change_by_hand():
    later = table([("A", "N", "x", 45), ("A", "N", "y", 55), ("A", "N", "total", 100),
                   ("B", "N", "x", 15), ("B", "N", "y", 85), ("B", "N", "total", 100)])
    ref_later = pd.DataFrame([("N", "x", 60), ("N", "y", 140), ("N", "total", 200)],
                             columns=["ref_code", "industry_code", "value"])
    ch = lq.lq_change(lq.location_quotients(REGIONAL, REFERENCE), lq.location_quotients(later, ref_later))
    row = ch.set_index(["region_code", "industry_code"]).loc[("A", "x")]
    assert row["value_growth"] == pytest.approx(50.0)                    # 30 → 45
    assert row["lq_change"] == pytest.approx(0.45 / 0.30 - 1.5)          # 1.5 → 1.5


@given(arrays(np.int64, (4, 3), elements=st.integers(min_value=0, max_value=10_000)))
@settings(max_examples=200)
def test_total_weighted_mean_lq_is_one_and_shares_sum_to_one(values):
    """Σ_r (T_r / T_N) · LQ_ri = 1 for each industry when the reference is the sum of the regions."""
    rows = []
    for r, vec in enumerate(values):
        rows += [(f"r{r}", "N", f"i{i}", int(v)) for i, v in enumerate(vec)]
        rows.append((f"r{r}", "N", "total", int(vec.sum())))
    regional = table(rows)
    ref = regional.groupby("industry_code", as_index=False)["value"].sum().assign(ref_code="N")
    out = lq.location_quotients(regional, ref)
    totals = values.sum(axis=1)
    for i in range(values.shape[1]):
        sub = out[out["industry_code"] == f"i{i}"].set_index("region_code")
        if values[:, i].sum() == 0 or totals.sum() == 0:
            assert sub["lq"].isna().all()
            continue
        weights = pd.Series(totals / totals.sum(), index=[f"r{r}" for r in range(len(values))])
        assert (weights * sub["lq"]).sum() == pytest.approx(1.0)
    per_region = out.groupby("region_code")["share"].sum(min_count=1)
    for r, total in enumerate(totals):
        if total:
            assert per_region[f"r{r}"] == pytest.approx(1.0)


# --- comparisons ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "hib", "expected"), [
    ([10, 30, 20, 30], True, [4, 1, 3, 1]),
    ([10, 30, 20, 30], False, [1, 3, 2, 3]),
    ([10, np.nan, 20], True, [2, np.nan, 1]),
    ([5, 5, 5], None, [1, 1, 1]),
])
def test_rank_by_hand(values, hib, expected):
    got = compare.rank(pd.Series(values, dtype="float64"), hib).tolist()
    assert got == pytest.approx(expected, nan_ok=True)


def test_deviation_score_and_percentile_by_hand():
    v = pd.Series([1.0, 2.0, 3.0])
    sd = math.sqrt(2 / 3)
    assert compare.deviation_score(v).tolist() == pytest.approx([50 - 10 / sd, 50, 50 + 10 / sd])
    assert compare.deviation_score(pd.Series([4.0, 4.0])).tolist() == [50, 50]
    assert compare.percentile(pd.Series([1.0, 2.0, 3.0])).tolist() == [100, 50, 0]
    assert compare.percentile(pd.Series([1.0, np.nan])).tolist() == pytest.approx([100, np.nan], nan_ok=True)


def test_normalisations_by_hand():
    assert compare.per_capita(pd.Series([50.0]), pd.Series([1000.0]), 1000).iloc[0] == 50.0
    assert math.isnan(compare.ratio(pd.Series([1.0]), pd.Series([0.0])).iloc[0])
    assert compare.growth(100.0, 125.0) == 25.0
    assert math.isnan(compare.growth(0.0, 5.0))
    assert compare.shares(pd.Series([1.0, 3.0])).tolist() == [0.25, 0.75]


def test_group_ratio_is_sum_of_components_not_mean_of_ratios():
    vals = pd.DataFrame({"region_code": ["a", "b"], "value": [10.0, 30.0], "numerator": [1.0, 9.0],
                         "denominator": [10.0, 30.0]})
    assert compare.group_value(vals, ["a", "b"], "ratio", scale=100) == pytest.approx(25.0)  # 10/40, not 20
    assert compare.group_value(vals, ["a", "b"], "mean") == pytest.approx(20.0)
    assert math.isnan(compare.group_value(vals, ["zz"], "ratio", scale=100))


_maybe = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False), st.just(0.0))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "e"]), _maybe, _maybe, _maybe),
                     max_size=8),
       groups=st.dictionaries(st.sampled_from(["g1", "g2", "g3"]),
                              st.lists(st.sampled_from(["a", "b", "c", "d", "e", "x"]), min_size=1, max_size=4,
                                       unique=True), min_size=1),
       aggregation=st.sampled_from(["ratio", "mean"]), scale=st.sampled_from([1.0, 100.0]))
def test_group_values_at_once_equal_one_group_at_a_time(rows, groups, aggregation, scale):
    # The vectorised form used by every comparison must give exactly what the one-group definition gives,
    # missing components, zero denominators, members without a row and empty groups included.
    values = pd.DataFrame(rows, columns=["region_code", "value", "numerator", "denominator"], dtype=object)
    values = values.astype({"value": float, "numerator": float, "denominator": float})
    members = pd.DataFrame([(g, m) for g, ms in groups.items() for m in ms],
                           columns=["group_code", "prefecture_code"])
    at_once = compare.group_values(values, members, aggregation, scale)
    one_by_one = {g: compare.group_value(values, ms, aggregation, scale) for g, ms in groups.items()}
    assert at_once.keys() == one_by_one.keys()
    for g in groups:
        assert at_once[g] == pytest.approx(one_by_one[g], nan_ok=True, rel=1e-12), g


def test_comparison_table_by_hand():
    regions = pd.DataFrame({"code": ["01", "02", "13", "14"], "name_ja": list("abcd"), "name_en": list("ABCD"),
                            "block_code": ["b1", "b1", "b2", "b2"], "level": "prefecture"})
    members = pd.DataFrame({"group_code": ["metro-all", "metro-all", "non-metro", "non-metro", "b1", "b1", "b2", "b2"],
                            "prefecture_code": ["13", "14", "01", "02", "01", "02", "13", "14"]})
    values = pd.DataFrame({"region_code": ["01", "02", "13", "14"], "value": [10.0, 20.0, 40.0, 30.0],
                           "numerator": [1.0, 4.0, 8.0, 3.0], "denominator": [10.0, 20.0, 20.0, 10.0]})
    t = compare.comparison_table(values, regions, members, higher_is_better=True, aggregation="ratio",
                                 national_value=16.0 / 60 * 100, scale=100).set_index("region_code")
    assert t["rank"].tolist() == [4, 3, 1, 2]
    assert t.loc["13", "metro_value"] == pytest.approx(11 / 30 * 100)
    assert t.loc["01", "non_metro_value"] == pytest.approx(5 / 30 * 100)
    assert t.loc["01", "block_value"] == pytest.approx(5 / 30 * 100)
    assert t.loc["13", "gap_national"] == pytest.approx(40 - 16 / 60 * 100)
    assert t.loc["13", "percentile"] == 100 and t.loc["01", "percentile"] == 0


# --- composite index ------------------------------------------------------------------------------

@pytest.mark.parametrize(("relative", "group"), [
    (125.01, "leader"), (125.0, "strong"), (100.0, "strong"), (99.99, "moderate"), (70.0, "moderate"),
    (69.99, "emerging"), (float("nan"), None),
])
def test_performance_groups(relative, group):
    assert index.performance_group(relative) == group


def test_index_by_hand():
    m = pd.DataFrame({"i1": [0.0, 5.0, 10.0], "i2": [10.0, 20.0, 30.0]}, index=["a", "b", "c"])
    nat = pd.Series({"i1": 5.0, "i2": 20.0})
    r = index.composite_index(m, nat, {"i1": True, "i2": True})
    s = r.scores.set_index("region_code")
    assert s["index"].tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert r.national_index == pytest.approx(0.5)
    assert s["relative"].tolist() == pytest.approx([0, 100, 200])
    assert s["group"].tolist() == ["emerging", "strong", "leader"]
    flipped = index.composite_index(m, nat, {"i1": True, "i2": False}).scores
    assert flipped["index"].tolist() == pytest.approx([0.5, 0.5, 0.5])
    weighted = index.composite_index(m, nat, {"i1": True, "i2": False}, weights={"i1": 3, "i2": 1}).scores
    assert weighted["index"].tolist() == pytest.approx([0.25, 0.5, 0.75])


def test_outliers_are_capped_at_the_largest_regular_value():
    col = pd.Series([1.0] * 9 + [2.0, 100.0], index=list("abcdefghijk"))
    capped, flagged = index.treat_outliers(col)
    assert flagged == ["k"] and capped["k"] == 2.0 and capped["a"] == 1.0


def test_skewed_indicator_takes_square_root():
    m = pd.DataFrame({"s": [0.0, 1.0, 1.0, 4.0, 4.0, 9.0, 100.0], "t": [1, 2, 3, 4, 5, 6, 7.0]},
                     index=list("abcdefg"))
    r = index.composite_index(m, pd.Series({"s": 4.0, "t": 4.0}), {"s": True, "t": True}, outlier_sd=10)
    assert r.transformed == ["s"]
    assert r.normalised.loc["d", "s"] == pytest.approx(2 / 10)          # sqrt(4) / sqrt(100)


def test_index_works_with_missing_values_and_reports_subset():
    m = pd.DataFrame({"i1": [0.0, 5.0, 10.0], "i2": [np.nan, 20.0, 30.0], "i3": [np.nan, np.nan, 1.0]},
                     index=["a", "b", "c"])
    r = index.composite_index(m, pd.Series({"i1": 5.0, "i2": 25.0}), {"i1": True, "i2": True, "i3": True})
    assert r.indicators == ["i1", "i2"]
    assert any("i3" in n for n in r.notes)
    assert r.scores.set_index("region_code").loc["a", "index"] == 0.0   # only i1 counts for a


# Zero or magnitudes from 1e-9: subnormal floats underflow to 0 when scaled, which is arithmetic, not method.
matrices = arrays(np.float64, (6, 3), elements=st.one_of(st.just(0.0), st.floats(min_value=1e-9, max_value=1e6)))


@given(matrices, st.integers(min_value=0, max_value=2), st.floats(min_value=1e-3, max_value=1e3))
@settings(max_examples=150, deadline=None)
def test_index_unchanged_when_an_indicator_is_scaled(values, col, c):
    m = pd.DataFrame(values, index=list("abcdef"), columns=["p", "q", "r"])
    nat = m.mean()
    base = index.composite_index(m, nat, {"p": True, "q": False, "r": True})
    m2, nat2 = m.copy(), nat.copy()
    m2.iloc[:, col] *= c
    nat2.iloc[col] *= c
    scaled = index.composite_index(m2, nat2, {"p": True, "q": False, "r": True})
    assert scaled.scores["index"].tolist() == pytest.approx(base.scores["index"].tolist(), abs=1e-9)
    assert scaled.national_index == pytest.approx(base.national_index, abs=1e-9)


@given(matrices)
@settings(max_examples=100, deadline=None)
def test_rank_band_contains_the_rank(values):
    m = pd.DataFrame(values, index=list("abcdef"), columns=["p", "q", "r"])
    s = index.composite_index(m, m.mean(), {"p": True, "q": True, "r": True}).scores.dropna(subset=["rank"])
    assert (s["rank_best"] <= s["rank"]).all() and (s["rank"] <= s["rank_worst"]).all()


# --- peers ----------------------------------------------------------------------------------------

def test_peers_by_hand():
    m = pd.DataFrame({"u": [0.0, 1.0, 10.0, 11.0], "v": [5.0, 5.0, 0.0, 9.0]}, index=["a", "b", "c", "d"])
    p = peers.peers(m, "a", k=3)
    assert p["region_code"].tolist()[0] == "b"
    assert p.loc[0, "similar"][0] == "v"            # identical on v
    assert p.loc[0, "different"][0] == "u"
    with pytest.raises(KeyError):
        peers.peers(m, "zz")


@given(arrays(np.float64, (5, 3), elements=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)))
@settings(max_examples=100)
def test_peer_distance_is_symmetric(values):
    m = pd.DataFrame(values, index=list("abcde"), columns=list("xyz"))
    d_ab = peers.peers(m, "a", k=4).set_index("region_code").loc["b", "distance"]
    d_ba = peers.peers(m, "b", k=4).set_index("region_code").loc["a", "distance"]
    assert d_ab == pytest.approx(d_ba)
