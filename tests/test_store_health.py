"""``/healthz`` for load balancers and ``store.health()`` / ``chiiki doctor`` for people: what serves,
what is wrong and the command that repairs it."""

from __future__ import annotations

import json

from loaders import store
from tests.test_store_failures import run_cli


def test_healthz_is_200_while_data_serves_and_503_only_when_nothing_can(user_dir, tmp_path, monkeypatch):
    from app import server

    client = server.test_client()
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
    body = ok.get_json()
    assert body["status"] == "ok" and body["reason"] == "" and body["problems"] == []
    assert body["imports"] == 0 and len(body["data_version"]) == 16 and body["user_store"] == "missing"
    assert body["data_version"] == client.get("/api/v1/indicators").get_json()["meta"]["data_version"]

    # A damaged user store: the bundled data still serves, so still 200, with the reason.
    (user_dir / "user.duckdb").write_bytes(b"not a database" * 100)
    store.reset_store()
    degraded = client.get("/healthz")
    assert degraded.status_code == 200
    assert degraded.get_json()["status"] == "degraded" and "cannot be read" in degraded.get_json()["reason"]

    # No serving file and no bundled data to build one from: nothing can be served.
    store.reset_store()
    (user_dir / "serving.duckdb").unlink()
    monkeypatch.setenv("CHIIKI_DATA_DIR", str(tmp_path / "nothing"))
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.get_json()["status"] == "down" and "bundled data incomplete" in down.get_json()["reason"]


def test_doctor_on_a_healthy_store():
    done = run_cli("doctor", "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    h = json.loads(done.stdout)
    assert h["status"] == "ok" and h["user_store"]["status"] == "missing" and h["backups"] == []
    assert h["disk"]["free_bytes"] > 0 and h["limits"] == {"memory_limit": "512MB", "threads": 2}
    text = run_cli("doctor").stdout
    for line in ("chiiki doctor: ok", "serving database", "user store", "backups", "free disk space"):
        assert line in text


def test_a_wrong_limit_is_named_but_the_data_still_serves(monkeypatch):
    monkeypatch.setenv("CHIIKI_DUCKDB_THREADS", "two")
    store.reset_store()
    cur = store.get_store().cursor()
    assert cur.execute("SELECT current_setting('threads')").fetchone()[0] == 2
    h = store.health()
    assert h["status"] == "degraded" and "CHIIKI_DUCKDB_THREADS='two'" in h["reason"]
