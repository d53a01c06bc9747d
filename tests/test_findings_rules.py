"""Findings a council can quote: the rules on hand-made tables, pins on the bundled data, and the
layering that keeps metrics/ pure (SQL only in loaders/query.py, orchestration only in metrics/service.py).

Hand-made tables imitate the comparison table of :func:`metrics.compare.comparison_table` for
eight prefectures (codes P1–P8), so a quarter is ceil(8 / 4) = 2: ranks 1–2 are the best quarter,
ranks 7–8 the worst.
"""

from __future__ import annotations

import ast
import doctest
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics import findings
from metrics.findings import FindingInputs, RankInput

ROOT = Path(__file__).resolve().parent.parent
REGION = "P3"
CODES = [f"P{i}" for i in range(1, 9)]


# --- layering: metrics/ is pure ----------------------------------------------------------------------

FORBIDDEN_MODULES = ("duckdb", "loaders.query")


def layering_problems(source: str, *, forbid_service: bool = False) -> list[str]:
    """Why a metrics module's source breaks the layering: SQL execution, or importing the database
    driver or the query module (anywhere in the module, including inside functions)."""
    problems = []
    if "execute(" in source:
        problems.append("calls execute(")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        else:
            continue
        for name in names:
            if any(name == m or name.startswith(m + ".") for m in FORBIDDEN_MODULES):
                problems.append(f"imports {name}")
            if forbid_service and (name == "metrics.service" or name.startswith("metrics.service.")):
                problems.append(f"imports {name}")
    return problems


@pytest.mark.parametrize(("source", "bad"), [
    ("import duckdb\n", True),
    ("from loaders import query\n", True),
    ("from loaders.query import catalog\n", True),
    ("def f(cur):\n    return cur.execute('SELECT 1')\n", True),
    ("def f():\n    import duckdb\n", True),
    ("import numpy as np\nfrom metrics import compare\n", False),
    ("from loaders.errors import DataError\n", False),
])
def test_layering_check_catches_what_it_should(source, bad):
    assert bool(layering_problems(source)) is bad


@pytest.mark.parametrize("path", sorted(p.name for p in (ROOT / "metrics").glob("*.py") if p.name != "service.py"))
def test_metrics_modules_hold_no_queries(path):
    source = (ROOT / "metrics" / path).read_text(encoding="utf-8")
    assert layering_problems(source, forbid_service=path == "findings.py") == []


def test_findings_does_not_import_service():
    assert layering_problems("from metrics import service\n", forbid_service=True)
    assert layering_problems("from metrics.service import lq_table\n", forbid_service=True)
    source = (ROOT / "metrics" / "findings.py").read_text(encoding="utf-8")
    assert layering_problems(source, forbid_service=True) == []


def test_service_runs_no_sql_of_its_own():
    source = (ROOT / "metrics" / "service.py").read_text(encoding="utf-8")
    assert "execute(" not in source
    assert not any(word in source for word in ("SELECT ", "FROM obs", "FROM regions"))


@pytest.mark.parametrize("module", ["metrics.findings", "metrics.index", "metrics.views", "loaders.study"])
def test_docstring_examples(module):
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0


# --- hand-made inputs ----------------------------------------------------------------------------------

def catalog_row(ident: str, **kw) -> dict:
    row = dict(id=ident, name_ja=f"指標{ident}", name_en=f"Indicator {ident}", unit="g", unit_en="g",
               higher_is_better=True, additive=False, aggregation="ratio", source_ja=f"出典{ident}",
               source_en=f"Source {ident}", prefecture_years=[2022], superseded_by=None)
    row.update(kw)
    return row


def table(ident: str, region_value: float, region_rank: int | None, national: float, *, year: int = 2022,
          n: int = 8, group: float = np.nan, block: float = np.nan, method: str | None = "pooled") -> pd.DataFrame:
    """A comparison table: REGION has the given value and rank, the others fill the remaining ranks."""
    others = [r for r in range(1, n + 1) if r != region_rank]
    rows = []
    for code in CODES[:n]:
        if code == REGION:
            rows.append(dict(region_code=code, value=region_value, rank=region_rank))
        else:
            rows.append(dict(region_code=code, value=float(len(rows)), rank=others.pop(0) if others else np.nan))
    df = pd.DataFrame(rows)
    df.insert(0, "indicator_id", ident)
    df.insert(1, "year", year)
    df["national_value"] = national
    df["metro_value"] = group
    df["non_metro_value"] = group
    df["block_value"] = block
    if method is not None:
        df["group_method"] = method
    return df


