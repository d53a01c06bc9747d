"""The open data API's contract, written once: its endpoints, their parameters and their rows.

The OpenAPI 3.1 document (``/api/v1/openapi.json``), the request validation in :mod:`callbacks.api`
and the human page at ``/api`` are all generated from :data:`ENDPOINTS`, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from layouts.i18n import LANGS
from layouts.ids import API_PREFIX
from metrics.lq import MEASURES
from metrics.views import NORMALISATIONS

PREFIX = API_PREFIX
LEVELS = ("prefecture", "municipality")
REGION_LEVELS = ("prefecture", "municipality", "group")
FORMATS = ("json", "csv")
PREFECTURE_CODES = tuple(f"{i:02d}" for i in range(1, 48))

NUMBER = {"type": ["number", "null"]}
INTEGER = {"type": ["integer", "null"]}
TEXT = {"type": ["string", "null"]}
BOOLEAN = {"type": "boolean"}


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict
    description: str
    required: bool = False
    where: str = "query"


@dataclass(frozen=True)
class Endpoint:
    path: str                       # below PREFIX, OpenAPI style ({id})
    operation: str
    summary_ja: str
    summary_en: str
    params: tuple[Param, ...]
    row: dict[str, dict]            # column → JSON schema of one data row
    example: str                    # a query string for the curl example
    has_404: bool = False
    extra: dict = field(default_factory=dict)


FORMAT = Param("format", {"type": "string", "enum": list(FORMATS)},
               "json (default) or csv (UTF-8 with BOM, opens in Excel); `Accept: text/csv` does the same")
YEAR = Param("year", {"type": "integer", "minimum": 1900, "maximum": 2100},
             "reference year; omitted = the latest year with data")

INDICATOR_ROW = {
    "id": {"type": "string"}, "name_ja": {"type": "string"}, "name_en": {"type": "string"}, "unit": TEXT,
    "unit_en": TEXT, "theme": {"type": "string"}, "kind": {"type": "string"}, "definition_ja": TEXT,
    "definition_en": TEXT, "status": {"type": "string", "enum": ["loaded", "not loaded"]},
    "prefecture_years": {"type": "array", "items": {"type": "integer"}},
    "municipality_years": {"type": "array", "items": {"type": "integer"}},
    "higher_is_better": {"type": ["boolean", "null"]}, "aggregation": {"type": "string"},
    "source_ja": TEXT, "source_en": TEXT, "credit": TEXT,
}
VALUE_ROW = {"region_code": {"type": "string"}, "region_name_ja": {"type": "string"}, "region_name_en": TEXT,
             "year": {"type": "integer"}, "value": NUMBER, "unit": TEXT, "dataset": TEXT}

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/indicators", "listIndicators", "指標の一覧（名称・単位・定義・年・出典・クレジット）",
             "The catalog: names, units, definitions, years, source and credit of every indicator",
             (FORMAT,), INDICATOR_ROW, ""),
    Endpoint("/indicators/{id}", "getIndicator", "1つの指標と、その出典データセット・年・地域数",
             "One indicator, with the datasets it comes from and the regions and years it has",
             (Param("id", {"type": "string", "maxLength": 64}, "indicator id, e.g. A1101", True, "path"), FORMAT),
             {**INDICATOR_ROW, "datasets": {"type": "array", "items": {"type": "object"}},
              "regions": {"type": "object"}}, "", has_404=True, extra={"example_path": "/indicators/A1101"}),
    Endpoint("/regions", "listRegions", "地域の一覧（コード・名称・都道府県・ブロック・都市圏）",
             "Regions: codes, names, prefecture, block and metropolitan group",
             (Param("level", {"type": "string", "enum": list(REGION_LEVELS)},
                    "prefecture (default), municipality or group (全国, blocks, 三大都市圏, 地方圏)"), FORMAT),
             {"code": {"type": "string"}, "level": {"type": "string"}, "name_ja": {"type": "string"},
              "name_en": TEXT, "prefecture_code": TEXT, "block_code": TEXT, "metro_code": TEXT},
             "?level=prefecture"),
    Endpoint("/values", "getValues", "1つの指標の地域別の値（単位・出典データセット付き）",
             "Values of one indicator for every region of a level, with unit and dataset",
             (Param("indicator", {"type": "string", "maxLength": 64}, "indicator id (see /indicators)", True),
              YEAR,
              Param("level", {"type": "string", "enum": list(LEVELS)}, "prefecture (default) or municipality"),
              Param("prefecture", {"type": "string", "enum": list(PREFECTURE_CODES)},
                    "limit municipalities to one prefecture (two-digit code)"),
              Param("norm", {"type": "string", "enum": list(NORMALISATIONS)},
                    "none (default), per_1000, per_km2, share, relative or deviation"), FORMAT),
             VALUE_ROW, "?indicator=univ_students_per_1000&year=2022"),
    Endpoint("/lq", "getLocationQuotients", "特化係数（従業者・事業所・付加価値額）と実数・強みの判定",
             "Location quotients with the counts behind them and the strength flag",
             (Param("measure", {"type": "string", "enum": list(MEASURES)},
                    "employees (default), establishments or value_added"), YEAR,
              Param("level", {"type": "string", "enum": list(LEVELS)}, "prefecture (default) or municipality"),
              Param("against", {"type": "string", "enum": ["nation", "prefecture"]},
                    "nation (default) or, for municipalities, their own prefecture"),
              Param("region", {"type": "string", "maxLength": 8}, "only this region's rows (code)"), FORMAT),
             {"region_code": {"type": "string"}, "region_name_ja": TEXT, "region_name_en": TEXT,
              "industry_code": {"type": "string"}, "industry_name_ja": TEXT, "industry_name_en": TEXT,
              "measure": {"type": "string"}, "year": {"type": "integer"}, "value": NUMBER, "region_total": NUMBER,
              "share": NUMBER, "lq": NUMBER, "share_of_reference": NUMBER, "strength": BOOLEAN},
             "?measure=employees&level=prefecture"),
    Endpoint("/compare", "getComparison", "順位・偏差値・パーセンタイル・地域グループの値と差",
             "Rank, deviation score, percentile, group values and gaps for the 47 prefectures",
             (Param("indicator", {"type": "string", "maxLength": 64}, "indicator id", True), YEAR, FORMAT),
             {"region_code": {"type": "string"}, "region_name_ja": TEXT, "region_name_en": TEXT,
              "year": {"type": "integer"}, "value": NUMBER, "rank": NUMBER, "deviation_score": NUMBER,
              "percentile": NUMBER, "national_value": NUMBER, "metro_value": NUMBER, "non_metro_value": NUMBER,
              "block_code": TEXT, "block_value": NUMBER, "gap_national": NUMBER, "gap_metro": NUMBER,
              "gap_non_metro": NUMBER, "gap_block": NUMBER, "group_method": {"type": "string"}},
             "?indicator=C122101"),
    Endpoint("/index", "getIndex", "合成指数（地域イノベーション）: 値・グループ・順位の幅・使った指標",
             "The composite innovation index: scores, performance groups, rank bands and what went in",
             (Param("indicators", {"type": "string", "maxLength": 400}, "comma-separated indicator ids"),
              Param("weights", {"type": "string", "maxLength": 400}, "id=weight pairs, e.g. a=2,b=1"), FORMAT),
             {"region_code": {"type": "string"}, "region_name_ja": TEXT, "region_name_en": TEXT, "index": NUMBER,
              "relative": NUMBER, "group": TEXT, "rank": NUMBER, "rank_best": NUMBER, "rank_worst": NUMBER,
              "tied_with": TEXT, "tie_reason": TEXT, "indicators": TEXT, "study_coverage": TEXT, "note": TEXT},
             ""),
    Endpoint("/findings", "getFindings", "地域の所見（文と、その根拠の数値）", "Written findings with their numbers",
             (Param("region", {"type": "string", "maxLength": 8},
                    "prefecture code 01–47 or municipality code (5 digits, e.g. 08202)", True),
              Param("lang", {"type": "string", "enum": list(LANGS)}, "ja (default) or en"), FORMAT),
             {"kind": {"type": "string"}, "subject": {"type": "string"}, "text": {"type": "string"},
              "numbers": {"type": ["object", "string"]}},
             "?region=17&lang=en"),
    Endpoint("/peers", "getPeers", "似た地域: 類似団体（総務省の類型）と、指標の組み合わせで近い地域（理由付き）",
             "Peers: a municipality's ruiji dantai (the MIC peer type) and the regions nearest on a "
             "standardised profile, each with why",
             (Param("region", {"type": "string", "maxLength": 8},
                    "municipality code (5 digits, e.g. 08202) or prefecture code 01–47 (distance peers only)", True),
              Param("kind", {"type": "string", "enum": ["ruiji", "distance"]},
                    "ruiji (MIC peer type only) or distance (nearest on the profile only); omitted = both"),
              Param("lang", {"type": "string", "enum": list(LANGS)}, "ja (default) or en"), FORMAT),
             {"region_code": {"type": "string"}, "region_name": TEXT,
              "peer_kind": {"type": "string", "enum": ["類似団体", "distance"]}, "peer_type": TEXT,
              "distance": NUMBER, "why": TEXT},
             "?region=08202"),
    Endpoint("/profile", "getProfile", "市区町村のカルテ（主な指標の順位・人口構成・産業・財政・所見。一つの行）",
             "A municipality's profile: headline figures with ranks, age structure, industries, finance and "
             "findings (one nested row)",
             (Param("region", {"type": "string", "maxLength": 8}, "municipality code (5 digits, e.g. 08202)", True),
              Param("lang", {"type": "string", "enum": list(LANGS)}, "ja (default) or en"), FORMAT),
             {"code": {"type": "string"}, "level": {"type": "string"}, "lang": {"type": "string"},
              "name": {"type": "string"}, "name_ja": {"type": "string"}, "name_en": TEXT,
              "prefecture_code": {"type": "string"}, "prefecture": TEXT, "prefecture_ja": TEXT, "prefecture_en": TEXT,
              "kind": TEXT, "peer_type": {"type": ["object", "null"]},
              "headline": {"type": "array", "items": {"type": "object"}}, "population": {"type": "object"},
              "industry": {"type": "object"}, "finance": {"type": "array", "items": {"type": "object"}},
              "changes": {"type": "array", "items": {"type": "object"}},
              "findings": {"type": "array", "items": {"type": "object"}}},
             "?region=08202&lang=en"),
)


def endpoint(path: str) -> Endpoint:
    return next(e for e in ENDPOINTS if e.path == path)


def _problem_schema() -> dict:
    return {"type": "object", "required": ["type", "title", "status", "detail"],
            "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                           "detail": {"type": "string"}, "parameter": {"type": "string"},
                           "allowed": {"type": "array", "items": {"type": "string"}}}}


def openapi(version: str) -> dict:
    """The OpenAPI 3.1 document of every endpoint (``version`` = the data version, for the record)."""
    meta = {"type": "object", "required": ["source", "credit", "licence", "data_version"],
            "properties": {"source": {"type": "string"}, "credit": {"type": "string"},
                           "licence": {"type": "string"}, "data_version": {"type": "string"}}}
    paths = {}
    for e in ENDPOINTS:
        row = {"type": "object", "properties": e.row}
        responses = {
            "200": {"description": "rows and their provenance",
                    "headers": {"ETag": {"schema": {"type": "string"}}},
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["data", "meta"],
                        "properties": {"data": {"type": "array", "items": row}, "meta": meta}}},
                                "text/csv": {"schema": {"type": "string"}}}},
            "304": {"description": "not modified (If-None-Match matched the data version)"},
            "400": {"description": "a parameter is missing or not allowed",
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
        }
        if e.has_404:
            responses["404"] = {"description": "no such indicator", "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        paths[e.path] = {"get": {
            "operationId": e.operation, "summary": e.summary_en, "description": e.summary_ja,
            "parameters": [{"name": p.name, "in": p.where, "required": p.required or p.where == "path",
                            "description": p.description, "schema": p.schema} for p in e.params],
            "responses": responses}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "chiiki open data API", "version": "1",
                 "description": "Read-only figures of the chiiki dashboard with their sources and credit lines "
                                f"(data version {version}). Every response names its source, credit and licence."},
        "servers": [{"url": PREFIX}],
        "paths": paths,
        "components": {"schemas": {"Problem": _problem_schema()}},
    }
