"""Who may upload on the data page: nobody by default; with CHIIKI_ADMIN_TOKEN, whoever gives it;
on ``chiiki serve`` bound to loopback, the one local user. Checked by the server on every request,
posted here exactly as the browser posts the upload callback."""

from __future__ import annotations

import base64
import json
import os

import pytest

import chiiki_cli
from callbacks import data_callbacks
from callbacks import state as cst

UPLOAD_TOKEN_ID = "data-upload-token"      # layouts.data_page.UPLOAD_TOKEN_ID
GOOD = "region,indicator_id,year,value\n東京都,vc_investment,2022,5\n".encode()


@pytest.fixture
def client(monkeypatch):
    from app import server

    monkeypatch.delenv("CHIIKI_ADMIN_TOKEN", raising=False)
    monkeypatch.delenv("CHIIKI_LOCAL_ADMIN", raising=False)
    return server.test_client()


def upload_body(client, content: bytes, *, token=None, filename: str = "v.csv", lang: str = "ja") -> dict:
    """The upload callback's request as dash-renderer sends it."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if "data-upload-result.children" in d["output"])
    values = {"data-upload.contents": "data:text/csv;base64," + base64.b64encode(content).decode(),
              "data-upload.filename": filename, "data-upload-kind.value": "tidy", "data-upload-indicator.value": None,
              f"{UPLOAD_TOKEN_ID}.value": token, "data-search.value": None, "data-theme.value": None,
              "data-status.value": "all", "app-lang.data": lang}
    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]}
               for p in dep["output"].strip(".").split("...")]
    return {"output": dep["output"], "outputs": outputs,
            "inputs": [{**i, "value": values[f"{i['id']}.{i['property']}"]} for i in dep["inputs"]],
            "state": [{**s, "value": values[f"{s['id']}.{s['property']}"]} for s in dep["state"]],
            "changedPropIds": ["data-upload.contents"]}


def post_upload(client, content: bytes = GOOD, *, remote: str = "127.0.0.1", **kw) -> str:
    """Post an upload; returns the message the page shows."""
    resp = client.post("/_dash-update-component", data=json.dumps(upload_body(client, content, **kw)),
                       content_type="application/json", environ_base={"REMOTE_ADDR": remote})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    box = resp.get_json()["response"]["data-upload-result"]["children"]
    return str(box["props"]["children"])


def vc_status() -> str:
    return cst.catalog_row("vc_investment")["status"]


def test_uploads_are_off_by_default_and_the_page_says_how_to_import(client):
    message = post_upload(client)
    assert "chiiki import KIND FILE" in message and "CHIIKI_ADMIN_TOKEN" in message
    assert vc_status() == "not loaded"          # nothing was imported


@pytest.mark.parametrize("given", [None, "", "wrong", "s3cret-token-for-tests-", "s3cret-token-for-test",
                                   ["s3cret-token-for-tests"], {"token": "s3cret-token-for-tests"}, "東京都"])
def test_token_mode_refuses_anything_but_the_token(client, monkeypatch, given):
    monkeypatch.setenv("CHIIKI_ADMIN_TOKEN", "s3cret-token-for-tests")
    message = post_upload(client, token=given, lang="en")
    assert "token is missing or wrong" in message
    assert vc_status() == "not loaded"


def test_token_mode_imports_with_the_token(client, monkeypatch):
    monkeypatch.setenv("CHIIKI_ADMIN_TOKEN", "s3cret-token-for-tests")
    message = post_upload(client, token="s3cret-token-for-tests", remote="203.0.113.9")
    assert "imported 1 values" in message
    assert vc_status() == "loaded"


def test_local_mode_only_answers_this_machine(client, monkeypatch):
    monkeypatch.setenv("CHIIKI_LOCAL_ADMIN", "1")
    assert "turned off" in post_upload(client, remote="203.0.113.9", lang="en")   # a proxy or a forgery
    assert vc_status() == "not loaded"
    assert "imported 1 values" in post_upload(client, remote="::ffff:127.0.0.1")
    assert vc_status() == "loaded"


def test_the_token_wins_over_the_local_flag(client, monkeypatch):
    monkeypatch.setenv("CHIIKI_LOCAL_ADMIN", "1")
    monkeypatch.setenv("CHIIKI_ADMIN_TOKEN", "s3cret-token-for-tests")
    assert "token" in post_upload(client, lang="en")
    assert vc_status() == "not loaded"


def test_web_upload_never_replaces_official_figures(client, monkeypatch):
    seen = {}

    def fake_run_import(kind, path, **kwargs):
        seen.update(kwargs)
        return "imported"

    monkeypatch.setattr("loaders.importers.run_import", fake_run_import)
    monkeypatch.setenv("CHIIKI_LOCAL_ADMIN", "1")
    post_upload(client)
    assert seen["replace_official"] is False


def _find(tree, component_id):
    """The component with ``component_id`` in a layout, or None."""
    if getattr(tree, "id", None) == component_id:
        return tree
    children = getattr(tree, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json") and (found := _find(child, component_id)) is not None:
            return found
    return None


def _text(tree) -> str:
    if isinstance(tree, str):
        return tree
    children = getattr(tree, "children", None)
    return "".join(_text(c) for c in (children if isinstance(children, list | tuple) else [children]) if c)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_data_page_without_permission_has_no_upload_and_says_how(client, monkeypatch, lang):
    page = data_callbacks.page_layout(lang=lang)
    assert _find(page, "data-upload") is None and _find(page, UPLOAD_TOKEN_ID) is None
    help_text = _text(_find(page, "data-upload-help"))
    assert "chiiki import KIND FILE" in help_text and "CHIIKI_ADMIN_TOKEN" in help_text


def test_data_page_asks_for_the_token_in_token_mode(client, monkeypatch):
    monkeypatch.setenv("CHIIKI_ADMIN_TOKEN", "s3cret-token-for-tests")
    page = data_callbacks.page_layout(lang="en")
    assert _find(page, "data-upload") is not None
    field = _find(page, UPLOAD_TOKEN_ID)
    assert field.type == "password"
    assert "administrator token" in _text(_find(page, "data-upload-help"))
    assert "s3cret" not in json.dumps(page.to_plotly_json(), default=str)     # the page never carries it


def test_data_page_in_local_mode_shows_the_upload_without_a_token_field(client, monkeypatch):
    monkeypatch.setenv("CHIIKI_LOCAL_ADMIN", "1")
    page = data_callbacks.page_layout()
    assert _find(page, "data-upload") is not None
    hidden = [c for c in _walk(page) if getattr(c, "hidden", False)]
    assert any(_find(c, UPLOAD_TOKEN_ID) is not None for c in hidden)


def _walk(tree):
    yield tree
    children = getattr(tree, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


@pytest.mark.parametrize(("host", "local"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                             ("0.0.0.0", False), ("192.0.2.10", False), ("example.org", False)])
def test_serve_allows_local_uploads_only_on_loopback(monkeypatch, capsys, host, local):
    import app as app_module

    # A stale flag from the environment must not survive a public bind.
    monkeypatch.setenv("CHIIKI_LOCAL_ADMIN", "1")
    monkeypatch.delenv("CHIIKI_ADMIN_TOKEN", raising=False)
    calls = []
    monkeypatch.setattr(app_module.app, "run", lambda **kw: calls.append(kw))
    assert chiiki_cli.main(["serve", "--host", host, "--port", "8123"]) == 0
    assert calls and calls[0]["host"] == host
    assert (os.environ.get("CHIIKI_LOCAL_ADMIN") == "1") is local
    assert ("uploads: allowed" in capsys.readouterr().err) is local
