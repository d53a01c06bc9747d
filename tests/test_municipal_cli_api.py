"""Municipalities in the CLI and the API: findings by name or code, peers (類似団体 and distance, with why),
the profile, and the API answering exactly what the CLI exports."""

from __future__ import annotations

import io
import json
import math
import time

import pandas as pd
import pytest

import chiiki_cli
from loaders.store import PROJECT_ROOT
from metrics import peers, service

API = "/api/v1"
HITACHI = "08202"
# 都市 Ⅳ-2 in data/peer_types.parquet (test_peer_types checks the type counts; 9 members with 日立市).
HITACHI_TYPE_MEMBERS = ["08202", "09208", "20203", "22211", "23207", "23210", "23212", "23213", "24207"]


def _run(capsys, *argv) -> tuple[int, str, str]:
    rc = chiiki_cli.main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def _csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype={"region_code": str, "code": str},
                       keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def client():
    from app import server

    return server.test_client()


def _api(client, url: str) -> dict:
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return json.loads(resp.get_data(as_text=True))


# --- findings by name and code ---------------------------------------------------------------------------

def test_findings_by_kanji_name_equal_findings_by_code(capsys):
    rc, by_name, _ = _run(capsys, "findings", "日立市")
    assert rc == 0
    rc, by_code, _ = _run(capsys, "findings", HITACHI)
    assert rc == 0 and by_name == by_code
    lines = by_name.splitlines()
    # The municipality's own findings: ranks within 茨城県 and its 類似団体, not a prefecture's.
    assert "総人口は174,508人（2020年）で、茨城県の44市区町村の中で3位、全国1,741市区町村の中で153位。" in lines
    assert any("類似団体（都市 Ⅳ-2）9団体" in line for line in lines)
    rc, table, _ = _run(capsys, "findings", "東京都府中市", "--format", "csv", "--lang", "en")
    assert rc == 0
    df = _csv(table)
    assert list(df.columns) == ["kind", "subject", "text_ja", "text_en", "numbers"] and len(df)
    assert df["text_en"].str.len().gt(0).all()


def test_prefecture_findings_still_by_name(capsys):
    rc, by_name, _ = _run(capsys, "findings", "石川県")
    rc2, by_code, _ = _run(capsys, "findings", "17")
    assert rc == rc2 == 0 and by_name == by_code and by_name.strip()


def test_ambiguous_name_lists_candidates_with_prefectures_and_fails(capsys):
    rc, out, err = _run(capsys, "findings", "府中市")
    assert rc != 0 and out == ""
    assert "13206" in err and "34208" in err and "東京都" in err and "広島県" in err
    rc, _, err = _run(capsys, "export", "peers", "池田町")
    assert rc != 0 and all(c in err for c in ("01644", "18382", "20481", "21404"))


def test_unknown_name_says_so(capsys):
    rc, out, err = _run(capsys, "findings", "日立")
    assert rc != 0 and out == ""
    assert "unknown region '日立'" in err and "日立市" in err   # with the closest name as a hint
    rc, _, err = _run(capsys, "findings", "99999")
    assert rc != 0 and "unknown region code" in err


def test_resolve_region_forms(cur):
    forms = {"日立市": HITACHI, "08202": HITACHI, "０８２０２": HITACHI, "082023": HITACHI, "R08202": HITACHI,
             "広島県府中市": "34208", "東京府中市": "13206", "石川": "17", "Ishikawa": "17"}
    assert {t: service.resolve_region(cur, t) for t in forms} == forms
    with pytest.raises(service.AmbiguousRegion) as exc:
        service.resolve_region(cur, "府中市")
    assert [c["code"] for c in exc.value.candidates] == ["13206", "34208"]
    with pytest.raises(service.DataError):
        service.resolve_region(cur, "石川県", levels=("municipality",))


# --- peers -----------------------------------------------------------------------------------------------

def test_peers_export_columns_and_ruiji_rows_are_the_type_members(capsys, cur):
    rc, out, _ = _run(capsys, "export", "peers", HITACHI)
    assert rc == 0
    df = _csv(out)
    assert list(df.columns) == ["region_code", "region_name", "peer_kind", "peer_type", "distance", "why"]
    assert set(df["peer_kind"]) == {"類似団体", "distance"}
    ruiji = df[df["peer_kind"] == "類似団体"]
    # Exactly the other members of 都市 Ⅳ-2, from the stored table, and each with its own reason.
    table = pd.read_parquet(PROJECT_ROOT / "data" / "peer_types.parquet")
    members = sorted(table.loc[table["type_code"] == "city:IV-2", "code"])
    assert members == HITACHI_TYPE_MEMBERS == service.peer_type_members(HITACHI)
    assert sorted(ruiji["region_code"]) == [c for c in members if c != HITACHI]
    assert (ruiji["peer_type"] == "都市 Ⅳ-2").all()
    reasons = table.set_index("code")["reason_ja"]
    assert (ruiji["why"].to_numpy() == reasons.loc[ruiji["region_code"]].to_numpy()).all()
    assert ruiji["distance"].is_monotonic_increasing
    # The distance column means the same thing in both parts.
    dist = peers.distances(service.cached_municipal_peer_profile()[0], HITACHI)
    assert ruiji["distance"].tolist() == pytest.approx(dist.loc[ruiji["region_code"]].tolist())
    only = _csv(_run(capsys, "export", "peers", "日立市", "--kind", "ruiji")[1])
    assert only["region_code"].tolist() == ruiji["region_code"].tolist()


