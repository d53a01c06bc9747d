"""Numbers as Japanese reports write them, and never in scientific notation on any figure or table."""

from __future__ import annotations

import json
import re

import pytest

from layouts import numbers

SCIENTIFIC = re.compile(r"\d(\.\d+)?e[+-]?\d", re.IGNORECASE)


@pytest.mark.parametrize(("value", "unit", "lang", "expected"), [
    (57_949_915, "人", "ja", "5,795万人"),
    (126_146_099, "人", "ja", "1.26億人"),
    (9_999, "人", "ja", "9,999人"),
    (120_200_000, "百万円", "ja", "120.2兆円"),
    (43_100, "百万円", "ja", "431億円"),
    (5_214, "千円", "ja", "5,214千円"),
    (15.9, "%", "ja", "15.9%"),
    (991, "g", "ja", "991g"),
    (57_949_915, "persons", "en", "57.95 million persons"),
    (float("nan"), "人", "ja", "—"),
])
def test_scaled_by_hand(value, unit, lang, expected):
    assert numbers.scaled(value, unit, lang) == expected


def _no_scientific(obj) -> list[str]:
    text = json.dumps(obj, ensure_ascii=False)
    # d3 format specifiers that print exponents for large numbers (",.4g", "e") are as bad as the text.
    bad = [m.group(0) for m in re.finditer(r"%\{[^}]*:[^}]*[ge]\}", text)]
    # Colours like "#009E73" are not numbers; data arrays are numbers, not text shown as such.
    shown = re.sub(r"#[0-9A-Fa-f]{6}\b", "", re.sub(r'"(x|y|z|zmin|zmax|zmid|customdata)": \[[^]]*\]', "", text))
    bad += [m.group(0) for m in SCIENTIFIC.finditer(shown)]
    return bad


@pytest.mark.parametrize("level", ["prefecture", "municipality"])
def test_map_hover_ranking_and_table_have_no_scientific_notation(level):
    from callbacks import map_callbacks

    b = map_callbacks.build(map_callbacks.parse({"ind": "C2208", "level": level}))
    assert _no_scientific(b["figure"]) == [] and _no_scientific(b["ranking"]) == []
    trace = b["figure"]["data"][0]
    values = [c[2] for c in trace["customdata"]]
    assert all(not SCIENTIFIC.search(v) for v in values)
    if level == "municipality":
        # Compared with the median municipality, not Japan's total of 5,795万人 that flattens every bar.
        assert "市区町村の中央値" in trace["hovertemplate"]
        ref = b["ranking"]["layout"]["shapes"][0]["x0"]
        assert ref < 100_000
    else:
        assert "全国: 5,795万人" in trace["hovertemplate"]


def test_compare_and_profile_figures_have_no_scientific_notation():
    from callbacks import compare_callbacks

    out = compare_callbacks.update(["13", "27", "metro-all"], "A1101", "A1101", "C2208", "ja")
    for fig in out[:3]:
        assert _no_scientific(fig) == []


def test_bubble_log_axis_has_readable_ticks():
    from layouts import figures

    fig = figures.bubble(x=[0.002, 0.05], y=[1.3, 0.8], size=[10, 2000], labels=["a", "b"], title="t", source="s",
                         x_title="x", y_title="y", lq_threshold=1.2, min_share=0.01)
    axis = fig["layout"]["xaxis"]
    assert "tickformat" not in axis
    assert axis["ticktext"][axis["tickvals"].index(0.003)] == "0.3%"
    assert len(set(axis["ticktext"])) == len(axis["ticktext"])          # never "0% 0%"
