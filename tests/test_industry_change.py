"""LQ change between the two economic censuses on the industry page: the figures are the difference of
the two years' LQ tables, prefectures only (municipal industry data is one year), with the caveat."""

from __future__ import annotations

import json

import pytest
from dash._utils import to_json

from callbacks import industry_callbacks
from metrics import service
from tests.test_callbacks import table_cells


def test_change_years_are_the_two_censuses_for_counts_only(cur):
    assert service.lq_change_years(cur, "employees") == (2016, 2021)
    assert service.lq_change_years(cur, "establishments") == (2016, 2021)
    assert service.lq_change_years(cur, "value_added") is None     # a yearly series, not two censuses


@pytest.mark.parametrize("measure, industry", [("employees", "jsic-E"), ("establishments", "jsic-G")])
def test_change_equals_the_difference_of_the_two_lq_tables(cur, measure, industry):
    a = service.lq_table(cur, measure, 2016).set_index(["region_code", "industry_code"])
    b = service.lq_table(cur, measure, 2021).set_index(["region_code", "industry_code"])
    change = service.lq_change_table(cur, measure, 2016, 2021)
    sub = change[change["industry_code"] == industry]
    assert len(sub) == 47
    for r in sub.itertuples():
        key = (r.region_code, industry)
        assert r.lq_from == pytest.approx(a.loc[key, "lq"]) and r.lq_to == pytest.approx(b.loc[key, "lq"])
        assert r.lq_change == pytest.approx(b.loc[key, "lq"] - a.loc[key, "lq"])
        assert r.value_to == b.loc[key, "value"]


def test_page_section_lists_every_prefecture_largest_rise_first_with_the_caveat(cur):
    view = industry_callbacks.change_view("employees", "jsic-E", "ja")
    text = json.dumps(json.loads(to_json(view)), ensure_ascii=False)
    assert "特化係数の変化（2016→2021年）: 製造業" in text and "目安" in text and "2021年のみ" in text
    rows = table_cells(view)
    assert len(rows) == 47
    diffs = [float(r[3].replace(",", "")) for r in rows]
    assert diffs == sorted(diffs, reverse=True)
    change = service.lq_change_table(cur, "employees", 2016, 2021)
    top = change[change["industry_code"] == "jsic-E"].sort_values("lq_change", ascending=False).iloc[0]
    assert rows[0][0] == service.region_names(cur, "ja")[top.region_code]


def test_value_added_says_where_the_change_is_shown():
    view = industry_callbacks.change_view("value_added", None, "en")
    assert "shown for employees and establishments" in json.dumps(json.loads(to_json(view)))