def test_peers_export_xlsx_and_json_hold_the_same_rows(capsys, tmp_path):
    frames = {}
    for fmt in ("csv", "xlsx", "json"):
        out = tmp_path / f"p.{fmt}"
        assert chiiki_cli.main(["export", "peers", HITACHI, "--format", fmt, "--output", str(out)]) == 0
        frames[fmt] = (pd.read_csv(out, dtype={"region_code": str}) if fmt == "csv" else
                       pd.read_excel(out, dtype={"region_code": str}, engine="openpyxl") if fmt == "xlsx" else
                       pd.read_json(out, dtype={"region_code": str}))
    for fmt in ("xlsx", "json"):
        assert frames[fmt]["region_code"].tolist() == frames["csv"]["region_code"].tolist()
        assert frames[fmt]["why"].tolist() == frames["csv"]["why"].tolist()


def test_distance_peers_sanity(cur):
    p = service.region_peers(cur, HITACHI, k=10)
    assert len(p) == 10 and HITACHI not in set(p["region_code"]) and p["region_code"].is_unique
    assert p["distance"].is_monotonic_increasing and (p["distance"] > 0).all()
    assert set(p["region_code"].str.len()) == {5}                    # municipalities, not prefectures
    labels = peers.feature_labels()
    for row in p.itertuples():
        assert row.why_ja.endswith(" が近い") and row.why_en.startswith("close on ")
        # The why names exactly the indicators closest in z, in that order.
        assert [labels[f][0] in row.why_ja for f in row.similar] == [True] * 3
        assert row.why_ja.index(labels[row.similar[0]][0]) < row.why_ja.index(labels[row.similar[1]][0])
    # Distance is symmetric and the RMS of the z differences over the shared indicators.
    profile, _ = service.cached_municipal_peer_profile()
    other = p["region_code"].iloc[0]
    assert peers.distances(profile, other)[HITACHI] == pytest.approx(p["distance"].iloc[0])
    za, zb = profile.z[profile.position[HITACHI]], profile.z[profile.position[other]]
    shared = ~(pd.isna(za) | pd.isna(zb))
    assert math.sqrt(((za - zb)[shared] ** 2).mean()) == pytest.approx(p["distance"].iloc[0])


def test_municipal_profile_figures_by_hand():
    raw = service.cached_municipal_peer_profile()[0].raw.loc[HITACHI]
    # 2020 census: 174,508 people, 56,525 aged 65+; workers 1次 863, 2次 25,222, 3次 47,021 (sum 73,106
    # as in test_peer_types); 2021 economic census: 83,009 private-sector employees; area 22,573 ha.
    assert raw["population"] == 174_508
    assert raw["aging_rate"] == pytest.approx(100 * 56_525 / 174_508, abs=1e-6)
    assert raw["secondary_share"] == pytest.approx(100 * 25_222 / 73_106, rel=1e-3)
    assert raw["tertiary_share"] == pytest.approx(100 * 47_021 / 73_106, rel=1e-3)
    assert raw["employees_per_100"] == pytest.approx(100 * 83_009 / 174_508)
    assert raw["density"] == pytest.approx(174_508 / 225.73)
    assert raw["current_balance_ratio"] == pytest.approx(96.2)


def test_a_municipality_with_too_few_figures_has_no_distance_peers(cur):
    # 双葉町 had no residents in the 2020 census: population-based figures are missing, not zero.
    raw = service.cached_municipal_peer_profile()[0].raw.loc["07546"]
    assert math.isnan(raw["population"]) and math.isnan(raw["aging_rate"])
    assert service.region_peers(cur, "07546").empty
    assert "07546" not in set(service.region_peers(cur, "07547", k=50)["region_code"])


def test_prefecture_peers_keep_working_with_why(cur):
    p = service.region_peers(cur, "13", k=3)
    assert len(p) == 3 and "13" not in set(p["region_code"]) and p["distance"].is_monotonic_increasing
    assert p["why_ja"].str.len().gt(0).all() and p["why_en"].str.startswith("close on ").all()


