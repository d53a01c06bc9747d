"""Compare page: location quotients side by side (equal to the LQ table's), their link state and export;
the profile's time series starts where its data starts."""

from __future__ import annotations

import base64
import io
from urllib.parse import parse_qsl

import pandas as pd
import pytest

from callbacks import compare_callbacks, profile_callbacks
from layouts import profile_page
from metrics import service

INDICATOR_STATE = ("univ_students_per_1000", "professional_employee_share", "value_added_per_employee")


def _lq(regions, measure, year, industry, lang="ja"):
    fig, rows, columns, note, year_options, year_value, ind_options, ind_value, query = compare_callbacks.update_lq(
        regions, measure, year, industry, *INDICATOR_STATE, lang)
    return dict(fig=fig, rows=rows, columns=columns, note=note, year_options=year_options, year=year_value,
                industries=ind_options, industry=ind_value, query=query)


@pytest.mark.parametrize(("measure", "year", "industry"), [
    ("employees", 2021, "jsic-G"), ("employees", 2016, "jsic-E"), ("establishments", 2021, "jsic-M"),
    ("value_added", 2015, "sna-03")])
def test_lq_compare_equals_the_lq_table(cur, measure, year, industry):
    out = _lq(["13", "27", "47", "metro-all"], measure, year, industry)
    want = service.lq_table(cur, measure, year)
    want = want[want["industry_code"] == industry].set_index("region_code").loc[["13", "27", "47"]]
    bars = out["fig"]["data"][0]
    assert bars["x"] == want["region_name_ja"].tolist()
    assert bars["y"] == pytest.approx(want["lq"].tolist(), rel=1e-5)
    assert [r["lq"] for r in out["rows"]] == [round(v, 3) for v in want["lq"]]
    # The count behind each LQ, in the table and in the hover, is the table's value.
    assert [r["value"] for r in out["rows"]] == want["value"].tolist()
    unit = {"employees": "人", "establishments": "事業所", "value_added": "百万円"}[measure]
    assert [c[0] for c in bars["customdata"]] == [f"{v:,.0f}{unit}" for v in want["value"]]
    assert "customdata[0]" in bars["hovertemplate"]
    assert out["year"] == year and out["industry"] == industry
    assert str(year) in out["fig"]["layout"]["title"]["text"]
    # Japan = 1 is drawn across the chart.
    assert out["fig"]["layout"]["shapes"][0]["y0"] == out["fig"]["layout"]["shapes"][0]["y1"] == 1
    # The group has no LQ of its own here, and the note says so instead of leaving it out silently.
    note = " ".join(out["note"])
    assert "三大都市圏" in note and f"{year}年" in note and "出典" in note


def test_lq_compare_in_english_names_unit_and_count():
    out = _lq(["13", "01"], "employees", 2021, "jsic-A", lang="en")
    assert out["fig"]["data"][0]["x"] == ["Tokyo", "Hokkaido"]
    assert out["fig"]["data"][0]["customdata"][0][0].endswith(" employees")
    assert out["fig"]["layout"]["yaxis"]["title"]["text"] == "LQ (Japan = 1)"
    assert out["industries"][0]["value"] == "jsic-A" and out["industries"][0]["label"].isascii()


def test_service_pick_keeps_order_and_rejects_unknown_industry(cur):
    rows = service.lq_for_regions(cur, "employees", "jsic-E", ["47", "metro-all", "01"], 2021)
    assert rows["region_code"].tolist() == ["47", "01"]
    from loaders.errors import DataError

    with pytest.raises(DataError, match="unknown industry"):
        service.lq_for_regions(cur, "employees", "sna-03", ["13"])


def test_lq_state_round_trips_through_the_url():
    out = _lq(["13", "27"], "value_added", 2015, "sna-09")
    params = dict(parse_qsl(out["query"]))
    assert params == {"regions": "13,27", "lq_measure": "value_added", "lq_year": "2015", "lq_ind": "sna-09"}
    state = compare_callbacks.parse(params)
    assert not state.notices
    assert (state["lq_measure"], state["lq_year"], state["lq_ind"]) == ("value_added", 2015, "sna-09")
    assert compare_callbacks.encode(state) == out["query"]
    # The page opened from that link shows the same LQ view.
    page = str(compare_callbacks.page_layout(**params))
    assert "sna-09" in page and "'value': 'value_added'" in page
    # The indicator callback keeps the LQ part of the link, and the plain link stays as short as before.
    assert "lq_ind=sna-09" in compare_callbacks.update(["13", "27"], *INDICATOR_STATE, "ja", "value_added", 2015,
                                                       "sna-09")[5]
    default = _lq(["13", "27", "metro-all", "non-metro"], "employees", None, None)
    assert default["query"] == "" and default["industry"] == "jsic-E"


