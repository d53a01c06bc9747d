"""Load test against gunicorn on loopback (short CI setting): many users, zero errors."""

from __future__ import annotations

import os

import pytest

from bench import scenarios
from bench.load import run_load
from bench.server import gunicorn


@pytest.fixture
def server(user_dir, bundled_serving_db):
    env = {"CHIIKI_USER_DIR": str(user_dir)}
    with gunicorn("app:server", env=env) as (port, _, _):
        yield port


def test_simulated_users_get_no_errors(server):
    requests = (scenarios.map_requests(server, "prefecture") + scenarios.map_requests(server, "municipality")
                + scenarios.profile_requests(server) + scenarios.compare_requests(server))
    users = int(os.environ.get("CHIIKI_LOAD_USERS", "10"))
    seconds = float(os.environ.get("CHIIKI_LOAD_SECONDS", "5"))
    result = run_load(server, requests, users=users, seconds=seconds)
    assert result["errors"] == 0, result["first_errors"]
    assert result["requests"] > users          # every user got answers, not just one
    assert result["seconds"] < seconds + 30     # bounded: it stops by itself
