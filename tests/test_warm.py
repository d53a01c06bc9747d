"""Workers warm themselves before they serve (issue 15): every page and API family once, within a bound,
never failing a worker, never in the access log; gunicorn's deployment settings run it in every worker."""

from __future__ import annotations

import gc
import logging
import runpy

from bench.load import watch_workers, worker_pids
from bench.server import ROOT, gunicorn
from callbacks import warm


def test_warm_up_sends_every_page_and_api_family_without_logging_them(caplog):
    import app

    with caplog.at_level(logging.INFO, logger="chiiki.access"):
        report = app.warm_up(30)
    pages = len(warm.PAGE_VIEWS) * 2   # both languages
    assert report["sent"] == 1 + pages + len(warm.API_VIEWS)
    assert report["failed"] == [] and not report["stopped_early"]
    assert warm.LAST_REPORT is report
    assert not [r for r in caplog.records if r.name == "chiiki.access"]


def test_warm_up_is_bounded_and_can_be_turned_off(monkeypatch):
    import app

    report = app.warm_up(1e-9)
    assert report["stopped_early"] and report["sent"] == 1   # the index page, then the bound
    monkeypatch.setenv(warm.ENV, "0")
    assert app.warm_up()["sent"] == 0
    monkeypatch.setenv(warm.ENV, "not a number")
    assert warm.budget_seconds() == warm.DEFAULT_SECONDS


def test_a_failing_warm_up_request_is_reported_not_raised(monkeypatch):
    import app

    monkeypatch.setattr(warm, "API_VIEWS", ("/api/v1/values?indicator=no_such_indicator",))
    report = app.warm_up(30)
    assert report["failed"] == ["GET /api/v1/values?indicator=no_such_indicator: 400"]


def test_warm_up_leaves_what_it_built_out_of_the_collectors_work():
    """A full collection over everything warming allocated took 100-135 ms, on some user's request."""
    import app

    gc.unfreeze()
    try:
        app.warm_up(30)
        assert gc.get_freeze_count() > 100_000
        assert len(gc.get_objects()) < gc.get_freeze_count() / 20
    finally:
        gc.unfreeze()


def test_deployment_settings_warm_each_worker_before_it_serves(user_dir):
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert callable(conf["post_worker_init"])
    with gunicorn("app:server", workers=2, env={"CHIIKI_USER_DIR": str(user_dir)}) as (port, _, master):
        pids = worker_pids(master)
        warmed = watch_workers(port, pids, lambda body: bool(body.get("warm_up") and body["warm_up"]["sent"] > 20
                                                             and not body["warm_up"]["failed"]), timeout=60)
        assert warmed.keys() == pids
