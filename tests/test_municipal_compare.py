"""Municipalities first-class (issue 13): compared beside prefectures, their 類似団体 median and Japan; the
map's ranking of one prefecture's municipalities; the nav's search box stays light."""

from __future__ import annotations

import gzip
import statistics
from pathlib import Path
from urllib.parse import parse_qsl

import pandas as pd
import pytest

from callbacks import compare_callbacks as cc
from callbacks import map_callbacks
from layouts import i18n
from metrics import compare

ROOT = Path(__file__).resolve().parents[1]
HITACHI = ["08202", "08", "peer-08202", "00"]


def _json(tree) -> str:
    import json

    import plotly

    return json.dumps(tree, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _published(indicator: str, codes: list[str], year: int) -> pd.Series:
    obs = pd.read_parquet(ROOT / "data" / "observations.parquet")
    obs = obs[(obs["indicator_id"] == indicator) & obs["region_code"].isin(codes) & (obs["year"] == year)]
    # Two SSDSE editions carry the same census figure; they agree, so one per region.
    assert obs.groupby("region_code")["value"].nunique().max() == 1
    return obs.drop_duplicates("region_code").set_index("region_code")["value"]


def test_peer_median_of_hitachi_by_hand():
    types = pd.read_parquet(ROOT / "data" / "peer_types.parquet")
    me = types.loc[types["code"] == "08202"].iloc[0]
    assert me["type_label_ja"] == "都市 Ⅳ-2"
    members = sorted(types.loc[types["type_code"] == me["type_code"], "code"])
    assert len(members) == 9 and "08202" in members
    # 65歳以上人口 2020 of the nine, sorted: 31,028 39,497 41,781 43,373 [47,130] 47,581 47,973 48,237 56,525.
    values = _published("A1303", members, 2020)
    assert statistics.median(values) == 47130.0
    b = cc.build(cc.parse({"regions": ",".join(HITACHI), "ind": "A1303"}))
    rows = {r["region"]: r["value"] for r in b["rows"]}
    assert rows == {"日立市（茨城県）": 56525.0, "茨城県": pytest.approx(839907, rel=1e-5),
                    "類似団体（都市 Ⅳ-2）中央値 n=9": 47130.0, "全国": pytest.approx(35335805, rel=1e-5)}
    # Every bar is the same year, the municipal one, and the bars say it.
    assert "2020" in b["bars"]["layout"]["title"]["text"]
    assert b["bars"]["data"][0]["x"][2] == "類似団体（都市 Ⅳ-2）中央値 n=9"
    assert [tr["name"][:3] for tr in b["series"]["data"]] == ["日立市", "茨城県", "類似団", "全国"]
    assert b["series"]["data"][2]["name"] == "類似団体<br>（都市 Ⅳ-2）中央値 n=9"    # two lines in the legend
    frame = b["frame"].set_index("region_code")
    assert frame.loc["peer-08202", "method"] == "median of n=9" and set(frame["year"]) == {2020}


def test_median_by_year_leaves_missing_values_out():
    df = pd.DataFrame({"year": [2020, 2020, 2020, 2020, 2021], "value": [4.0, 1.0, None, 2.0, 7.0]})
    out = compare.median_by_year(df)
    assert out.to_dict("records") == [{"year": 2020, "value": 2.0, "n": 3}, {"year": 2021, "value": 7.0, "n": 1}]


def test_municipal_values_are_the_published_ones():
    codes = ["08202", "13206", "34208"]
    b = cc.build(cc.parse({"regions": ",".join(codes), "ind": "A1303"}))
    want = _published("A1303", codes, 2020)
    assert [r["value"] for r in b["rows"]] == [want[c] for c in codes]
    # Two 府中市: each named with its prefecture.
    assert [r["region"] for r in b["rows"]] == ["日立市（茨城県）", "府中市（東京都）", "府中市（広島県）"]
    en = cc.build(cc.parse({"regions": ",".join(codes), "ind": "A1303", "lang": "en"}))
    assert en["rows"][1]["region"] == "府中市 (Tokyo)"


def test_indicator_without_municipal_values_says_so():
    b = cc.build(cc.parse({"regions": ",".join(HITACHI), "ind": "univ_students_per_1000"}))
    assert [r["value"] is None for r in b["rows"]] == [True, False, True, False]
    assert "日立市（茨城県）" in str(b["message"]) and "市区町村のデータがありません" in str(b["message"])
    # Municipal-only finance figures: the prefecture and Japan say they have none.
    b = cc.build(cc.parse({"regions": ",".join(HITACHI), "ind": "D2203"}))
    want = _published("D2203", ["08202"], 2022)
    assert b["rows"][0]["value"] == want["08202"] and b["rows"][1]["value"] is None
    assert "都道府県・地域の値はありません" in str(b["message"])


def test_more_than_ten_municipalities_notice_and_the_first_ten():
    types = pd.read_parquet(ROOT / "data" / "peer_types.parquet")
    munis = sorted(types.loc[types["prefecture_code"] == "08", "code"])[:11]
    codes = ["08", *munis[:5], "00", *munis[5:]]
    state = cc.parse({"regions": ",".join(codes)})
    assert state["regions"] == ["08", *munis[:5], "00", *munis[5:10]]
    assert state.notices == ["11市区町村（類似団体中央値を含む）が指定されました。比べられるのは10までです。"
                             "最初の10を表示します。"]
    # The dropdown can hold more: the callback says so too, and shows the first ten.
    out = cc.update(codes, "A1303", "ict_employee_share", "aging_rate", "en")
    assert "11 municipalities (peer medians included) were given; up to 10" in str(out[4]) and len(out[3]) == 12
    assert "regions=08%2C" in out[5] and munis[10] not in out[5]
    assert cc.parse({"regions": ",".join(codes[:11])}).notices == []
    # Prefectures and groups: twelve, as the start page's "neighbours" link gives, then a notice.
    prefs = [f"{i:02d}" for i in range(1, 14)]
    assert cc.parse({"regions": ",".join(prefs[:12])}).notices == []
    state = cc.parse({"regions": ",".join(prefs)})
    assert state["regions"] == prefs[:12] and "13地域が指定されました" in state.notices[0]


def test_municipal_state_round_trips_through_the_url():
    state = cc.parse({"regions": "08202,08,peer-08202,00,13206", "ind": "aging_rate", "lang": "en"})
    query = cc.encode(state)
    params = dict(parse_qsl(query))
    assert params == {"regions": "08202,08,peer-08202,00,13206", "ind": "aging_rate", "lang": "en"}
    again = cc.parse(params)
    assert again.values == state.values and not again.notices
    # The page opened from it carries the municipalities as chosen options of the dropdown.
    page = _json(cc.page_layout(**params))
    assert '"value": "peer-08202"' in page and "Peer median (City IV-2)" in page
    assert "DataTable" not in page and "data-table" in page
    # Unknown codes (a municipality that does not exist, a peer of a prefecture) fall back with a notice.
    for bad in ("08999", "peer-08", "peer-99999"):
        s = cc.parse({"regions": f"08202,{bad}"})
        assert s["regions"] == cc.DEFAULTS["regions"] and bad in s.notices[0]


def test_one_click_compares_with_prefecture_peers_and_japan():
    value, options, ind = cc.compare_municipality("08202", "univ_students_per_1000", "ja")
    assert value == HITACHI and ind == cc.MUNICIPAL_DEFAULT
    assert {o["value"]: o["label"] for o in options}["peer-08202"] == "類似団体（都市 Ⅳ-2）中央値"
    assert cc.compare_municipality("08202", "A1303", "ja")[2] is cc.no_update     # has municipal values: kept
    assert cc.compare_municipality("13", "A1303", "ja")[0] is cc.no_update


def test_search_matches_kanji_names_with_or_without_suffix():
    # 府中 is 府中市 without 市: both 府中市 first, then 府中町, which starts with it.
    assert cc.search_municipalities("府中") == ["13206", "34208", "34302"]
    assert cc.search_municipalities("府中市")[:2] == ["13206", "34208"]
    assert cc.search_municipalities("日立")[0] == "08202" and cc.search_municipalities("日立市")[0] == "08202"
    assert cc.search_municipalities("  ") == [] and cc.search_municipalities(None) == []
    labels = [o["label"] for o in cc.region_options([], "府中市", "ja")]
    assert "府中市（東京都）" in labels and "府中市（広島県）" in labels


def test_lq_compare_includes_municipalities_against_japan():
    from loaders.store import get_store
    from metrics import service

    q = cc.build_lq(cc.parse({"regions": "08202,08,00", "lq_ind": "jsic-E"}))
    table = service.lq_table(get_store().cursor(), "employees", 2021, level="municipality")
    want = table[(table["industry_code"] == "jsic-E") & (table["region_code"] == "08202")].iloc[0]
    assert q["rows"][0]["region"] == "日立市（茨城県）" and q["rows"][0]["lq"] == round(want["lq"], 3)
    assert q["rows"][1]["region"] == "茨城県"


def test_map_ranking_of_one_prefecture_ranks_all_its_municipalities():
    limited = map_callbacks.build(map_callbacks.parse({"ind": "A1303", "level": "municipality", "pref": "01"}))
    hokkaido = pd.read_parquet(ROOT / "data" / "observations.parquet")
    n = hokkaido[(hokkaido["indicator_id"] == "A1303") & (hokkaido["year"] == 2020)
                 & hokkaido["region_code"].str.startswith("01") & (hokkaido["region_code"].str.len() == 5)
                 ]["region_code"].nunique()
    assert n > 60 and len(limited["ranking"]["data"][0]["y"]) == n
    assert "top" not in limited["ranking"]["layout"]["title"]["text"]
    whole = map_callbacks.build(map_callbacks.parse({"ind": "A1303", "level": "municipality"}))
    assert len(whole["ranking"]["data"][0]["y"]) == 60


def test_nav_search_is_labelled_translated_and_light():
    import app as app_module

    layout = _json(app_module.create_app().layout)
    assert '"id": "nav-search"' in layout and '"htmlFor": "nav-search"' in layout and '"role": "search"' in layout
    strings = i18n.browser_strings()
    assert {"search_none", "search_many", "search_label", "search_placeholder"} <= set(strings["en"])
    assert strings["ja"]["search_label"] != strings["en"]["search_label"]
    # Every page gets the script and its style; the names come later, on first focus, from the API.
    weight = sum(len(gzip.compress((ROOT / "assets" / f).read_bytes())) for f in ("search.js", "search.css"))
    assert weight < 10_000
    js = (ROOT / "assets" / "search.js").read_text()
    assert "/api/v1/regions?level=" in js and "focusin" in js