def inputs(rows: list[dict], tables: dict[str, pd.DataFrame], *, drop_superseded_column: bool = False,
           rank_inputs: dict | None = None) -> FindingInputs:
    cat = pd.DataFrame(rows)
    if drop_superseded_column:
        cat = cat.drop(columns=["superseded_by"])
    return FindingInputs(region=REGION, in_metro=False, block_name_ja="東北", block_name_en="Tohoku",
                         catalog=cat, comparisons=tables, rank_inputs=rank_inputs or {})


# Each case: direction, value, rank of 8, Japan's value → kind, position word (en, ja), value vs Japan (en, ja).
# Quarter = 2, so rank ≤ 2 is a strength and rank ≥ 7 a weakness whatever the value is against Japan.
BEST, WORST = ("best quarter", "上位4分の1"), ("worst quarter", "下位4分の1")
POSITION_CASES = [
    # lower is better and above Japan (青森県's waste per person): worse, and said to be above Japan's.
    (False, 991.0, 7, 880.0, "weakness", WORST, ("above Japan's 880 g", "全国値（880g）を上回る")),
    (False, 700.0, 1, 880.0, "strength", BEST, ("below Japan's 880 g", "全国値（880g）を下回る")),
    (True, 5.0, 1, 3.0, "strength", BEST, ("above Japan's 3.00 g", "全国値（3.00g）を上回る")),
    # Top quarter but below Japan's (Japan pulled up by one large prefecture): both said as they are.
    (True, 2.9, 2, 3.0, "strength", BEST, ("below Japan's 3.00 g", "全国値（3.00g）を下回る")),
    (True, 1.0, 8, 3.0, "weakness", WORST, ("below Japan's 3.00 g", "全国値（3.00g）を下回る")),
    (False, 3.0, 8, 3.0, "weakness", WORST, ("equal to Japan's 3.00 g", "全国値（3.00g）と同じ")),
    (True, 5.0, 1, np.nan, "strength", BEST, ("no national value", "全国値なし")),
]


@pytest.mark.parametrize(("hib", "value", "rank", "national", "kind", "position", "japan"), POSITION_CASES)
def test_position_and_japan_are_said_separately_and_correctly(hib, value, rank, national, kind, position, japan):
    found = findings.region_findings(inputs([catalog_row("X", higher_is_better=hib)],
                                            {"X": table("X", value, rank, national)}))
    [f] = [f for f in found if f.subject == "X"]
    assert f.kind == kind
    assert position[0] in f.text_en and position[1] in f.text_ja
    assert japan[0] in f.text_en and japan[1] in f.text_ja
    # Never both words: a value above Japan's is not also called below it, and vice versa.
    opposite = {"above": "below", "below": "above"}
    word = japan[0].split()[0]
    if word in opposite:
        assert f"{opposite[word]} Japan" not in f.text_en
    assert f.numbers["position"] == ("good" if kind == "strength" else "poor")
    assert f.numbers["rank"] == rank and f.numbers["of"] == 8
    assert ("higher is better" if hib else "lower is better") in f.text_en


@pytest.mark.parametrize("rank", [3, 4, 5, 6])
def test_middle_ranks_are_neither(rank):
    found = findings.region_findings(inputs([catalog_row("X")], {"X": table("X", 1.0, rank, 1.0)}))
    assert not [f for f in found if f.kind in ("strength", "weakness")]


@pytest.mark.parametrize(("additive", "expected"), [(True, 0), (None, 0), (False, 1)])
def test_only_intensive_indicators_are_strengths(additive, expected):
    """A size total ranked 1 is context (the largest prefecture), never a strength; a missing flag is
    not taken to mean intensive."""
    found = findings.region_findings(inputs([catalog_row("X", additive=additive)],
                                            {"X": table("X", 1e6, 1, 1e7)}))
    assert len([f for f in found if f.kind == "strength"]) == expected


