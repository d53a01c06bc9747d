"""The container files, checked statically (Docker does not run here): a non-root image with a health
check and read-only data, two replicas behind nginx sharing one user directory, imports only on the
admin instance, and gunicorn workers sized by CPUs and memory."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import pytest
import yaml

from callbacks import data_callbacks
from tests.conftest import ROOT

USER_DIR = "/var/lib/chiiki"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    out = []
    for line in text.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def _env(service: dict) -> dict:
    env = service.get("environment") or {}
    return env if isinstance(env, dict) else dict(item.split("=", 1) for item in env)


def test_dockerfile_runs_as_an_unprivileged_user_with_a_health_check():
    ins = instructions()
    assert ins[0][0] == "FROM" and re.match(r"python:3\.1[1-9][\w.-]*-slim", ins[0][1])
    users = [arg for word, arg in ins if word == "USER"]
    assert users and users[-1] not in ("root", "0") and not users[-1].startswith("0:")
    # USER comes before the command, so gunicorn never runs as root.
    assert [w for w, _ in ins].index("USER") < [w for w, _ in ins].index("CMD")
    health = " ".join(arg for word, arg in ins if word == "HEALTHCHECK")
    assert "/healthz" in health and "--interval" in health


def test_dockerfile_copies_paths_that_exist_and_keeps_data_read_only():
    ins = instructions()
    for word, arg in ins:
        if word == "COPY":
            *sources, _dest = shlex.split(arg)
            for src in sources:
                assert not src.startswith("--"), "no --chown: files stay root's, read-only for the app"
                assert (ROOT / src).exists(), f"COPY {src}: not in the build context"
    runs = " ".join(arg for word, arg in ins if word == "RUN")
    assert "chmod -R a-w /app" in runs                    # code and data/ not writable by anyone
    assert any(word == "COPY" and "data/" in arg for word, arg in ins)
    env = " ".join(arg for word, arg in ins if word == "ENV")
    assert f"CHIIKI_USER_DIR={USER_DIR}" in env
    assert any(word == "VOLUME" and USER_DIR in arg for word, arg in ins)
    assert f"chown chiiki:chiiki {USER_DIR}" in runs


def test_dockerfile_starts_gunicorn_with_the_config():
    cmd = next(arg for word, arg in instructions() if word == "CMD")
    assert cmd.startswith("[") and '"gunicorn"' in cmd and '"deploy/gunicorn.conf.py"' in cmd
    assert '"app:server"' in cmd


def test_dockerignore_keeps_local_state_out_but_not_what_the_image_copies():
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    for must in (".git", ".venv", "bench/plotly_bundle", "bench/results", "*.duckdb"):
        assert must in ignored
    copied = {src.rstrip("/") for word, arg in instructions() if word == "COPY" for src in shlex.split(arg)[:-1]}
    assert not copied & set(ignored)


def test_compose_runs_two_replicas_behind_nginx(compose):
    services = compose["services"]
    web = services["web"]
    assert web["deploy"]["replicas"] == 2
    assert "ports" not in web       # only through the proxy
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx")
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    conf_mount = next(v for v in proxy["volumes"] if "nginx" in v)
    conf = ROOT / conf_mount.split(":")[0]
    assert conf.is_file()
    text = conf.read_text()
    assert re.search(r"proxy_pass\s+\$web;", text) and "http://web:8050" in text
    # The proxy refuses what the app would refuse, and says so as the API does.
    mb = data_callbacks.DEFAULT_MAX_REQUEST_MB
    assert re.search(rf"client_max_body_size\s+{mb}m;", text)
    assert "application/problem+json" in text
    assert "$uri" in text and "$request_uri" not in text and "$args" not in text     # no query strings in logs


def test_compose_shares_one_user_directory_and_imports_only_on_admin(compose):
    services = compose["services"]
    apps = {name: s for name, s in services.items() if name != "proxy"}
    assert set(apps) == {"web", "admin"}
    for name, s in apps.items():
        env = _env(s)
        assert env["CHIIKI_USER_DIR"] == USER_DIR, name
        assert f"chiiki-user:{USER_DIR}" in s["volumes"], name
        assert s.get("read_only") is True and "/tmp" in s.get("tmpfs", []), name
        assert "CHIIKI_LOCAL_ADMIN" not in env, name            # never the loopback shortcut in a container
    assert "chiiki-user" in compose["volumes"]
    assert "CHIIKI_ADMIN_TOKEN" not in _env(services["web"])
    admin = services["admin"]
    assert "CHIIKI_ADMIN_TOKEN" in _env(admin)
    assert admin["profiles"] == ["admin"]                       # not started by a plain `up`
    assert all(p.startswith("127.0.0.1:") for p in admin["ports"])


def test_compose_token_is_never_written_into_the_file(compose):
    token = _env(compose["services"]["admin"])["CHIIKI_ADMIN_TOKEN"]
    assert token.startswith("${") and token.endswith("}")


@pytest.fixture(scope="module")
def gunicorn_conf():
    spec = importlib.util.spec_from_file_location("chiiki_gunicorn_conf", ROOT / "deploy" / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("cpus", "memory_mb", "expected"), [
    (1, None, 2), (4, None, 8), (4, 16_384, 8), (8, 2048, 2), (8, 1024, 1), (2, 600, 1), (16, 4096, 6),
])
def test_workers_follow_cpus_and_memory(gunicorn_conf, cpus, memory_mb, expected):
    memory = memory_mb * 1024 * 1024 if memory_mb else None
    assert gunicorn_conf.workers_for(cpus, memory) == expected


def test_gunicorn_conf_is_sane(gunicorn_conf):
    assert 1 <= gunicorn_conf.workers <= 2 * gunicorn_conf.cpu_count()
    assert gunicorn_conf.bind == "0.0.0.0:8050"
    assert gunicorn_conf.accesslog is None          # the app's own log line, without query strings
    assert gunicorn_conf.worker_tmp_dir == "/dev/shm"


def test_workers_can_be_set(monkeypatch):
    monkeypatch.setenv("CHIIKI_WORKERS", "3")
    spec = importlib.util.spec_from_file_location("chiiki_gunicorn_conf_3", ROOT / "deploy" / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.workers == 3


def test_health_check_path_is_served():
    from app import server

    resp = server.test_client().get("/healthz")
    assert resp.status_code == 200


def test_no_gunicorn_conf_at_the_root():
    # gunicorn reads ./gunicorn.conf.py by itself: the tests' and bench's servers must not pick it up.
    assert not (ROOT / "gunicorn.conf.py").exists()
    assert Path(ROOT / "deploy" / "gunicorn.conf.py").is_file()
