"""Request bodies are bounded (CHIIKI_MAX_REQUEST_MB, default 20 MiB): refused with 413 and a readable
message before the worker reads them, for a declared length and for a chunked body alike; the upload
form refuses a file whose request would not fit, in the browser, before sending it."""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import threading
import time

import pytest

from callbacks import data_callbacks

MIB = 1024 * 1024


class CountingStream:
    """A request body of ``total`` bytes (None: endless) that records how much the server read."""

    def __init__(self, total: int | None) -> None:
        self.total, self.read_bytes = total, 0

    def read(self, n: int = -1) -> bytes:
        left = MIB if self.total is None else self.total - self.read_bytes
        n = left if n is None or n < 0 else min(n, left)
        n = min(n, MIB)
        self.read_bytes += n
        return b"[" * n

    def readline(self, n: int = -1) -> bytes:
        return self.read(n)


@pytest.fixture
def client():
    from app import server

    return server.test_client()


@pytest.mark.parametrize(("path", "mimetype", "fragment"), [
    ("/_dash-update-component", "application/json", "larger than this server accepts"),
    ("/api/v1/values?indicator=A1101", "application/problem+json", "larger than this server accepts"),
    ("/map", "text/plain", "413 Content Too Large"),
])
def test_declared_length_over_the_limit_is_refused_unread(client, path, mimetype, fragment):
    body = CountingStream(1000 * MIB)        # the size that drove a worker to 5.1 GB
    resp = client.post(path, content_type="application/json",
                       environ_overrides={"wsgi.input": body, "CONTENT_LENGTH": str(1000 * MIB)})
    assert resp.status_code == 413
    assert resp.mimetype == mimetype
    assert fragment in resp.get_data(as_text=True)
    assert body.read_bytes == 0
    if mimetype == "application/problem+json":
        problem = resp.get_json(force=True)
        assert problem["status"] == 413 and problem["title"] == "Content Too Large"


def test_chunked_body_is_cut_off_at_the_limit(client):
    """No Content-Length (chunked, as gunicorn passes it on): reading stops just past the limit."""
    body = CountingStream(None)
    resp = client.post("/_dash-update-component", content_type="application/json",
                       environ_overrides={"wsgi.input": body, "wsgi.input_terminated": True, "CONTENT_LENGTH": "",
                                          "HTTP_TRANSFER_ENCODING": "chunked"})
    assert resp.status_code == 413
    assert body.read_bytes <= data_callbacks.max_request_bytes() + MIB


def test_a_chunked_body_under_the_limit_is_read_whole(client):
    import io

    from tests.test_web_uploads import upload_body

    payload = json.dumps(upload_body(client, b"x" * MIB)).encode()
    resp = client.post("/_dash-update-component", content_type="application/json",
                       environ_overrides={"wsgi.input": io.BytesIO(payload), "wsgi.input_terminated": True,
                                          "CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"})
    assert resp.status_code == 200
    assert "data-upload-result" in resp.get_json()["response"]


def test_a_body_under_the_limit_still_works(client):
    from tests.test_web_uploads import upload_body

    payload = json.dumps(upload_body(client, b"x" * (2 * MIB))).encode()
    assert len(payload) < data_callbacks.max_request_bytes()
    resp = client.post("/_dash-update-component", data=payload, content_type="application/json")
    assert resp.status_code == 200      # answered (uploads are off here, so the answer says so)


@pytest.mark.parametrize(("setting", "limit"), [("1", 1 * MIB), ("2.5", int(2.5 * MIB)), ("", 20 * MIB),
                                                ("lots", 20 * MIB), ("0", 20 * MIB), ("nan", 20 * MIB)])
def test_limit_follows_the_environment(monkeypatch, setting, limit):
    monkeypatch.setenv("CHIIKI_MAX_REQUEST_MB", setting)
    assert data_callbacks.max_request_bytes() == limit
    assert data_callbacks.max_upload_bytes() * 4 / 3 + data_callbacks.REQUEST_OVERHEAD <= limit