@pytest.mark.parametrize(("column", "new_loaded", "expected"), [
    (True, True, {"C122101"}),             # the column names the newer base, which is loaded: old skipped
    (True, False, {"C121101"}),            # newer base not loaded: the old one is all there is
    (False, True, {"C122101"}),            # no column yet: the fallback constant says the same
])
def test_one_finding_per_concept(column, new_loaded, expected):
    rows = [catalog_row("C121101", superseded_by="C122101", prefecture_years=[2018]),
            catalog_row("C122101", prefecture_years=[2020] if new_loaded else [])]
    tables = {"C121101": table("C121101", 9.0, 1, 5.0, year=2018)}
    if new_loaded:
        tables["C122101"] = table("C122101", 9.0, 1, 5.0, year=2020)
    found = findings.region_findings(inputs(rows, tables, drop_superseded_column=not column))
    assert {f.subject for f in found if f.kind == "strength"} == expected


def test_superseded_mapping_prefers_the_column():
    cat = pd.DataFrame([catalog_row("a", superseded_by="b"), catalog_row("b")])
    assert findings.superseded(cat) == {"a": "b"}
    assert findings.superseded(cat.drop(columns=["superseded_by"])) == {
        "C121101": "C122101", "C1111": "C1121", "C1211": "C1221"}


def test_group_findings_count_only_pooled_group_values():
    # Region value 5 on three higher-is-better indicators; group and block values 4 (region better) on
    # the two pooled ones, 6 (region worse) on the unweighted mean one, which must not be counted.
    rows = [catalog_row("A"), catalog_row("B"), catalog_row("M", aggregation="mean")]
    tables = {"A": table("A", 5.0, 4, 5.0, group=4.0, block=4.0),
              "B": table("B", 5.0, 4, 5.0, group=6.0, block=4.0, year=2020),
              "M": table("M", 5.0, 4, 5.0, group=6.0, block=6.0, method="unweighted_mean")}
    found = {f.subject: f for f in findings.region_findings(inputs(rows, tables)) if f.kind == "group"}
    assert (found["metro"].numbers["better"], found["metro"].numbers["total"]) == (1, 2)
    assert (found["block"].numbers["better"], found["block"].numbers["total"]) == (2, 2)
    assert found["metro"].numbers["indicators"] == ["A", "B"]
    assert "pooled group values" in found["metro"].text_en and "プール値" in found["metro"].text_ja
    assert "2020–2022" in found["metro"].text_en and "2020–2022年" in found["metro"].text_ja
    assert "Better than non-metropolitan areas on 1 of 2" in found["metro"].text_en


def test_group_method_column_wins_over_the_catalog():
    # The table says how its group values were formed; a ratio whose group value was not pooled
    # (e.g. components missing) must not be counted even though the catalog says "ratio".
    rows = [catalog_row("A"), catalog_row("R")]
    tables = {"A": table("A", 5.0, 4, 5.0, group=4.0, block=4.0),
              "R": table("R", 5.0, 4, 5.0, group=4.0, block=4.0, method="unweighted_mean")}
    found = [f for f in findings.region_findings(inputs(rows, tables)) if f.kind == "group"]
    assert [f.numbers["indicators"] for f in found] == [["A"], ["A"]]


def test_group_findings_fall_back_to_the_catalog_aggregation_without_group_method():
    rows = [catalog_row("A"), catalog_row("M", aggregation="mean")]
    tables = {"A": table("A", 5.0, 4, 5.0, group=4.0, block=4.0, method=None),
              "M": table("M", 5.0, 4, 5.0, group=4.0, block=4.0, method=None)}
    found = [f for f in findings.region_findings(inputs(rows, tables)) if f.kind == "group"]
    assert {f.numbers["total"] for f in found} == {1}


@pytest.mark.parametrize(("hib", "before", "after", "expected"), [
    # REGION (P3) holds the given value among P1–P8 valued 1..8 elsewhere; ranks computed by hand.
    (True, 0.5, 8.5, ("up", 8, 1)),        # smallest of 8 → largest: rank 8 → 1
    (False, 0.5, 8.5, ("down", 1, 8)),     # lower is better: smallest is rank 1
    (True, 4.5, 6.5, None),                # rank 5 → 3: a move of 2 < RANK_MOVE
])
def test_rank_changes(hib, before, after, expected):
    others = {c: float(i) for i, c in enumerate(CODES, start=1) if c != REGION}
    ri = RankInput(2016, 2021, pd.Series({**others, REGION: before}), pd.Series({**others, REGION: after}))
    found = findings.region_findings(inputs([catalog_row("X", higher_is_better=hib, prefecture_years=[2016, 2021])],
                                            {"X": table("X", after, 4, after)}, rank_inputs={"X": ri}))
    changes = [f for f in found if f.kind == "change"]
    if expected is None:
        assert changes == []
        return
    [f] = changes
    word, r1, r2 = expected
    assert (f.numbers["rank_from"], f.numbers["rank_to"]) == (r1, r2)
    assert f"moved {word} from rank {r1} in 2016 to {r2} in 2021" in f.text_en
    assert ("上昇" if word == "up" else "低下") in f.text_ja


