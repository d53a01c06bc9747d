"""Callback requests for each scenario, built from the running app's own dependency list."""

from __future__ import annotations

import itertools

from bench.http import dependencies, find_callback, payload

PREF_CHANGES = [("univ_students_per_1000", 2022), ("univ_students_per_1000", 2021), ("ict_employee_share", 2021),
                ("A1101", 2020), ("aging_rate", 2020), ("C122101", 2020), ("estab_per_1000", 2021),
                ("value_added_per_employee", 2021)]
MUNI_CHANGES = [("C2208", 2021), ("C2108", 2021), ("A1101", 2020), ("estab_per_1000", 2021),
                ("aging_rate", 2020), ("ict_employee_share", 2021)]
PROFILE_REGIONS = ["13", "17", "23", "26", "47", "01"]
COMPARE_SETS = [["13", "27", "metro-all", "non-metro"], ["17", "16", "18", "block-chubu"], ["01", "02", "00"]]


def map_requests(port: int, level: str) -> list[bytes]:
    dep = find_callback(dependencies(port), "map-graph.figure")
    changes = PREF_CHANGES if level == "prefecture" else MUNI_CHANGES
    out = []
    for (ind, year), changed in itertools.product(changes, ("map-indicator.value", "map-year.value")):
        out.append(payload(dep, {"map-indicator.value": ind, "map-year.value": year, "map-level.value": level,
                                 "map-prefecture.value": None, "map-normalisation.value": "none",
                                 "map-classification.value": "quantile", "map-classes.value": 5,
                                 "map-breaks.value": "", "map-palette.value": "viridis"},
                           {"app-lang.data": "ja", "map-region.data": "", "app-url-query.data": ""}, [changed]))
    return out


def profile_requests(port: int) -> list[bytes]:
    dep = find_callback(dependencies(port), "_pages_content.children")
    return [payload(dep, {"_pages_location.pathname": "/profile", "_pages_location.search": f"?region={r}"}, {},
                    ["_pages_location.search"]) for r in PROFILE_REGIONS]


# The municipal profile (カルテ): a city (日立市), a town (茨城町), a village (美浦村).
MUNICIPAL_PROFILE_REGIONS = ["08202", "08302", "08442"]


def municipal_profile_requests(port: int) -> list[bytes]:
    dep = find_callback(dependencies(port), "_pages_content.children")
    return [payload(dep, {"_pages_location.pathname": "/profile", "_pages_location.search": f"?region={r}"}, {},
                    ["_pages_location.search"]) for r in MUNICIPAL_PROFILE_REGIONS]


def compare_requests(port: int) -> list[bytes]:
    dep = find_callback(dependencies(port), "compare-bars.figure")
    return [payload(dep, {"compare-regions.value": regions, "compare-indicator.value": ind,
                          "compare-x.value": "professional_employee_share",
                          "compare-y.value": "value_added_per_employee"},
                    {"app-lang.data": "ja"}, ["compare-indicator.value"])
            for regions, ind in itertools.product(COMPARE_SETS, ("univ_students_per_1000", "aging_rate"))]


# Municipalities compared (issue 13): a city with its prefecture, 類似団体 median and Japan; two 府中市 side by side.
MUNICIPAL_COMPARE_SETS = [["08202", "08", "peer-08202", "00"], ["13206", "34208", "13", "34"],
                          ["01100", "14100", "peer-01100", "00"]]


def municipal_compare_requests(port: int) -> list[bytes]:
    dep = find_callback(dependencies(port), "compare-bars.figure")
    return [payload(dep, {"compare-regions.value": regions, "compare-indicator.value": ind,
                          "compare-x.value": "professional_employee_share",
                          "compare-y.value": "value_added_per_employee"},
                    {"app-lang.data": "ja"}, ["compare-regions.value"])
            for regions, ind in itertools.product(MUNICIPAL_COMPARE_SETS, ("aging_rate", "A1303", "D2203"))]


