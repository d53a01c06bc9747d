"""Shared fixtures: a private user directory per test, and the raw folder when it exists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from loaders import store

# Serving-file builds skip the precomputed results (metrics.precompute): the suite builds hundreds of
# throwaway files, and without them every figure is computed live, which is what they must equal.
# tests/test_precompute.py turns them on and checks exactly that. CHIIKI_PRECOMPUTE=1 runs it all on.
os.environ.setdefault("CHIIKI_PRECOMPUTE", "0")

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def bundled_serving_db(tmp_path_factory) -> Path:
    """The serving database of the bundled data/, built once per session."""
    d = tmp_path_factory.mktemp("serving")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHIIKI_USER_DIR", str(d))   # never pick up a real user store from the machine
        return store.build_serving_db(d / "serving.duckdb", store.PROJECT_ROOT / "data")


@pytest.fixture(autouse=True)
def user_dir(tmp_path_factory, monkeypatch, bundled_serving_db) -> Path:
    """Every test gets an empty user data directory, so imports never leak between tests.

    It starts with a copy of the session's serving database; the store's fingerprint check still
    rebuilds it whenever a test changes the data or imports something.
    """
    import shutil

    d = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("CHIIKI_USER_DIR", str(d))
    monkeypatch.delenv("CHIIKI_DATA_DIR", raising=False)
    shutil.copy(bundled_serving_db, d / "serving.duckdb")
    store.reset_store()
    yield d
    store.reset_store()


@pytest.fixture
def raw_dir() -> Path:
    if not (RAW / "ssdse").is_dir():
        import os

        # In CI the audit against the official files must run, never silently skip.
        if os.environ.get("CHIIKI_REQUIRE_RAW") == "1":
            pytest.fail(f"official raw files required but not present at {RAW}")
        pytest.skip(f"official raw files not present at {RAW} (they live in ../shared/data/raw)")
    return RAW


@pytest.fixture
def cur():
    """A read-only cursor on a serving database built from the bundled data/."""
    return store.get_store().cursor()


@pytest.fixture
def duo(dash_duo):
    """dash[testing]'s browser with the app started: what every browser test drives."""
    from app import create_app

    dash_duo.start_server(create_app())
    return dash_duo


def pytest_setup_options():
    """Chrome options for dash[testing]: headless Debian Chromium with no background network."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic"):
        options.add_argument(arg)
    import shutil

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    return options


def pytest_collection_modifyitems(config, items):
    """Browser tests need chromium and chromedriver; skip with the reason, or fail when CI requires them."""
    import os
    import shutil

    if shutil.which("chromedriver") and (shutil.which("chromium") or shutil.which("chromium-browser")):
        return
    if os.environ.get("CHIIKI_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("browser tests required but chromium/chromedriver are not installed")
    skip = pytest.mark.skip(reason="chromium and chromium-driver are not installed (apt-get install -y "
                                   "chromium chromium-driver)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
