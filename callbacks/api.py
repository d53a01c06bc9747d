"""The open, read-only data API under ``/api/v1`` (the RESAS API closed in March 2025).

Thin handlers: check the parameters against :mod:`callbacks.api_spec`, call the same service
function the page and the CLI call, and serialise. Responses are JSON ``{"data": [...], "meta":
{...}}`` or CSV (UTF-8 with BOM), carry an ETag keyed on the data version and the request, are
open to any origin (it is open data) and never change anything: only GET, HEAD and OPTIONS exist.
Errors are RFC 9457 problem details naming the parameter and the values it allows.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from flask import Blueprint, Response, request

from callbacks import api_spec as spec
from loaders import query
from loaders.errors import DataError
from loaders.store import get_store
from metrics import peers as peer_profile
from metrics import service

MAX_AGE = 300   # seconds; figures only change with an import, and the ETag catches that
LICENCE = ("Figures: the licence of each source dataset (政府標準利用規約 第2.0版 for 県民経済計算; NSTAC's SSDSE "
           "terms, underlying e-Stat data under the same standard terms). Credit every source as `credit` says.")


class ApiError(Exception):
    """A request the API cannot answer, as an RFC 9457 problem."""

    def __init__(self, status: int, detail: str, *, parameter: str | None = None,
                 allowed: list[str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.parameter, self.allowed = status, detail, parameter, allowed

    def response(self) -> Response:
        titles = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
        body = {"type": "about:blank", "title": titles.get(self.status, "Error"), "status": self.status,
                "detail": self.detail}
        if self.parameter:
            body["parameter"] = self.parameter
        if self.allowed:
            body["allowed"] = self.allowed[:100]
        resp = Response(json.dumps(body, ensure_ascii=False), status=self.status,
                        mimetype="application/problem+json")
        resp.headers["Access-Control-Allow-Origin"] = "*"
        return resp


def _params(endpoint: spec.Endpoint) -> dict[str, str]:
    """The query parameters, each checked against the endpoint's declared schema."""
    declared = {p.name: p for p in endpoint.params if p.where == "query"}
    unknown = sorted(set(request.args) - set(declared))
    if unknown:
        raise ApiError(400, f"unknown parameter {unknown[0]!r}; this endpoint takes: {', '.join(declared)}",
                       parameter=unknown[0], allowed=list(declared))
    out: dict[str, str] = {}
    for name, p in declared.items():
        values = request.args.getlist(name)
        if not values:
            if p.required:
                raise ApiError(400, f"parameter {name!r} is required: {p.description}", parameter=name)
            continue
        raw = values[0]
        if len(values) > 1:
            raise ApiError(400, f"parameter {name!r} given {len(values)} times; give it once", parameter=name)
        enum = p.schema.get("enum")
        if enum is not None and raw not in enum:
            raise ApiError(400, f"{name}={raw[:40]!r} is not allowed; allowed: {', '.join(enum)}", parameter=name,
                           allowed=list(enum))
        if p.schema.get("type") == "integer" and (
                not raw.lstrip("-").isdigit() or not p.schema["minimum"] <= int(raw) <= p.schema["maximum"]):
            raise ApiError(400, f"{name}={raw[:40]!r} must be a whole number from {p.schema['minimum']} to "
                                    f"{p.schema['maximum']}", parameter=name)
        if len(raw) > p.schema.get("maxLength", 10_000):
            raise ApiError(400, f"{name} is longer than {p.schema['maxLength']} characters", parameter=name)
        out[name] = raw
    return out


def _wants_csv(params: dict[str, str]) -> bool:
    if "format" in params:
        return params["format"] == "csv"
    accept = request.headers.get("Accept", "")
    return "text/csv" in accept and "application/json" not in accept


def _plain(v):
    """JSON-safe scalar: NaN → null, numpy types → Python, arrays → lists."""
    if isinstance(v, np.ndarray | list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def to_csv(frame: pd.DataFrame) -> str:
    """CSV with a header, UTF-8 BOM first so Excel reads Japanese text; lists as space-separated text."""
    out = frame.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, np.ndarray | list | tuple | dict)).any():
            out[col] = out[col].map(lambda v: json.dumps(_plain(v), ensure_ascii=False) if isinstance(v, dict)
                                    else " ".join(str(_plain(x)) for x in v)
                                    if isinstance(v, np.ndarray | list | tuple) else v)
    buf = io.StringIO()
    buf.write("\ufeff")
    out.to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue()


