"""Every colour scale the app can send is one plotly.js draws as meant (it has no "PuOr", and falls
back silently to a grey-red default for any name it does not know)."""

from __future__ import annotations

import itertools

import pytest

from layouts.figures import PLOTLYJS_NAMED_SCALES, explicit_scale


def _valid(scale) -> bool:
    if isinstance(scale, str):
        return scale in PLOTLYJS_NAMED_SCALES
    return (isinstance(scale, list) and len(scale) >= 2 and scale[0][0] == 0 and scale[-1][0] == 1
            and all(isinstance(c, str) and c.startswith(("rgb", "#")) for _, c in scale))


def _scales(fig: dict) -> list:
    return [tr["colorscale"] for tr in fig.get("data", []) if "colorscale" in tr]


def test_named_scales_match_plotlyjs_source():
    # The names plotly.js 4.1.1 defines in src/components/colorscale/scales.js (case-sensitive).
    assert "PuOr" not in PLOTLYJS_NAMED_SCALES and "Viridis" in PLOTLYJS_NAMED_SCALES
    assert not _valid("PuOr") and not _valid("viridis") and _valid("RdBu")


def test_explicit_puor_is_purple_to_orange():
    scale = explicit_scale("PuOr")
    assert _valid(scale) and scale[0][1] == "rgb(127,59,8)" and scale[-1][1] == "rgb(45,0,75)"


@pytest.mark.parametrize(("norm", "pal"), list(itertools.product(
    ["none", "relative", "deviation", "share", "per_1000"], ["viridis", "cividis", "blues", "ylgnbu"])))
def test_every_map_scale_is_valid(norm, pal):
    from callbacks import map_callbacks

    ind = "C2208" if norm in ("share", "per_1000") else "univ_students_per_1000"
    b = map_callbacks.build(map_callbacks.parse({"ind": ind, "norm": norm, "pal": pal}))
    assert b["figure"] is not None, b["message"]
    assert all(_valid(s) for s in _scales(b["figure"]))


@pytest.mark.parametrize("measure", ["employees", "establishments", "value_added"])
def test_industry_scales_are_valid(measure):
    from callbacks import industry_callbacks

    b = industry_callbacks.build(industry_callbacks.parse({"measure": measure}))
    for fig in (b["heatmap"], b["map"]):
        assert _scales(fig) and all(_valid(s) for s in _scales(fig))


def test_index_map_scale_is_valid():
    from callbacks import index_callbacks

    fig = index_callbacks.update(None, None, None, "ja")[0]
    assert all(_valid(s) for s in _scales(fig))