def test_every_hand_made_finding_names_year_and_source_and_is_deterministic():
    rows = [catalog_row("A"), catalog_row("B", higher_is_better=False)]
    tables = {"A": table("A", 5.0, 1, 4.0, group=4.0, block=4.0), "B": table("B", 9.0, 8, 4.0, year=2019)}
    inp = inputs(rows, tables)
    found = findings.region_findings(inp)
    assert found == findings.region_findings(inp)
    assert found
    for f in found:
        assert str(f.numbers["year"]) in f.text_ja and str(f.numbers["year"]) in f.text_en
        assert f.numbers["source_ja"] in f.text_ja and f.numbers["source_en"] in f.text_en


# --- the bundled data ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def everyone():
    from loaders.store import get_store
    from metrics import service

    return service.all_region_findings(get_store().cursor())


@pytest.fixture(scope="module")
def catalog():
    from loaders import query
    from loaders.store import get_store

    return query.catalog(get_store().cursor()).set_index("id")


def test_aomori_waste_is_not_called_low_or_good(everyone, cur):
    from metrics import service

    table = service.comparison(cur, "H5610").set_index("region_code")
    assert table.loc["02", "value"] > table.loc["02", "national_value"]     # the premise of the pin
    h = [f for f in everyone["02"] if f.subject == "H5610"]
    assert h, "青森県's waste per person ranks in the worst quarter, so it has a finding"
    for f in h:
        assert f.kind != "strength" and f.numbers.get("position") != "good"
        assert "above Japan" in f.text_en and "below Japan" not in f.text_en and " is low" not in f.text_en
        assert "上回る" in f.text_ja and "下回る" not in f.text_ja and "上位" not in f.text_ja


def test_value_against_japan_is_right_everywhere(everyone):
    for code, found in everyone.items():
        for f in found:
            if f.kind not in ("strength", "weakness"):
                continue
            v, nat = f.numbers["value"], f.numbers["national_value"]
            if pd.isna(nat) or v == nat:
                continue
            word, ja = ("above", "を上回る") if v > nat else ("below", "を下回る")
            assert f"{word} Japan's" in f.text_en and ja in f.text_ja, (code, f.text_en)
            assert f.numbers["vs_japan"] == word


def test_no_strength_or_weakness_for_size_totals(everyone, catalog):
    assert len(everyone) == 47
    for code, found in everyone.items():
        for f in found:
            if f.kind in ("strength", "weakness") or (f.kind == "change" and ":" not in f.subject):
                assert f.subject not in ("kenmin_gdp_nominal", "va_total"), (code, f.text_en)
                assert not bool(catalog.loc[f.subject, "additive"]), (code, f.subject)


def test_one_base_of_prefectural_income(everyone):
    for code, found in everyone.items():
        subjects = {f.subject for f in found}
        assert not {"C121101", "C122101"} <= subjects, code
        assert "C121101" not in subjects, code     # C122101 (平成27年基準) is loaded, so it is the one used


def test_every_finding_names_its_year_and_source(everyone):
    for code, found in everyone.items():
        for f in found:
            year = str(f.numbers["year"])
            assert year in f.text_ja and year in f.text_en, (code, f.text_en)
            assert f.numbers["source_ja"] and f.numbers["source_ja"] in f.text_ja, (code, f.text_ja)
            assert f.numbers["source_en"] and f.numbers["source_en"] in f.text_en, (code, f.text_en)


def test_group_findings_on_bundled_data_use_pooled_values_only(everyone, cur):
    from metrics import service

    kyoto = [f for f in everyone["26"] if f.kind == "group"]
    assert {f.subject for f in kyoto} == {"metro", "block"}
    for f in kyoto:
        for ind in f.numbers["indicators"]:
            assert (service.comparison(cur, ind)["group_method"] == "pooled").all(), ind
    assert "A4103" not in kyoto[0].numbers["indicators"]     # 合計特殊出生率: an unweighted mean for groups
