"""When a study indicator is loaded, the default index uses it and the proxy standing in for it steps aside.

The imports are made-up figures for the 47 prefectures (a fixture, not data), in the tidy template.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from callbacks import index_callbacks
from callbacks import state as st
from loaders import query, store, study
from loaders.importers import run_import
from metrics import index, service


def tidy_file(path: Path, rows: list[tuple[str, int, str, float]]) -> Path:
    path.write_text("region,indicator_id,year,value,unit,source\n"
                    + "".join(f"{r},{ind},{y},{v},,test fixture\n" for ind, y, r, v in rows), encoding="utf-8")
    return path


def prefectures(ind: str, year: int, base: float) -> list[tuple[str, int, str, float]]:
    return [(ind, year, f"{i:02d}", base + i * (i % 7)) for i in range(1, 48)]


def test_each_proxy_names_the_study_indicators_it_stands_for():
    assert study.STANDS_FOR == {"ict_employee_share": ("vc_per_capita",),
                                "professional_employee_share": ("rd_firm_share", "patents_per_100_estab")}
    assert all(set(v) <= set(study.STUDY_IDS) for v in study.STANDS_FOR.values())


def test_rule_without_the_database():
    everything = [*study.STUDY_IDS, *study.PROXY_IDS]
    bundled = {"univ_students_per_1000", *study.PROXY_IDS}
    assert index.default_indicators(everything, bundled, study.STANDS_FOR) == sorted(everything)
    with_vc = index.default_indicators(everything, bundled | {"vc_per_capita"}, study.STANDS_FOR)
    assert "ict_employee_share" not in with_vc and "professional_employee_share" in with_vc
    with_rd = index.default_indicators(everything, bundled | {"rd_firm_share"}, study.STANDS_FOR)
    assert "professional_employee_share" not in with_rd and "ict_employee_share" in with_rd


def test_bundled_data_keeps_both_proxies():
    cur = store.get_store().cursor()
    result, _ = service.innovation_index(cur)
    assert {"ict_employee_share", "professional_employee_share"} <= set(result.indicators)
    assert result.coverage.set_aside == ()
    assert result.coverage.of_proxies


def test_imported_vc_replaces_the_ict_proxy_in_the_default_index(tmp_path):
    run_import("tidy", tidy_file(tmp_path / "vc.csv", prefectures("vc_investment", 2020, 500.0)))
    cur = store.get_store().cursor()
    assert query.indicator(cur, "vc_per_capita")["status"] == "loaded"
    assert "ict_employee_share" not in service.default_index_indicators(cur)
    result, years = service.innovation_index(cur)
    assert "vc_per_capita" in result.indicators and "ict_employee_share" not in result.indicators
    assert "professional_employee_share" in result.indicators       # its study indicators are not loaded
    cov = result.coverage
    assert cov.loaded == ("vc_per_capita", "univ_students_per_1000")
    assert cov.set_aside == (("ict_employee_share", ("vc_per_capita",)),)
    assert "proxies set aside for the study's own indicators: ict_employee_share (→ vc_per_capita)" \
        in cov.summary("en")
    assert years["vc_per_capita"] == 2020
    # A user who picks the proxy by hand still gets it.
    picked, _ = service.innovation_index(cur, ["vc_per_capita", "ict_employee_share"])
    assert picked.indicators == ["vc_per_capita", "ict_employee_share"] and picked.coverage.set_aside == ()


def test_index_page_shows_the_study_indicators_in_and_the_proxy_set_aside(tmp_path):
    run_import("tidy", tidy_file(tmp_path / "vc.csv", prefectures("vc_investment", 2020, 500.0)))
    assert "ict_employee_share" not in index_callbacks.defaults()
    b = index_callbacks.build(st.State({"inds": None, "w": {}, "lang": "ja"}))
    assert b["message"] is None
    assert "vc_per_capita" in b["chosen"] and "ict_employee_share" not in b["chosen"]
    loaded = [str(li.children[0]) for li in b["about"][2].children if li.className == "study-loaded"]
    assert len(loaded) == 2 and any("ベンチャーキャピタル" in x for x in loaded)
    assert any("研究の指標が読み込まれたため外した代理指標" in n and "情報通信業" in n for n in b["notes"])


def test_with_both_targets_loaded_no_proxy_is_left(tmp_path):
    rows = [*prefectures("vc_investment", 2020, 500.0), *prefectures("rd_firm_share", 2019, 10.0)]
    run_import("tidy", tidy_file(tmp_path / "study.csv", rows))
    cur = store.get_store().cursor()
    result, _ = service.innovation_index(cur)
    assert not set(study.PROXY_IDS) & set(result.indicators)
    assert not result.coverage.of_proxies
    assert {p for p, _ in result.coverage.set_aside} == set(study.PROXY_IDS)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_summary_without_set_aside_is_unchanged(lang):
    c = index.coverage(["u", "p"], ["u", "g"], ["p"], {"p": ["g"]})
    assert c.set_aside == ()
    assert c.summary(lang) == index.coverage(["u", "p"], ["u", "g"], ["p"]).summary(lang)
