"""The composite index says what it is: how many of the study's six indicators went in, which are
proxies and why, ties from outlier capping with their reason, groups relative to Japan's value
formed from totals, and the skewness it really uses.

Hand-made matrices are a handful of prefectures (codes a–k) with values chosen so that the mean,
population sd, skewness and ranks can be worked out on paper; each test says how.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest

from loaders import study
from loaders.catalog import static_indicators
from metrics import index

# --- the study's indicators, defined once --------------------------------------------------------------


def test_six_study_indicators_and_two_proxies():
    assert study.STUDY_IDS == ("gnt_per_100k_estab", "patents_per_100_estab", "opening_rate", "vc_per_capita",
                               "rd_firm_share", "univ_students_per_1000")
    assert set(study.PROXY_IDS) == {"ict_employee_share", "professional_employee_share"}
    assert not set(study.PROXY_IDS) & set(study.STUDY_IDS)
    for p in study.PROXIES:
        assert p.link_ja.endswith("。") and p.link_en.endswith(".")


def test_catalog_index_set_is_the_study_plus_its_proxies():
    """Every default index indicator is either a study indicator or a proxy with a stated link."""
    in_index = {i.id for i in static_indicators() if i.in_index}
    assert in_index == set(study.STUDY_IDS) | set(study.PROXY_IDS)


@pytest.mark.parametrize(("used", "k", "proxies", "others", "of_proxies", "phrase"), [
    (["univ_students_per_1000", "ict_employee_share", "professional_employee_share"], 1,
     ("ict_employee_share", "professional_employee_share"), (), True, "composite of proxies: 1 of 6"),
    (list(study.STUDY_IDS), 6, (), (), False, "6 of 6 study indicators loaded"),
    (["opening_rate", "rd_firm_share"], 2, (), (), False, "2 of 6 study indicators loaded"),
    (["univ_students_per_1000", "aging_rate"], 1, (), ("aging_rate",), True, "not study indicators: aging_rate"),
])
def test_coverage(used, k, proxies, others, of_proxies, phrase):
    c = index.coverage(used, study.STUDY_IDS, study.PROXY_IDS)
    assert (c.k, c.n, c.proxies, c.others, c.of_proxies) == (k, 6, proxies, others, of_proxies)
    assert len(c.loaded) + len(c.missing) == 6
    assert phrase in c.summary("en")
    assert f"研究の6指標のうち{k}指標を読み込み済み" in c.summary("ja")


# --- skewness ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "g1"), [
    # [0, 0, 0, 1]: mean 1/4, m2 = 3/16, m3 = 3/32, g1 = (3/32) / (3/16)^1.5 = 2/√3. The small-sample
    # adjusted G1 = g1·√(4·3)/2 = 2 would be the "sample skewness"; the index uses g1.
    ([0.0, 0.0, 0.0, 1.0], 2 / math.sqrt(3)),
    ([1.0, 2.0, 3.0], 0.0),                        # symmetric
    ([0.0, 1.0, 1.0, 1.0], -2 / math.sqrt(3)),     # the mirror image
    ([5.0, 5.0, 5.0], 0.0),                        # no spread: not skewed
    ([1.0, 2.0], 0.0),                             # fewer than three values
])
def test_skewness_is_the_moment_coefficient_g1(values, g1):
    assert index.skewness(pd.Series(values)) == pytest.approx(g1)


def test_docstring_names_the_skewness_used():
    assert "m3 / m2^1.5" in index.__doc__ and "sample skewness" not in index.__doc__
    assert "G1" in index.skewness.__doc__


# --- ties from capping ---------------------------------------------------------------------------------------

def test_capping_tie_is_reported_with_its_reason():
    # Nine 1s, a 2 (j) and a 100 (k): mean = 111/11 ≈ 10.09, population sd ≈ 28.4, so mean + 2 sd ≈ 67 and only
    # 100 is an outlier; it is capped at the largest regular value, 2, which is j's. j and k then both
    # rescale to 1 and share rank 1.
    m = pd.DataFrame({"x": [1.0] * 9 + [2.0, 100.0]}, index=list("abcdefghijk"))
    r = index.composite_index(m, pd.Series({"x": 1.5}), {"x": True})
    s = r.scores.set_index("region_code")
    assert s.loc["j", "rank"] == s.loc["k", "rank"] == 1
    assert (s.loc["j", "tied_with"], s.loc["k", "tied_with"]) == ("k", "j")
    [tie] = [t for t in r.ties if t.rank == 1]
    assert tie.reason == "capped" and tie.capped == {"x": 2.0} and tie.capped_regions == {"x": ("k",)}
    assert "outlier capping" in s.loc["k", "tie_reason"] and "x (2.00; capped: k)" in s.loc["k", "tie_reason"]
    ja = index.tie_text(tie, "k", "ja", region_names={"j": "J県", "k": "K県"})
    assert ja.startswith("J県と同順位（1位）") and "外れ値の補正" in ja
    # The nine 1s share the last rank too, but not because of capping: same values, same scores.
    rest = [t for t in r.ties if t.rank != 1]
    assert [t.reason for t in rest] == ["same_scores"] and len(rest[0].regions) == 9


def test_untied_regions_have_no_reason():
    m = pd.DataFrame({"x": [0.0, 5.0, 10.0]}, index=["a", "b", "c"])
    r = index.composite_index(m, pd.Series({"x": 5.0}), {"x": True})
    assert r.ties == [] and (r.scores["tie_reason"] == "").all() and (r.scores["tied_with"] == "").all()


def test_equal_index_from_different_scores():
    # a scores (1, 0), b (0, 1): both average 0.5, a tie that is neither capping nor equal scores.
    m = pd.DataFrame({"x": [10.0, 0.0, 5.0], "y": [0.0, 10.0, 4.0]}, index=["a", "b", "c"])
    r = index.composite_index(m, pd.Series({"x": 5.0, "y": 5.0}), {"x": True, "y": True})
    [tie] = r.ties
    assert tie.regions == ("a", "b") and tie.reason == "equal_index"


# --- relative to Japan's value formed from totals ---------------------------------------------------------------

def test_groups_are_relative_to_the_pooled_national_value():
    # Three prefectures with numerator / denominator 1/10, 2/10, 9/30: ratios 0.1, 0.2, 0.3. Japan's value
    # from totals is 12/50 = 0.24 (the mean of ratios would be 0.2). Rescaled: (0.24 − 0.1) / 0.2 = 0.7, so
    # the national index is 0.7, and b (0.5) is 0.5 / 0.7 = 71.4 % → moderate, c (1.0) 142.9 % → leader.
    # With the mean of ratios b would be exactly 100 % → strong.
    num, den = pd.Series([1.0, 2.0, 9.0], index=list("abc")), pd.Series([10.0, 10.0, 30.0], index=list("abc"))
    m = pd.DataFrame({"r": num / den})
    r = index.composite_index(m, pd.Series({"r": num.sum() / den.sum()}), {"r": True})
    s = r.scores.set_index("region_code")
    assert r.national_index == pytest.approx(0.7)
    assert s["relative"].tolist() == pytest.approx([0.0, 50 / 0.7, 100 / 0.7])
    assert s["group"].tolist() == ["emerging", "moderate", "leader"]


def test_bundled_index_uses_japan_from_totals(cur):
    from loaders import query
    from metrics import service

    result, years = service.innovation_index(cur)
    assert len(result.national_values) == len(result.indicators)
    for ind in result.indicators:
        comps = query.components(cur, ind, years[ind])
        prefs = comps[comps["region_code"].str.fullmatch(r"\d\d") & (comps["region_code"] != "00")]
        assert len(prefs) == 47 and prefs[["numerator", "denominator"]].notna().all().all()
        scale = float(query.indicator(cur, ind)["scale"])
        pooled = prefs["numerator"].sum() / prefs["denominator"].sum() * scale
        # The published national row may differ from Σ47 by the rounding of population estimates to
        # thousands (relative 1e-5), never by the gap between a mean of ratios and the pooled value.
        assert result.national_values[ind] == pytest.approx(pooled, rel=1e-4), ind
        mean_of_ratios = (prefs["numerator"] / prefs["denominator"]).mean() * scale
        assert abs(result.national_values[ind] - mean_of_ratios) > abs(result.national_values[ind] - pooled)
    s = result.scores
    assert s["relative"].to_numpy() == pytest.approx((s["index"] / result.national_index * 100).to_numpy())
    assert s["group"].tolist() == [index.performance_group(v) for v in s["relative"]]


def test_bundled_tokyo_osaka_tie_is_explained(cur):
    from metrics import service

    result, _ = service.innovation_index(cur)
    matrix, _, _ = service.profile_matrix(cur, result.indicators)
    s = result.scores.set_index("region_code")
    assert s.loc["13", "rank"] == s.loc["27", "rank"] == 1
    [tie] = [t for t in result.ties if "13" in t.regions]
    assert tie.regions == ("13", "27") and tie.reason == "capped"
    for ind, value in tie.capped.items():
        col = matrix[ind]
        # Tokyo is beyond mean + 2 sd and was set to the largest regular value, which is Osaka's own.
        assert col["13"] > col.mean() + 2 * col.std(ddof=0)
        assert value == pytest.approx(col["27"]) and tie.capped_regions[ind] == ("13",)
    assert "27" in s.loc["13", "tied_with"] and "outlier capping" in s.loc["13", "tie_reason"]


# --- what the CLI and the page say -------------------------------------------------------------------------------

def test_cli_export_says_what_the_index_is(capsys):
    from chiiki_cli import main

    assert main(["export", "index"]) == 0
    out = capsys.readouterr()
    df = pd.read_csv(io.StringIO(out.out), dtype={"region_code": str}, keep_default_na=False)
    assert len(df) == 47
    assert (df["study_coverage"] == "1 of 6").all()
    note = df["note"].iloc[0]
    assert note.startswith("composite of proxies: 1 of 6 study indicators loaded (univ_students_per_1000)")
    assert "proxies: ict_employee_share, professional_employee_share" in note
    tokyo = df.set_index("region_code").loc["13"]
    assert tokyo["tied_with"] == "27" and "outlier capping" in tokyo["tie_reason"]
    assert "1 of 6 study indicators loaded" in out.err


def _texts(node) -> list[str]:
    """Every string in a Dash component tree."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list | tuple):
        return [t for c in node for t in _texts(c)]
    children = getattr(node, "children", None)
    return _texts(children) if children is not None else []