def test_a_smaller_limit_applies_to_a_new_app(monkeypatch):
    import app as app_module

    monkeypatch.setenv("CHIIKI_MAX_REQUEST_MB", "1")
    small = app_module.create_app().server.test_client()
    resp = small.post("/_dash-update-component", data=b"[" * (MIB + 1), content_type="application/json")
    assert resp.status_code == 413
    assert json.loads(resp.get_data())["limit_bytes"] == MIB


def test_the_upload_form_refuses_what_the_server_would(monkeypatch, client):
    """dcc.Upload's max_size: the largest file whose request still fits under the limit."""
    from tests.test_web_uploads import _find, upload_body

    monkeypatch.setenv("CHIIKI_LOCAL_ADMIN", "1")
    page = data_callbacks.page_layout()
    upload = _find(page, "data-upload")
    assert upload.max_size == data_callbacks.max_upload_bytes()
    assert upload.multiple is False
    # A file of exactly max_size, with a long file name, makes a request the server accepts.
    body = json.dumps(upload_body(client, b"\xff" * upload.max_size, filename="長い名前" * 60 + ".csv")).encode()
    assert len(body) <= data_callbacks.max_request_bytes()
    # The guard that tells the user (dcc.Upload itself drops a larger file silently) is wired to it.
    assert _find(page, "data-upload-guard") is not None
    assert "chiiki import KIND FILE" in data_callbacks.UPLOAD_GUARD


def test_an_oversized_upload_is_refused_by_the_callback_too(monkeypatch):
    """A request that carries a too-large file under a larger server limit (e.g. the limit changed)."""
    monkeypatch.setenv("CHIIKI_MAX_REQUEST_MB", "1")
    big = "data:text/csv;base64," + base64.b64encode(b"a" * MIB).decode()
    message, ok = data_callbacks.import_upload(big, "big.csv", "tidy", None)
    assert not ok and "the limit is" in message


# --- against gunicorn: the worker never waits for (or reads) a body it will refuse ------------------

@pytest.fixture(scope="module")
def gunicorn_port(tmp_path_factory, bundled_serving_db):
    import shutil

    from bench.server import gunicorn

    user = tmp_path_factory.mktemp("limits-user")
    shutil.copy(bundled_serving_db, user / "serving.duckdb")
    env = {"CHIIKI_USER_DIR": str(user), "CHIIKI_ACCESS_LOG": "0"}
    with gunicorn("app:server", workers=1, env=env, ready_path="/api/v1/indicators") as (port, _, pid):
        yield port, pid


def _status(sock: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1])


def test_gunicorn_refuses_a_declared_gigabyte_without_waiting_for_it(gunicorn_port):
    port, _ = gunicorn_port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        # Headers only: a server that read the body would wait here until the timeout.
        sock.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n[" % (1000 * MIB))
        t0 = time.perf_counter()
        assert _status(sock) == 413
        assert time.perf_counter() - t0 < 5


def test_gunicorn_cuts_off_a_chunked_body(gunicorn_port):
    port, pid = gunicorn_port
    sent = [0]
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")

        def send() -> None:
            chunk = b"%x\r\n%s\r\n" % (MIB, b"[" * MIB)
            try:
                for _ in range(200):          # 200 MiB unless the server hangs up first
                    sock.sendall(chunk)
                    sent[0] += MIB
            except OSError:
                pass

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        status = _status(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sender.join(10)
    assert status == 413
    assert sent[0] < 200 * MIB
    workers = [int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()]   # noqa: SIM115
    for w in workers:
        hwm = next(int(line.split()[1]) for line in open(f"/proc/{w}/status") if line.startswith("VmHWM"))  # noqa: SIM115
        assert hwm / 1024 < 600, f"worker {w} peaked at {hwm / 1024:.0f} MB"