def _respond(frame: pd.DataFrame, meta: dict, params: dict[str, str]) -> Response:
    version = query.data_version(get_store().cursor())
    csv = _wants_csv(params)
    meta = {**meta, "licence": LICENCE, "data_version": version}
    tag = hashlib.sha256(f"{version}|{request.full_path}|{csv}".encode()).hexdigest()[:24]
    etag = f'"{tag}"'
    if etag in request.headers.get("If-None-Match", ""):
        resp = Response(status=304)
    elif csv:
        resp = Response(to_csv(frame).encode("utf-8"), mimetype="text/csv")
        resp.headers["Content-Disposition"] = "inline; filename=chiiki.csv"
    else:
        # pandas writes the rows in C (31,000 municipal LQ rows in tens of ms, not seconds); 15
        # significant digits keep every published figure exact.
        data = frame.to_json(orient="records", force_ascii=False, double_precision=15)
        meta_json = json.dumps(_plain(meta), ensure_ascii=False)
        resp = Response(f'{{"data": {data}, "meta": {meta_json}}}', mimetype="application/json")
    _gzip(resp)
    resp.headers["ETag"] = etag
    resp.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    resp.headers["Vary"] = "Accept, Accept-Encoding"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def _gzip(resp: Response) -> None:
    """Compress the body when the client accepts it (Dash's compression skips CSV and problem+json)."""
    if resp.status_code != 200 or "gzip" not in request.headers.get("Accept-Encoding", ""):
        return
    body = resp.get_data()
    if len(body) < 500:
        return
    # Level 1 for big bodies: most of the saving for a fraction of the time.
    resp.set_data(gzip.compress(body, 6 if len(body) < 200_000 else 1))
    resp.headers["Content-Encoding"] = "gzip"


def _provenance(meta: dict) -> dict:
    return {"source": f"{meta.get('source_ja') or ''} / {meta.get('source_en') or ''}".strip(" /"),
            "credit": meta.get("credit") or ""}


# --- Handlers: each one validated call of a shared service function ------------------------------


def indicators(params: dict[str, str], _path: dict) -> tuple[pd.DataFrame, dict]:
    frame = service.catalog_table(get_store().cursor())
    return frame, {"source": "chiiki catalog; each row names its own source", "credit": "see each row"}


def indicator(params: dict[str, str], path: dict) -> tuple[pd.DataFrame, dict]:
    cur = get_store().cursor()
    try:
        row = service.indicator_detail(cur, path["id"])
    except DataError as exc:
        raise ApiError(404, str(exc), parameter="id") from None
    return pd.DataFrame([row]), _provenance(row)


def regions(params: dict[str, str], _path: dict) -> tuple[pd.DataFrame, dict]:
    frame = service.region_table(get_store().cursor(), params.get("level", "prefecture"))
    return frame, {"source": "国土交通省 国土数値情報 N03; 総務省 全国地方公共団体コード（SSDSE-A 経由）",
                   "credit": "dataofjapan/land; 独立行政法人統計センター「SSDSE」を加工して作成"}


def values(params: dict[str, str], _path: dict) -> tuple[pd.DataFrame, dict]:
    cur = get_store().cursor()
    frame = service.cached_values_table(params["indicator"], int(params["year"]) if "year" in params else None,
                                        params.get("level", "prefecture"), params.get("prefecture"),
                                        params.get("norm", "none"))
    return frame, _provenance(query.indicator(cur, params["indicator"]))


def lq(params: dict[str, str], _path: dict) -> tuple[pd.DataFrame, dict]:
    cur = get_store().cursor()
    measure = params.get("measure", "employees")
    frame = service.cached_lq_table(measure, int(params["year"]) if "year" in params else None,
                                    params.get("level", "prefecture"), params.get("against", "nation"))
    if "region" in params:
        frame = frame[frame["region_code"] == params["region"]]
        if frame.empty:
            raise ApiError(400, f"region={params['region']!r} has no rows at this level", parameter="region")
    cols = list(spec.endpoint("/lq").row)
    return frame[cols], _provenance(query.indicator(cur, f"lq_{measure}"))


def compare(params: dict[str, str], _path: dict) -> tuple[pd.DataFrame, dict]:
    cur = get_store().cursor()
    frame = service.cached_comparison(params["indicator"], int(params["year"]) if "year" in params else None)
    return frame[list(spec.endpoint("/compare").row)], _provenance(query.indicator(cur, params["indicator"]))


