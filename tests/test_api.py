"""The open data API: rows equal the CLI's, provenance in every response, errors as problem+json,
caching and compression headers, and a contract test generated from its own OpenAPI document."""

from __future__ import annotations

import gzip
import io
import json

import pandas as pd
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

import chiiki_cli
from app import server

API = "/api/v1"


@pytest.fixture
def client():
    return server.test_client()


def _json(resp):
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return json.loads(resp.get_data(as_text=True))


def _cli_csv(capsys, *argv) -> pd.DataFrame:
    assert chiiki_cli.main(list(argv)) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out.lstrip("\ufeff")), dtype={"region_code": str})


def test_values_carry_provenance_and_equal_the_cli_export(client, capsys):
    body = _json(client.get(f"{API}/values?indicator=H5614&year=2019"))
    assert set(body["meta"]) >= {"source", "credit", "licence", "data_version"}
    assert "SSDSE" in body["meta"]["credit"]
    api = pd.DataFrame(body["data"])
    assert list(api.columns) == ["region_code", "region_name_ja", "region_name_en", "year", "value", "unit",
                                 "dataset"]
    cli = _cli_csv(capsys, "export", "indicator", "H5614", "--year", "2019")
    assert api["region_code"].tolist() == cli["region_code"].tolist()
    assert api["value"].tolist() == pytest.approx(cli["value"].tolist(), nan_ok=True)
    assert api["dataset"].tolist() == cli["dataset"].fillna("").replace("", None).tolist()
    assert api.set_index("region_code").loc["04", "value"] == 15.9


def test_lq_equals_the_cli_export(client, capsys):
    api = pd.DataFrame(_json(client.get(f"{API}/lq?measure=employees&level=municipality&region=47356"))["data"])
    cli = _cli_csv(capsys, "export", "lq", "--measure", "employees", "--level", "municipality")
    cli = cli[cli["region_code"] == "47356"]
    assert api["industry_code"].tolist() == cli["industry_code"].tolist()
    assert api["lq"].tolist() == pytest.approx(cli["lq"].tolist())
    assert api["value"].tolist() == cli["value"].tolist()          # the count beside every LQ
    assert not api["strength"].any()                               # 渡名喜村: nothing large enough


def test_compare_index_and_findings_answer(client):
    comp = _json(client.get(f"{API}/compare?indicator=C122101&year=2020"))["data"]
    assert len(comp) == 47 and round(comp[0]["metro_value"]) == 3388 and comp[0]["group_method"] == "pooled"
    idx = _json(client.get(f"{API}/index"))
    assert len(idx["data"]) == 47 and idx["meta"]["indicators"]
    found = _json(client.get(f"{API}/findings?region=17&lang=en"))["data"]
    assert found and all(f["text"] for f in found)


def test_catalog_regions_and_one_indicator(client):
    cat = _json(client.get(f"{API}/indicators"))["data"]
    assert any(r["id"] == "A1101" and r["status"] == "loaded" for r in cat)
    one = _json(client.get(f"{API}/indicators/H5614"))["data"][0]
    assert {d["dataset_id"] for d in one["datasets"]} >= {"ssdse-b-2025", "ssdse-e-2025"}
    assert one["regions"]["prefecture"] == 47
    munis = _json(client.get(f"{API}/regions?level=municipality"))["data"]
    assert len(munis) == 1741
    groups = {r["code"] for r in _json(client.get(f"{API}/regions?level=group"))["data"]}
    assert {"00", "metro-all", "non-metro"} <= groups


def test_csv_for_excel(client):
    for resp in (client.get(f"{API}/values?indicator=A1101&format=csv"),
                 client.get(f"{API}/values?indicator=A1101", headers={"Accept": "text/csv"})):
        assert resp.status_code == 200 and resp.mimetype == "text/csv"
        text = resp.get_data().decode("utf-8")
        assert text.startswith("\ufeffregion_code,region_name_ja,region_name_en,year,value,unit,dataset")
        assert "東京都" in text


@pytest.mark.parametrize(("url", "status", "parameter", "fragment"), [
    (f"{API}/values", 400, "indicator", "required"),
    (f"{API}/values?indicator=A1101&level=city", 400, "level", "allowed: prefecture, municipality"),
    (f"{API}/values?indicator=A1101&year=abc", 400, "year", "whole number"),
    (f"{API}/values?indicator=A1101&colour=red", 400, "colour", "unknown parameter"),
    (f"{API}/values?indicator=A1101x", 400, None, "did you mean A1101"),
    (f"{API}/values?indicator=A1101&year=1950", 400, None, "years available"),
    (f"{API}/indicators/NOPE", 404, "id", "unknown indicator"),
    (f"{API}/nothing", 404, None, "endpoints:"),
    (f"{API}/lq?measure=bananas", 400, "measure", "employees, establishments, value_added"),
])
def test_errors_are_problem_details(client, url, status, parameter, fragment):
    resp = client.get(url)
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"
    body = json.loads(resp.get_data(as_text=True))
    assert body["status"] == status and fragment in body["detail"]
    if parameter:
        assert body["parameter"] == parameter


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_no_write_endpoint(client, method):
    resp = getattr(client, method)(f"{API}/values?indicator=A1101", data=b"x")
    assert resp.status_code == 405 and resp.mimetype == "application/problem+json"
    assert "GET" in resp.headers["Allow"]


def test_etag_cache_cors_and_gzip(client):
    first = client.get(f"{API}/values?indicator=A1101", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(first.get_data()))["data"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get(f"{API}/values?indicator=A1101", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    other = client.get(f"{API}/values?indicator=A1101&year=2020", headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200


def test_openapi_document_lists_every_endpoint(client):
    doc = _json(client.get(f"{API}/openapi.json"))
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {"/indicators", "/indicators/{id}", "/regions", "/values", "/lq", "/compare",
                                 "/index", "/findings", "/peers", "/profile"}


schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", server)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.filterwarnings("ignore")
def test_api_contract(case):
    """Requests generated from the OpenAPI document: never a 5xx, every response as documented.

    A well-formed request for data that does not exist (an indicator id the generator made up) is
    rightly a 400, so "positive data must be accepted" does not apply.
    """
    # The in-process client does not decompress; gzip is tested on its own above.
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance])
