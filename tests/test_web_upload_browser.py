"""The upload on the data page in headless Chromium: a file over the limit is refused in the browser
with a message and never sent; a small one is imported (locally) or needs the token."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

GOOD = "region,indicator_id,year,value\n東京都,vc_investment,2022,5\n"


@pytest.fixture
def sent(monkeypatch):
    """Every upload the server received (the callback's work function, wrapped)."""
    from callbacks import data_callbacks

    calls = []
    real = data_callbacks.upload

    def spy(*args):
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(data_callbacks, "upload", spy)
    return calls


def start(dash_duo, monkeypatch, **env):
    from app import create_app

    monkeypatch.delenv("CHIIKI_ADMIN_TOKEN", raising=False)
    monkeypatch.delenv("CHIIKI_LOCAL_ADMIN", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    dash_duo.start_server(create_app())
    dash_duo.driver.get(f"{dash_duo.server_url}/data?lang=en")
    dash_duo.wait_for_element("#data-catalog-table", timeout=30)
    return dash_duo


def choose_file(duo, path) -> None:
    duo.find_element("#data-upload input[type=file]").send_keys(str(path))


def errors(duo) -> list:
    return [e for e in duo.get_logs() or [] if e.get("level") == "SEVERE"]


def test_a_file_over_the_limit_is_refused_before_sending(dash_duo, monkeypatch, tmp_path, sent):
    # A 1 MB request limit makes the form's limit about 0.7 MB.
    duo = start(dash_duo, monkeypatch, CHIIKI_LOCAL_ADMIN="1", CHIIKI_MAX_REQUEST_MB="1")
    big = tmp_path / "big.csv"
    big.write_bytes(GOOD.encode() + b"#" * (2 * 1024 * 1024))
    choose_file(duo, big)
    duo.wait_for_contains_text("#data-upload-result", "chiiki import KIND FILE", timeout=10)
    text = duo.find_element("#data-upload-result").text
    assert "big.csv is 2.0 MB" in text and "up to 0.7 MB" in text
    assert sent == []                                   # the browser never sent it
    small = tmp_path / "small.csv"
    small.write_text(GOOD, encoding="utf-8")
    choose_file(duo, small)
    duo.wait_for_contains_text("#data-upload-result", "imported 1 values", timeout=30)
    assert sent == ["small.csv"]
    assert errors(duo) == []


def test_without_permission_the_page_says_how_to_import(dash_duo, monkeypatch):
    duo = start(dash_duo, monkeypatch)
    assert not duo.driver.find_elements("css selector", "#data-upload")
    assert "chiiki import KIND FILE" in duo.find_element("#data-upload-help").text
    assert errors(duo) == []


def test_token_mode_needs_the_token(dash_duo, monkeypatch, tmp_path, sent):
    duo = start(dash_duo, monkeypatch, CHIIKI_ADMIN_TOKEN="browser-test-token-123")
    small = tmp_path / "small.csv"
    small.write_text(GOOD, encoding="utf-8")
    choose_file(duo, small)
    duo.wait_for_contains_text("#data-upload-result", "token is missing or wrong", timeout=30)
    field = duo.find_element("#data-upload-token")
    assert field.get_attribute("type") == "password"
    field.send_keys("browser-test-token-123")
    again = tmp_path / "again.csv"
    # Other contents: dcc.Upload only fires when its contents change.
    again.write_text(GOOD.replace(",5", ",6"), encoding="utf-8")
    choose_file(duo, again)
    duo.wait_for_contains_text("#data-upload-result", "imported 1 values", timeout=30)
    assert sent == ["small.csv", "again.csv"]
    assert errors(duo) == []
