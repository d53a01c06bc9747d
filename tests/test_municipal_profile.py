"""The municipal profile (市区町村カルテ): figures for 08202 日立市 worked by hand from the bundled parquet
files (independently of the code), the pure rules of metrics/municipal.py, and the page as plain functions."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from dash import html

from layouts import ids
from loaders.errors import DataError
from loaders.store import PROJECT_ROOT
from metrics import municipal, service

DATA = PROJECT_ROOT / "data"
HITACHI = "08202"


# --- the bundled data, read by hand --------------------------------------------------------------------

@pytest.fixture(scope="module")
def raw():
    obs = pd.read_parquet(DATA / "observations.parquet")
    regions = pd.read_parquet(DATA / "regions.parquet")
    munis = regions[regions["level"] == "municipality"]
    obs = obs[obs["region_code"].isin(set(munis["code"]))]
    # The same figure can come in two SSDSE editions with the same value; one value per code and year.
    obs = obs.drop_duplicates(["indicator_id", "region_code", "year"])
    return {"obs": obs, "munis": munis, "types": pd.read_parquet(DATA / "peer_types.parquet"),
            "activity": pd.read_parquet(DATA / "industry_activity.parquet")}


def _values(raw, ind: str, year: int) -> pd.Series:
    o = raw["obs"]
    return o[(o["indicator_id"] == ind) & (o["year"] == year)].set_index("region_code")["value"]


@pytest.fixture(scope="module")
def profile():
    return service.municipal_profile(None, HITACHI, "ja")


def _item(items: list[dict], fid: str) -> dict:
    return next(f for f in items if f["id"] == fid)


def test_hitachi_population_and_ranks_by_hand(raw, profile):
    pop = _values(raw, "A1101", 2020)
    assert pop[HITACHI] == 174_508
    ibaraki = raw["munis"].loc[raw["munis"]["prefecture_code"] == "08", "code"]
    in_pref = pop[pop.index.isin(set(ibaraki))].dropna()
    f = _item(profile["headline"], "A1101")
    assert f["value"] == 174_508 and f["year"] == 2020 and f["unit"] == "人" and f["dataset"].startswith("ssdse-a")
    assert f["rank_prefecture"]["rank"] == int((in_pref > 174_508).sum()) + 1 == 3
    assert f["rank_prefecture"]["n"] == len(in_pref) == 44
    assert f["rank_prefecture"]["text"] == "3位/44市区町村"
    assert f["rank_nation"]["rank"] == int((pop.dropna() > 174_508).sum()) + 1
    assert f["rank_nation"]["n"] == 1741
    assert f["direction"] == "largest_first"      # the catalog gives population no direction


def test_hitachi_aging_rate_and_peer_median_by_hand(raw, profile):
    pop, old = _values(raw, "A1101", 2020), _values(raw, "A1303", 2020)
    expected = 56_525 / 174_508 * 100
    f = _item(profile["headline"], "aging_rate")
    assert f["value"] == pytest.approx(expected) and f["value"] == pytest.approx(32.391, abs=1e-3)
    types = raw["types"]
    assert types.loc[types["code"] == HITACHI, "type_code"].item() == "city:IV-2"
    peers = types.loc[types["type_code"] == "city:IV-2", "code"]
    rates = (old[peers] / pop[peers] * 100).dropna()
    assert f["peer_median"]["value"] == pytest.approx(rates.median())
    assert f["peer_median"]["n"] == len(rates)
    assert f["rank_peer"]["rank"] == int((rates > expected).sum()) + 1
    assert f["rank_peer"]["group"] == "都市 Ⅳ-2"


def test_hitachi_finance_by_hand(raw, profile):
    types = raw["types"]
    peers = types.loc[types["type_code"] == "city:IV-2", "code"]
    ratio = _values(raw, "D2203", 2022)
    f = _item(profile["finance"], "D2203")
    assert f["value"] == 96.2 and f["year"] == 2022 and f["unit"] == "%"
    assert f["direction"] == "lower_is_better"
    # Lower is better: rank 1 is the lowest ratio of the peer group.
    peer = ratio[peers].dropna()
    assert f["rank_peer"]["rank"] == int((peer < 96.2).sum()) + 1
    assert f["peer_median"]["value"] == pytest.approx(peer.median())
    revenue = _item(profile["finance"], "revenue_per_person")
    assert revenue["value"] == pytest.approx(82_206_423 * 1000 / 174_508)
    assert revenue["unit"] == "円" and revenue["year"] == 2022 and revenue["denominator_year"] == 2020
    change = next(c for c in profile["changes"] if c["id"] == "D2203")
    assert (change["year_from"], change["value_from"]) == (2021, 90.1)
    assert (change["year_to"], change["value_to"]) == (2022, 96.2)


def test_hitachi_employee_lq_with_counts_by_hand(raw, profile):
    a = raw["activity"]
    emp = a[(a["measure"] == "employees") & (a["year"] == 2021)].set_index(["region_code", "industry_code"])["value"]
    me_e, me_t = emp[(HITACHI, "jsic-E")], emp[(HITACHI, "total")]
    assert (me_e, me_t) == (21_492, 83_009)
    lq_nation = (me_e / me_t) / (emp[("00", "jsic-E")] / emp[("00", "total")])
    lq_pref = (me_e / me_t) / (emp[("08", "jsic-E")] / emp[("08", "total")])
    row = next(r for r in profile["industry"]["rows"] if r["industry_code"] == "jsic-E")
    assert row["employees"] == 21_492
    assert row["employees_share"] == pytest.approx(me_e / me_t * 100)
    assert row["employees_lq_nation"] == pytest.approx(lq_nation)
    assert row["employees_lq_prefecture"] == pytest.approx(lq_pref)
    # Strength rule: LQ ≥ 1.2, ≥ 1 % and ≥ 100 employees.
    assert row["employees_strength_nation"] is bool(lq_nation >= 1.2) is True
    assert row["employees_strength_prefecture"] is bool(lq_pref >= 1.2) is False
    est = a[(a["measure"] == "establishments") & (a["year"] == 2021)].set_index(["region_code", "industry_code"])
    assert row["establishments"] == est.loc[(HITACHI, "jsic-E"), "value"]
    # 漁業: LQ ≈ 1.19 under the threshold, and a tiny industry is never a strength.
    fish = next(r for r in profile["industry"]["rows"] if r["industry_code"] == "jsic-B")
    assert fish["employees"] == 70 and not fish["employees_strength_nation"]
    assert profile["industry"]["year"] == 2021 and "2016" in profile["industry"]["note"]


def test_profile_is_plain_json_and_every_figure_says_unit_year_source(profile):
    text = json.dumps(profile, ensure_ascii=False, allow_nan=False)
    assert json.loads(text) == profile
    for f in [*profile["headline"], *profile["finance"]]:
        assert f["unit"] and f["year"] and f["dataset"] and f["source"], f["id"]
        assert f["rank_nation"]["n"] and f["rank_prefecture"]["n"] and f["rank_peer"]["n"]
    assert profile["population"]["year"] == 2020 and profile["population"]["source"]


def test_population_structure_and_no_invented_change(raw, profile):
    rows = {r["indicator"]: r for r in profile["population"]["rows"]}
    assert rows["A1301"]["value"] == _values(raw, "A1301", 2020)[HITACHI]
    assert rows["A1419"]["share"] == pytest.approx(_values(raw, "A1419", 2020)[HITACHI] / 174_508 * 100)
    ibaraki = set(raw["munis"].loc[raw["munis"]["prefecture_code"] == "08", "code"])
    pop, kids = _values(raw, "A1101", 2020), _values(raw, "A1301", 2020)
    expected = kids[kids.index.isin(ibaraki)].sum() / pop[pop.index.isin(ibaraki)].sum() * 100
    assert rows["A1301"]["prefecture_share"] == pytest.approx(expected)
    # The bundled municipal population is one census: the profile says so rather than invent a change.
    assert profile["population"]["change_available"] is False
    assert "2020年国勢調査の1時点のみ" in profile["population"]["change_note"]


def test_peer_type_and_compare_link(raw, profile):
    p = profile["peer_type"]
    types = raw["types"]
    members = sorted(types.loc[types["type_code"] == "city:IV-2", "code"])
    assert p["type_code"] == "city:IV-2" and p["label"] == "都市 Ⅳ-2" and p["members"] == members
    assert "174,508" in p["reason"]
    codes = p["compare_href"].removeprefix("/compare?regions=").split(",")
    assert codes[0] == HITACHI and 1 < len(codes) <= 10 and set(codes) <= set(members)


def test_findings_carry_their_numbers(profile):
    kinds = {f["kind"] for f in profile["findings"]}
    assert {"size", "specialisation"} <= kinds
    size = next(f for f in profile["findings"] if f["kind"] == "size" and f["subject"] == "A1101")
    assert "174,508人" in size["text"] and "茨城県の44市区町村の中で3位" in size["text"]
    manuf = next(f for f in profile["findings"] if f["subject"] == "employees:jsic-E")
    assert "製造業" in manuf["text_ja"] and "Manufacturing" in manuf["text_en"] and "21,492" in manuf["text_ja"]
    # 経常収支比率 96.2 % is the worst of its 9 peers (lower is better): a weakness.
    weak = next(f for f in profile["findings"] if f["subject"] == "D2203")
    assert weak["kind"] == "weakness" and weak["numbers"]["rank"] == weak["numbers"]["n"] == 9


def test_unknown_municipality_is_a_data_error():
    with pytest.raises(DataError, match="unknown municipality"):
        service.municipal_profile(None, "99999")
    with pytest.raises(DataError):
        service.municipal_profile(None, "08")


@pytest.mark.parametrize("code", ["13101", "13362", "47354", "08302", "08442"])
def test_every_kind_of_municipality_has_a_profile(code):
    p = service.cached_municipal_profile(code, "en")
    assert p["code"] == code and p["headline"][0]["rank_nation"]["n"] == 1741
    json.dumps(p, allow_nan=False)


# --- pure rules -------------------------------------------------------------------------------------------

def test_ranks_ties_direction_groups_and_missing():
    v = pd.Series({"a": 3.0, "b": 5.0, "c": 5.0, "d": math.nan, "e": 1.0})
    g = pd.Series({"a": "x", "b": "x", "c": "y", "d": "x", "e": None})
    best_high = municipal.ranks(v, None, True)
    assert best_high["rank"].to_dict() == {"a": 3.0, "b": 1.0, "c": 1.0, "d": None, "e": 4.0} or \
        (best_high.loc[["a", "b", "c", "e"], "rank"].tolist() == [3.0, 1.0, 1.0, 4.0]
         and math.isnan(best_high.loc["d", "rank"]))
    assert best_high.loc["a", "n"] == 4
    low = municipal.ranks(v, None, False)
    assert low.loc[["e", "a", "b"], "rank"].tolist() == [1.0, 2.0, 3.0]
    grouped = municipal.ranks(v, g, True)
    assert grouped.loc[["a", "b", "c"], "rank"].tolist() == [2.0, 1.0, 1.0]
    assert grouped.loc["a", "n"] == 2 and grouped.loc["c", "n"] == 1
    assert math.isnan(grouped.loc["e", "rank"])        # no group, no rank


def test_rank_text():
    assert municipal.rank_text(3, 44, "ja") == "3位/44市区町村"
    assert municipal.rank_text(1032, 1740, "en") == "1,032 of 1,740"
    assert municipal.rank_text(float("nan"), 44, "ja") is None


def _fig(fid, value, rank, n, direction, median=1.0):
    r = {"rank": rank, "n": n, "group_ja": "都市 Ⅰ-1", "group_en": "City I-1", "text": ""}
    return {"id": fid, "name_ja": fid, "name_en": fid, "value": value, "unit_ja": "%", "unit_en": "%",
            "year": 2022, "dataset": "ds", "direction": direction, "rank_peer": r,
            "rank_prefecture": {"rank": None, "n": None}, "rank_nation": {"rank": 5, "n": 1741},
            "peer_median": {"value": median, "n": n}}


def test_findings_quarters_and_no_verdict_on_size():
    prof = {"prefecture_ja": "茨城県", "prefecture_en": "Ibaraki", "industry": {"rows": [], "year": 2021},
            "headline": [_fig("good", 1.0, 5, 20, "lower_is_better"), _fig("mid", 1.0, 6, 20, "higher_is_better"),
                         _fig("bad", 1.0, 16, 20, "higher_is_better"), _fig("big", 1.0, 1, 20, "largest_first")],
            "finance": [_fig("good", 1.0, 5, 20, "lower_is_better")]}
    found = municipal.findings(prof)
    assert [(f["kind"], f["subject"]) for f in found] == [("strength", "good"), ("weakness", "bad")]
    assert "20団体の中で5位" in found[0]["text_ja"] and "5 of 20" in found[0]["text_en"]


def test_compare_peers_nearest_in_population():
    pop = pd.Series({"a": 100.0, "b": 1000.0, "c": 110.0, "d": 90.0, "e": 5000.0})
    assert municipal.compare_peers("a", ["a", "b", "c", "d", "e"], pop, k=2) == ["a", "c", "d"]
    assert municipal.compare_peers("a", ["a"], pop) == ["a"]


def test_region_options_group_municipalities_under_their_prefecture():
    from layouts import profile_page

    opts = profile_page.region_options([("08", "茨城県"), ("09", "栃木県")],
                                       [("08202", "日立市", "08"), ("09201", "宇都宮市", "09")], "ja")
    assert [o["value"] for o in opts] == ["08", "08202", "09", "09201"]
    assert opts[1]["label"] == "茨城県 日立市"


# --- the page, as plain functions ---------------------------------------------------------------------------

def find(tree, cid):
    for c in tree._traverse():
        if getattr(c, "id", None) == cid:
            return c
    raise KeyError(cid)


def _text(component) -> str:
    out = []

    def walk(c):
        if isinstance(c, str | int | float):
            out.append(str(c))
        elif isinstance(c, list | tuple):
            for x in c:
                walk(x)
        elif c is not None and hasattr(c, "children"):
            walk(c.children)

    walk(component)
    return " ".join(out)


def test_municipal_page_layout():
    from callbacks import profile_callbacks

    tree = profile_callbacks.page_layout(region=HITACHI)
    assert "日立市（茨城県）" in _text(tree.children[1])
    head = _text(find(tree, ids.PROFILE_HEADLINE))
    assert "県内 3位/44市区町村" in head and "全国" in head and "類似団体" in head
    assert "都市 Ⅳ-2" in _text(find(tree, ids.PROFILE_PEER_TYPE))
    link = find(tree, ids.PROFILE_COMPARE_LINK)
    assert link.href.startswith("/compare?regions=08202,")
    lq_text = _text(find(tree, ids.PROFILE_LQ_TABLE))
    assert "製造業" in lq_text and "21,492" in lq_text and "1.70 ★" in lq_text
    assert any(isinstance(c, html.Table) for c in find(tree, ids.PROFILE_LQ_TABLE)._traverse())
    assert "96.2" in _text(find(tree, ids.PROFILE_FINANCE))
    assert find(tree, ids.PROFILE_REGION).value == HITACHI
    opts = find(tree, ids.PROFILE_REGION).options
    assert {"label": "茨城県 日立市", "value": HITACHI} in opts and {"label": "東京都", "value": "13"} in opts
    # The prefectures and this prefecture's municipalities; the rest come by search.
    assert len(opts) == 47 + 44


def test_picker_search_finds_municipalities_of_any_prefecture():
    from callbacks import profile_callbacks

    found = profile_callbacks.search_options("日立", "13", "ja")
    assert {"label": "茨城県 日立市", "value": HITACHI} in found
    assert found[-1] == {"label": "東京都", "value": "13"}            # the chosen region stays choosable
    ishikawa = profile_callbacks.search_options("石川県", "13", "ja")
    assert ishikawa[0] == {"label": "石川県", "value": "17"} and all(o["label"].startswith("石川県") for o in
                                                                     ishikawa[:-1])
    assert len(profile_callbacks.search_options("市", None, "ja")) <= profile_callbacks.SEARCH_LIMIT + 1
    assert len(profile_callbacks.search_options("", "08202", "ja")) == 47 + 44
    # The bundled municipalities have no English names: an English label is the Japanese name and the prefecture.
    assert {"label": "日立市, Ibaraki", "value": HITACHI} in profile_callbacks.search_options("日立", None, "en")


def test_municipal_page_in_english_and_bad_code():
    from callbacks import profile_callbacks

    tree = profile_callbacks.page_layout(region="13101", lang="en")
    assert "In prefecture" in _text(find(tree, ids.PROFILE_HEADLINE))
    state = profile_callbacks.parse({"region": "99999"})
    assert state["region"] == "13" and "region='99999'" in state.notices[0]
    assert profile_callbacks.parse({"region": "47354"})["region"] == "47354"


def test_prefecture_profile_tables_are_plain_html():
    from callbacks import profile_callbacks

    tree = profile_callbacks.page_layout(region="26", lang="en")
    dev = find(tree, ids.PROFILE_DEVIATION_TABLE)
    assert any(isinstance(c, html.Table) for c in dev._traverse())
    assert "University undergraduates per 1,000 people" in _text(dev)
    assert any(isinstance(c, html.Table) for c in find(tree, ids.PROFILE_PEERS)._traverse())
    assert "DataTable" not in {type(c).__name__ for c in tree._traverse()}


@pytest.mark.parametrize("region", ["13", "26", "47"])
def test_memoised_prefecture_profile_parts_equal_the_plain_ones(region):
    """The all-47 deviation table and the memoised-matrix peers give exactly what the per-region functions do."""
    from loaders.store import get_store

    cur = get_store().cursor()
    plain = service.profile_deviation(cur, region, service.PROFILE_DEFAULT)
    all47 = service.cached_profile_deviations(tuple(service.PROFILE_DEFAULT))
    mine = all47[all47["region_code"] == region].drop(columns="region_code").reset_index(drop=True)
    pd.testing.assert_frame_equal(plain.reset_index(drop=True), mine, check_dtype=False)
    pd.testing.assert_frame_equal(service.region_peers(cur, region), service.cached_region_peers(region))


def test_municipal_export_csv_and_excel():
    from callbacks import profile_callbacks

    csv = profile_callbacks.municipal_export(HITACHI, "ja", "csv")
    assert csv["filename"] == "chiiki_profile_08202.csv" and "174508" in csv["content"] and "jsic-E" in csv["content"]
    xlsx = profile_callbacks.municipal_export(HITACHI, "en", "xlsx")
    assert xlsx["filename"].endswith(".xlsx") and xlsx["base64"]
