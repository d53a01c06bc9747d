"""Class breaks worked by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import classify


@pytest.mark.parametrize(("method", "values", "k", "expected"), [
    ("quantile", [1, 2, 3, 4, 5], 4, [1, 2, 3, 4, 5]),
    ("quantile", [1, 1, 1, 2], 2, [1, 2]),                 # ties collapse classes
    ("equal", [0, 10], 5, [0, 2, 4, 6, 8, 10]),
    ("equal", [3, 3, 3], 4, [3, 3]),
    # mapclassify's breaks are class upper bounds (3, 12, 31) after the minimum; the classes are the same
    # three clusters as before, which had their breaks at the clusters' first values (1, 10, 30, 31).
    ("jenks", [1, 2, 3, 10, 11, 12, 30, 31], 3, [1, 3, 12, 31]),
    ("jenks", [5, 5, 5], 3, [5]),
    ("quantile", [np.nan, 1, 3], 2, [1, 2, 3]),
])
def test_breaks_by_hand(method, values, k, expected):
    assert classify.breaks(values, method, k) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "expected"), [("0, 10, 20.5", [0, 10, 20.5]), ("1、2", [1, 2])])
def test_fixed_breaks(text, expected):
    assert classify.breaks([1], "fixed", fixed=text) == expected


@pytest.mark.parametrize(("text", "message"), [("5", "at least two"), ("1,a", "not a number"),
                                               ("3,2", "must increase"), ("1,inf", "finite")])
def test_fixed_breaks_errors(text, message):
    with pytest.raises(ValueError, match=message):
        classify.fixed_breaks(text)


def test_classify_indices():
    # Classes are closed on the right as in mapclassify (5 is in the first class of 0, 5, 10, as a legend
    # "0–5" says); before mapclassify they were closed on the left.
    assert classify.classify([0, 5, 10, np.nan, 99, -3], [0, 5, 10]).tolist() == [0, 0, 1, -1, 1, 0]


def test_jenks_breaks_are_mapclassify_fisher_jenks():
    import mapclassify

    v = np.array([4.0, 1, 9, 2, 40, 38, 11, 10, 3])
    assert classify.jenks_breaks(v, 3) == [1.0, *mapclassify.FisherJenks(v, k=3).bins.tolist()] == [1, 4, 11, 40]


def test_jenks_sampled_close_to_exact():
    rng = np.random.default_rng(0)
    v = np.concatenate([rng.normal(0, 1, 700), rng.normal(10, 1, 700)])
    exact = classify.jenks_breaks(v, 2, max_points=10_000)
    sampled = classify.jenks_breaks(v, 2)
    # The break is now the lower cluster's upper bound (about its largest value, ~3), no longer the upper
    # cluster's first value (~7): the gap is the same, the side of it differs.
    assert abs(exact[1] - sampled[1]) < 0.5 and 2 < sampled[1] < 8


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=60),
       st.integers(min_value=2, max_value=7), st.sampled_from(["quantile", "equal", "jenks"]))
@settings(max_examples=150, deadline=None)
def test_breaks_span_the_data_and_increase(values, k, method):
    b = classify.breaks(values, method, k)
    assert b[0] == pytest.approx(min(values)) and b[-1] == pytest.approx(max(values))
    assert all(y >= x for x, y in itertools.pairwise(b))
    assert len(b) <= k + 1