def baseline_requests(port: int, level: str) -> list[bytes]:
    dep = find_callback(dependencies(port), "b-map.figure")
    changes = PREF_CHANGES if level == "prefecture" else MUNI_CHANGES
    return [payload(dep, {"b-ind.value": ind, "b-year.value": str(year), "b-level.value": level}, {},
                    ["b-ind.value"]) for ind, year in changes]


# The open data API: prefecture values (the budgeted query) and municipal location quotients.
API_VALUES = [f"/api/v1/values?indicator={ind}&year={year}" for ind, year in PREF_CHANGES]
API_MUNI_LQ = [f"/api/v1/lq?measure={m}&level=municipality&against={a}"
               for m in ("employees", "establishments") for a in ("nation", "prefecture")]


# Cold views: each request below is the first of its kind in whichever worker answers it, so the first
# request per group and worker pays whatever that view computes on first use. Every entry differs from
# the others (another region, indicator or page) and from the warm scenarios above where that matters.
COLD_PAGES = {
    "page: start": ["/?region=08", "/?region=40"],
    "page: map": ["/map?ind=C2208", "/map?ind=aging_rate&level=municipality", "/map?ind=estab_per_1000"],
    "page: region profile": ["/profile?region=27", "/profile?region=40", "/profile?region=02",
                             "/profile?region=33"],
    "page: municipal profile": ["/profile?region=27100", "/profile?region=40130", "/profile?region=01202",
                                "/profile?region=47201"],
    "page: compare": ["/compare?regions=27,28,26,metro-all",
                      "/compare?regions=40,41,42,block-kyushu-okinawa&ind=aging_rate",
                      "/compare?regions=27100,27,peer-27100,00"],
    "page: industry": ["/industry", "/industry?measure=establishments", "/industry?region=40"],
    "page: index": ["/index", "/index?inds=estab_per_1000,ict_employee_share,univ_students_per_1000"],
    "page: data and API": ["/data", "/api"],
}
COLD_API = {
    "API": ["/api/v1/values?indicator=aging_rate", "/api/v1/compare?indicator=C2208", "/api/v1/index",
            "/api/v1/findings?region=27", "/api/v1/peers?region=40130", "/api/v1/profile?region=01202",
            "/api/v1/values?indicator=A1101&level=municipality", "/api/v1/lq?measure=establishments"],
    # Every municipality × industry (31,000 rows, 1.3 MB gzipped): bound by writing and compressing it.
    "API: bulk municipal LQ": ["/api/v1/lq?measure=employees&level=municipality"],
}
COLD_MAP_CHANGES = {"map change: prefectures": [("C2208", 2021), ("aging_rate", 2020)],
                    "map change: municipalities": [("C2108", 2021), ("estab_per_1000", 2021)]}


def cold_requests(port: int) -> dict[str, list[tuple[str, bytes | str]]]:
    """Group → [("post", callback body) | ("get", path)] for the cold pass."""
    deps = dependencies(port)
    router = find_callback(deps, "_pages_content.children")
    out: dict[str, list[tuple[str, bytes | str]]] = {}
    for group, urls in COLD_PAGES.items():
        out[group] = []
        for url in urls:
            path, _, query = url.partition("?")
            out[group].append(("post", payload(router, {"_pages_location.pathname": path,
                                                        "_pages_location.search": f"?{query}" if query else ""},
                                               {}, ["_pages_location.search"])))
    dep = find_callback(deps, "map-graph.figure")
    for group, changes in COLD_MAP_CHANGES.items():
        level = "prefecture" if "prefectures" in group else "municipality"
        out[group] = [("post", payload(dep, {"map-indicator.value": ind, "map-year.value": year,
                                             "map-level.value": level, "map-prefecture.value": None,
                                             "map-normalisation.value": "none",
                                             "map-classification.value": "quantile", "map-classes.value": 5,
                                             "map-breaks.value": "", "map-palette.value": "viridis"},
                                       {"app-lang.data": "ja", "map-region.data": "", "app-url-query.data": ""},
                                       ["map-indicator.value"])) for ind, year in changes]
    for group, paths in COLD_API.items():
        out[group] = [("get", p) for p in paths]
    return out