def _find(node, ident):
    if getattr(node, "id", None) == ident:
        return node
    children = getattr(node, "children", None)
    for c in children if isinstance(children, list | tuple) else [children] if children is not None else []:
        hit = _find(c, ident)
        if hit is not None:
            return hit
    return None


@pytest.mark.parametrize(("lang", "title", "links"), [
    ("ja", "イノベーション指数 — 代理指標による合成（研究の6指標のうち1指標を読み込み済み）", "代理指標である"),
    ("en", "Innovation index — composite of proxies (1 of 6 study indicators loaded)", "stands in for"),
])
def test_page_title_and_proxy_explanations(lang, title, links):
    from callbacks import index_callbacks
    from layouts import ids

    tree = index_callbacks.page_layout(lang=lang)
    assert _find(tree, ids.INDEX_TITLE).children == title
    about = " ".join(_texts(_find(tree, ids.INDEX_ABOUT)))
    assert about.count(links) == 2                             # one sentence per proxy
    for s in study.STUDY_INDICATORS:
        assert (s.name_en if lang == "en" else s.name_ja) in about
    from tests.test_callbacks import table_cells

    rows = table_cells(_find(tree, "index-table"))      # rank, region, Japan = 100, group, 0–1, band, tie
    tokyo = next(r for r in rows if r[1] in ("東京都", "Tokyo"))
    assert tokyo[6] and ("大阪府" in tokyo[6] or "Osaka" in tokyo[6])