def test_warm_municipal_peers_call_is_fast(cur):
    service.cached_municipal_peer_profile()
    service.region_peers(cur, "01100")
    times = []
    for code in ("13206", "34208", "47381", "01644", "27100"):
        t = time.perf_counter()
        service.region_peers(cur, code)
        times.append(time.perf_counter() - t)
    assert sorted(times)[len(times) // 2] < 0.05, times


def test_peer_errors(cur):
    with pytest.raises(service.DataError, match="unknown municipality"):
        service.peers_table(cur, "99999")
    with pytest.raises(service.DataError, match="類似団体 are types of municipalities"):
        service.peers_table(cur, "13", "ruiji")
    with pytest.raises(service.DataError, match="unknown peer kind"):
        service.peers_table(cur, HITACHI, "near")


# --- profile ---------------------------------------------------------------------------------------------

def test_profile_export_is_the_service_document(capsys, cur):
    rc, out, _ = _run(capsys, "export", "profile", "日立市", "--format", "json", "--lang", "en")
    assert rc == 0
    doc = json.loads(out)
    assert doc == json.loads(json.dumps(service.municipal_profile(cur, HITACHI, "en")))
    assert doc["code"] == HITACHI and doc["peer_type"]["label_ja"] == "都市 Ⅳ-2"
    rc, _, err = _run(capsys, "export", "profile", HITACHI, "--format", "csv")
    assert rc != 0 and "--format json" in err
    rc, _, err = _run(capsys, "export", "profile", "石川県", "--format", "json")
    assert rc != 0 and "unknown region" in err


def test_profile_plumbing_takes_a_table_too(capsys, monkeypatch):
    # A profile given as a table (rows) exports as any other table.
    monkeypatch.setattr(service, "municipal_profile",
                        lambda cur, code, lang: pd.DataFrame({"code": [code], "lang": [lang], "x": [float("nan")]}))
    rc, out, _ = _run(capsys, "export", "profile", HITACHI, "--format", "csv", "--lang", "en")
    assert rc == 0 and out.splitlines() == ["code,lang,x", "08202,en,"]


# --- the API answers what the CLI exports -------------------------------------------------------------------

def test_api_peers_rows_equal_cli_rows(client, capsys):
    for query, argv in (("region=08202", []), ("region=08202&kind=distance&lang=en", ["--kind", "distance",
                                                                                      "--lang", "en"]),
                        ("region=13", [])):
        body = _api(client, f"{API}/peers?{query}")
        assert set(body["meta"]) >= {"source", "credit", "licence", "data_version"}
        api = pd.DataFrame(body["data"])
        code = query.split("&")[0].split("=")[1]
        if len(code) == 5:   # what the distance is made of, with the year of each input
            assert body["meta"]["input_years"] | {"A1101": 2020, "D2203": 2022} == body["meta"]["input_years"]
            assert len(body["meta"]["profile"]) == len(peers.MUNICIPAL_FEATURES)
        cli = pd.read_json(io.StringIO(_run(capsys, "export", "peers", code, "--format", "json", *argv)[1]),
                           dtype={"region_code": str})
        assert list(api.columns) == list(cli.columns)
        assert api["region_code"].tolist() == cli["region_code"].tolist()
        assert api["peer_kind"].tolist() == cli["peer_kind"].tolist()
        assert api["why"].tolist() == cli["why"].tolist()
        assert api["distance"].tolist() == pytest.approx(cli["distance"].tolist())
    csv = client.get(f"{API}/peers?region=08202&kind=ruiji&format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert sorted(_csv(csv.get_data().decode("utf-8"))["region_code"]) == HITACHI_TYPE_MEMBERS[1:]


def test_api_findings_and_profile_of_a_municipality_equal_the_cli(client, capsys):
    api = pd.DataFrame(_api(client, f"{API}/findings?region=08202&lang=en")["data"])
    cli = _csv(_run(capsys, "findings", HITACHI, "--format", "csv")[1])
    assert api["subject"].tolist() == cli["subject"].tolist() and api["text"].tolist() == cli["text_en"].tolist()
    doc = _api(client, f"{API}/profile?region=08202&lang=en")["data"]
    cli_doc = json.loads(_run(capsys, "export", "profile", HITACHI, "--format", "json", "--lang", "en")[1])
    assert len(doc) == 1 and doc[0]["code"] == HITACHI
    assert doc[0]["peer_type"] == cli_doc["peer_type"]
    # The API writes 15 significant digits (as every endpoint does), the CLI Python's shortest repr.
    assert _same(doc[0], cli_doc)


def _same(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return a == pytest.approx(b, rel=1e-14)
    return a == b


@pytest.mark.parametrize(("url", "parameter", "fragment"), [
    (f"{API}/peers", "region", "required"),
    (f"{API}/peers?region=08202&kind=near", "kind", "allowed: ruiji, distance"),
    (f"{API}/peers?region=13&kind=ruiji", None, "類似団体 are types of municipalities"),
    (f"{API}/peers?region=99999", None, "unknown municipality"),
    (f"{API}/profile?region=13", None, "unknown municipality"),
    (f"{API}/findings?region=99999", None, "unknown municipality"),
])
def test_api_errors_are_problem_details(client, url, parameter, fragment):
    resp = client.get(url)
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
    body = json.loads(resp.get_data(as_text=True))
    assert fragment in body["detail"]
    if parameter:
        assert body["parameter"] == parameter