def test_lq_bad_link_falls_back_with_notices():
    state = compare_callbacks.parse({"lq_measure": "nope", "lq_year": "1999", "lq_ind": "jsic-Z"})
    assert state["lq_measure"] == "employees" and state["lq_year"] == 2021 and state["lq_ind"] == "jsic-E"
    text = " ".join(state.notices)
    assert "lq_measure='nope'" in text and "lq_year=1999" in text and "lq_ind='jsic-Z'" in text
    # Switching to value added keeps a year it has and moves to an industry of its classification.
    out = _lq(["13"], "value_added", 2021, "jsic-E")
    assert out["year"] == 2021 and out["industry"] == "sna-03"


def test_lq_compare_without_prefectures_says_what_to_do():
    out = _lq(["metro-all"], "employees", 2021, "jsic-E")
    assert out["fig"]["data"][0]["x"] == [] and out["rows"] == []
    assert "都道府県を選んで" in " ".join(out["note"])


def _frame(payload: dict, fmt: str) -> pd.DataFrame:
    raw = base64.b64decode(payload["content"])
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype={"region_code": str})
    return pd.read_excel(io.BytesIO(raw), sheet_name="data", dtype={"region_code": str}, engine="openpyxl")


@pytest.mark.parametrize(("fmt", "lang", "unit"),
                         [("csv", "ja", "特化係数 (全国=1)"), ("xlsx", "en", "LQ (Japan = 1)")])
def test_lq_export_has_values_counts_unit_source_credit(cur, fmt, lang, unit):
    payload = compare_callbacks.export_lq(["13", "27", "non-metro"], "employees", 2016, "jsic-G", lang, fmt)
    assert payload["filename"] == f"chiiki_compare_lq_employees_2016_jsic-G.{fmt}"
    df = _frame(payload, fmt)
    want = service.lq_table(cur, "employees", 2016)
    want = want[want["industry_code"] == "jsic-G"].set_index("region_code").loc[["13", "27"]]
    assert df["region_code"].tolist() == ["13", "27"]
    assert df["lq"].tolist() == pytest.approx(want["lq"].tolist(), rel=1e-12)
    assert df["value"].tolist() == want["value"].tolist()
    assert (df["unit"] == unit).all() and (df["count_unit"] == "人").all() and (df["year"] == 2016).all()
    assert df["source"].str.contains("経済センサス").all() and df["credit"].str.contains("SSDSE").all()


# --- profile: the time series starts at its first year with data -------------------------------------------

def test_profile_series_axis_starts_at_first_year_with_data(cur):
    fig = profile_callbacks.series_figure("A1101", "13", "ja")
    first = int(service.series(cur, "A1101", ["13"]).dropna(subset=["value"])["year"].min())
    lo, hi = fig["layout"]["xaxis"]["range"]
    assert first - 0.5 < lo < first, "no empty year before the first year with data"
    assert max(x for tr in fig["data"] for x in tr["x"]) < hi
    assert fig["layout"]["xaxis"]["tick0"] == first
    # One base year for the index; Japan's row starts later in the bundled data and says its own base.
    names = [tr["name"] for tr in fig["data"]]
    assert fig["layout"]["yaxis"]["title"]["text"] == f"{first}年=100"
    japan = next(tr for tr in fig["data"] if tr["name"].startswith("全国"))
    assert japan["name"] == f"全国（{japan['x'][0]}年=100）" and japan["x"][0] > first, names
    assert all(tr["y"][0] == pytest.approx(100) for tr in fig["data"])


def test_profile_series_skips_leading_years_without_values():
    s = pd.DataFrame({"year": [2005, 2006, 2007, 2008, 2005, 2006, 2007, 2008],
                      "region_code": ["13"] * 4 + ["00"] * 4,
                      "value": [None, None, 10.0, 12.0, None, 50.0, 55.0, 60.0]})
    meta = {"unit": "人", "unit_en": "persons", "name_ja": "テスト", "name_en": "Test", "additive": True,
            "source_ja": "テスト", "source_en": "test"}
    fig = profile_page.series_figure(s, {"13": "東京都", "00": "全国"}, meta, "ja")
    tokyo, japan = fig["data"]
    assert tokyo["x"] == [2007, 2008] and tokyo["y"] == pytest.approx([100, 120])
    # Japan is indexed to the region's base year, and its earlier year with a value is drawn.
    assert japan["x"] == [2006, 2007, 2008] and japan["y"][1] == pytest.approx(100) and japan["name"] == "全国"
    assert fig["layout"]["xaxis"]["range"][0] == pytest.approx(2005.7)
