"""The start page's "compare with our neighbours" question shows the neighbours it promises."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest


@pytest.mark.parametrize(("region", "block", "group", "some_neighbours"), [
    ("13", "block-kanto", "metro-all", {"11", "12", "14"}),
    ("17", "block-chubu", "non-metro", {"16", "18"}),
    ("01", "block-hokkaido", "non-metro", set()),
])
def test_neighbour_question_links_block_group_and_japan(region, block, group, some_neighbours):
    from callbacks import compare_callbacks, start_callbacks
    from layouts import start_page

    links = dict(start_page.question_links(region, "ja", start_callbacks.neighbours(region)))
    href = links["近隣や大都市圏と比べると？"]
    codes = parse_qs(urlparse(href).query)["regions"][0].split(",")
    assert codes[0] == region and {block, group, "00"} <= set(codes) and some_neighbours <= set(codes)
    state = compare_callbacks.parse({"regions": ",".join(codes)})
    assert state.notices == [] and state["regions"] == codes      # the compare page takes them all
