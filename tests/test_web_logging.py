"""One log line per request on stderr: method, path, status and milliseconds; never a query string,
a header or a body, so the admin token cannot end up in a log."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

LINE = re.compile(r"^(GET|POST|HEAD|OPTIONS|PUT|DELETE) (\S+) .*?(\d{3}) (\d+\.\d)ms$")
TOKEN = "tok-9f8e7d6c5b4a-never-log-me"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_lines():
    handler = Lines()
    logger = logging.getLogger("chiiki.access")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def test_one_line_per_request_without_secrets(access_lines, monkeypatch):
    from app import server
    from tests.test_web_uploads import upload_body

    monkeypatch.setenv("CHIIKI_ADMIN_TOKEN", TOKEN)
    client = server.test_client()
    client.get(f"/api/v1/values?indicator=A1101&token={TOKEN}&password={TOKEN}")
    client.post("/_dash-update-component", data=json.dumps(upload_body(client, b"a,b\n1,2\n", token=TOKEN)),
                content_type="application/json", headers={"Authorization": f"Bearer {TOKEN}"})
    client.post("/api/v1/values", data=b"x", environ_overrides={"CONTENT_LENGTH": str(10**9)})
    # A path a raw client can send: a forged second log line must stay on the first.
    client.get("/", environ_overrides={"PATH_INFO": "/nothing/here\nGET /forged 200 1.0ms"})
    # The dependencies request inside upload_body is logged too.
    assert len(access_lines) == 5, access_lines
    parsed = [LINE.match(line) for line in access_lines]
    assert all(parsed), access_lines
    got = [(m[1], m[2], m[3]) for m in parsed]
    # The API answers 400 to the unknown "token" parameter.
    assert got == [("GET", "/api/v1/values", "400"), ("GET", "/_dash-dependencies", "200"),
                   ("POST", "/_dash-update-component", "200"), ("POST", "/api/v1/values", "413"),
                   ("GET", "/nothing/here\\x0aGET", "404")]
    assert access_lines[-1].startswith("GET /nothing/here\\x0aGET /forged 200 1.0ms 404 ")
    assert all(float(m[4]) >= 0 for m in parsed)
    assert not any(TOKEN in line for line in access_lines)


def test_the_log_goes_to_stderr(tmp_path):
    code = ("from app import server\n"
            f"server.test_client().get('/api/v1/indicators?token={TOKEN}')\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**_env(), "CHIIKI_USER_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line for line in proc.stderr.splitlines() if "chiiki.access" in line]
    # 400: token is no parameter of the API; the point is that it appears nowhere.
    assert len(lines) == 1 and lines[0].endswith("ms") and "GET /api/v1/indicators 400 " in lines[0]
    assert TOKEN not in proc.stderr and TOKEN not in proc.stdout


def test_the_log_can_be_turned_off(access_lines, monkeypatch):
    import app as app_module

    monkeypatch.setenv("CHIIKI_ACCESS_LOG", "0")
    quiet = app_module.create_app().server.test_client()
    quiet.get("/api/v1/indicators")
    assert access_lines == []


def _env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("CHIIKI_ACCESS_LOG", "CHIIKI_ADMIN_TOKEN")}