def test_page_title_follows_the_chosen_indicators():
    from callbacks import index_callbacks

    wid = [{"type": "index-weight", "id": "univ_students_per_1000"}]
    *_, title, _about = index_callbacks.update(["univ_students_per_1000"], [1], wid, "en")
    assert title == "Innovation index (1 of 6 study indicators loaded)"


@pytest.mark.browser
def test_index_page_in_the_browser_says_what_it_is(dash_duo):
    from app import create_app

    dash_duo.start_server(create_app())
    dash_duo.driver.get(f"{dash_duo.server_url}/index")
    dash_duo.wait_for_element("#index-map .choroplethlayer path", timeout=30)
    assert "代理指標による合成" in dash_duo.find_element("#index-title").text
    about = dash_duo.find_element("#index-about").text
    assert "研究の6指標（うち1指標を読み込み済み）" in about and about.count("代理指標である") == 2
    assert "外れ値の補正" in dash_duo.find_element("#index-table").text
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []


def test_no_nan_in_exported_tie_columns():
    m = pd.DataFrame({"x": [np.nan, 5.0, 10.0, 10.0]}, index=list("abcd"))
    r = index.composite_index(m, pd.Series({"x": 5.0}), {"x": True})
    assert r.scores["tied_with"].map(type).eq(str).all()
    assert r.scores.set_index("region_code").loc["a", "tied_with"] == ""    # no value, no rank, no tie