def index(params: dict[str, str], _path: dict) -> tuple[pd.DataFrame, dict]:
    frame, meta = service.cached_index_table(params.get("indicators"), params.get("weights"))
    return frame, meta


def findings(params: dict[str, str], _path: dict) -> tuple[pd.DataFrame, dict]:
    region, lang = params["region"], params.get("lang", "ja")
    if len(region) == 5:
        frame = service.municipal_findings_table(get_store().cursor(), region, lang)
    else:
        frame = service.cached_findings_table(region, lang)
    return frame, {"source": "chiiki findings from the catalog's sources; each finding names its year and source",
                   "credit": "see each finding"}


def peers(params: dict[str, str], _path: dict) -> tuple[pd.DataFrame, dict]:
    frame = service.peers_table(get_store().cursor(), params["region"], params.get("kind"), params.get("lang", "ja"))
    meta = {"source": "類似団体: 総務省「類似団体別市町村財政指数表」の類型, classified from the 2020 census "
                      "(SSDSE-A); distance: RMS of z-score differences over a standardised profile of the "
                      "bundled figures",
            "credit": SSDSE_CREDIT}
    if len(params["region"]) == 5:
        # What the municipal distance is made of, and the year of each input.
        meta["profile"] = {f.id: f.name_en for f in peer_profile.MUNICIPAL_FEATURES}
        meta["input_years"] = service.cached_municipal_peer_profile()[1]
    return frame, meta


def profile(params: dict[str, str], _path: dict) -> tuple[pd.DataFrame, dict]:
    doc = service.municipal_profile(get_store().cursor(), params["region"], params.get("lang", "ja"))
    return pd.DataFrame([doc]), {"source": "the bundled municipal figures; every number names its unit, year and "
                                           "dataset", "credit": SSDSE_CREDIT}


SSDSE_CREDIT = "独立行政法人統計センター「教育用標準データセット（SSDSE）」を加工して作成"

HANDLERS: dict[str, Callable] = {"/indicators": indicators, "/indicators/{id}": indicator, "/regions": regions,
                                 "/values": values, "/lq": lq, "/compare": compare, "/index": index,
                                 "/findings": findings, "/peers": peers, "/profile": profile}


def _handle(path: str, **path_params) -> Response:
    endpoint = spec.endpoint(path)
    try:
        params = _params(endpoint)
        frame, meta = HANDLERS[path](params, path_params)
        return _respond(frame, meta, params)
    except ApiError as exc:
        return exc.response()
    except DataError as exc:
        # The service's own validation (unknown indicator, year without data, …) names the problem.
        return ApiError(400, str(exc)).response()


def blueprint() -> Blueprint:
    bp = Blueprint("api", __name__, url_prefix=spec.PREFIX)

    for e in spec.ENDPOINTS:
        rule = e.path.replace("{id}", "<path:id>")
        bp.add_url_rule(rule, e.operation, (lambda p: lambda **kw: _handle(p, **kw))(e.path), methods=["GET"])

    @bp.route("/openapi.json", methods=["GET"])
    def _openapi():
        doc = spec.openapi(query.data_version(get_store().cursor()))
        resp = Response(json.dumps(doc, ensure_ascii=False), mimetype="application/json")
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return resp

    @bp.route("/", defaults={"rest": ""}, methods=["GET"])
    @bp.route("/<path:rest>", methods=["GET"])
    def _unknown(rest: str):
        known = [spec.PREFIX + e.path for e in spec.ENDPOINTS] + [spec.PREFIX + "/openapi.json"]
        return ApiError(404, f"no endpoint {spec.PREFIX}/{rest[:60]}; endpoints: {', '.join(known)}",
                        allowed=known).response()

    @bp.app_errorhandler(404)
    def _not_found(exc):
        # Paths no rule matches at all (e.g. a control character in an id) still get a problem.
        if not request.path.startswith(spec.PREFIX):
            return exc
        return _unknown(request.path[len(spec.PREFIX) + 1:])

    @bp.app_errorhandler(405)
    def _methods(exc):
        # Read-only: a write method gets 405 naming the methods that exist, as problem+json for the
        # API; elsewhere the server's usual answer. (Routing fails before a blueprint is chosen,
        # so this has to be an application-wide handler.)
        if not request.path.startswith(spec.PREFIX):
            return exc
        resp = ApiError(405, f"{request.method} is not allowed; the API is read-only (GET)").response()
        resp.headers["Allow"] = "GET, HEAD, OPTIONS"
        return resp

    return bp
