"""``chiiki``: the project's command line (build, indicators, export, import, fetch, doctor, serve)."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from loaders.errors import DataError
from metrics.views import NORMALISATIONS


def _write_frame(df: pd.DataFrame, fmt: str, output: str | None) -> None:
    if fmt == "csv":
        text = df.to_csv(index=False)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    elif fmt == "json":
        text = df.to_json(orient="records", force_ascii=False, indent=1)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
    elif fmt == "xlsx":
        buf = io.BytesIO()
        df.to_excel(buf, index=False)
        if output:
            Path(output).write_bytes(buf.getvalue())
        else:
            sys.stdout.buffer.write(buf.getvalue())


def cmd_build(args: argparse.Namespace) -> int:
    from loaders.build import build_tables, write
    from loaders.store import PROJECT_ROOT

    raw = Path(args.raw)
    if not raw.is_dir():
        raise DataError(f"raw folder not found: {raw}")
    result = build_tables(raw)
    out = Path(args.output) if args.output else PROJECT_ROOT / "data"
    assets = Path(args.assets) if args.assets else PROJECT_ROOT / "assets"
    write(result, out, assets)
    counts = result.manifest["counts"]
    print(f"built {out}: {counts['observations']} observations, {counts['catalog']} catalog entries, "
          f"{counts['municipalities']} municipalities", file=sys.stderr)
    conflicts = result.tables["conflicts"]
    # The newest publication wins; say every time it had to choose, so a revision is never silent.
    print(f"{len(conflicts)} disagreements between editions resolved (newest publication wins; listed in "
          f"{out / 'SOURCES.md'}):", file=sys.stderr)
    for c in conflicts.itertuples():
        print(f"  {c.indicator_id} {c.region_code} {c.year}: {c.values} → {c.winner_value:g} ({c.winner})",
              file=sys.stderr)
    return 0


def _cursor():
    from loaders.store import get_store

    return get_store().cursor()


def cmd_indicators(args: argparse.Namespace) -> int:
    from loaders import query

    df = query.catalog(_cursor())
    for col in ("prefecture_years", "municipality_years"):
        df[col] = df[col].map(lambda ys: " ".join(str(int(y)) for y in ys) if hasattr(ys, "__len__") else "")
    cols = ["id", "name_ja", "name_en", "unit", "theme", "kind", "status", "prefecture_years",
            "municipality_years", "definition_en", "source_en", "credit", "how_to_load"]
    _write_frame(df[cols], args.format, args.output)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from metrics import service

    cur = _cursor()
    if args.what == "indicator":
        if not args.id:
            raise DataError("export indicator needs an indicator id")
        # The same rows as the map's table and the API's /values (one function for all three).
        df = service.values_table(cur, args.id, args.year, level=args.level, prefecture=args.prefecture,
                                  normalisation=args.norm)
        df = df.rename(columns={"region_name_ja": "region_name"}).drop(columns="region_name_en")
    elif args.what == "lq":
        df = service.lq_table(cur, args.measure, args.year, level=args.level, against=args.against)
        df = df.rename(columns={"region_name_ja": "region_name", "industry_name_ja": "industry"})[
            ["region_code", "region_name", "industry_code", "industry", "year", "value", "share", "lq",
             "share_of_reference", "strength"]]
    elif args.what == "compare":
        if not args.id:
            raise DataError("export compare needs an indicator id")
        df = service.comparison(cur, args.id, args.year)
    elif args.what == "peers":
        if not args.id:
            raise DataError("export peers needs a region (code or name, e.g. 08202 or 日立市)")
        # The same rows as the API's /peers (one function for both).
        df = service.peers_table(cur, service.resolve_region(cur, args.id), args.kind, args.lang)
    elif args.what == "profile":
        if not args.id:
            raise DataError("export profile needs a municipality (code or name, e.g. 08202 or 日立市)")
        code = service.resolve_region(cur, args.id, levels=("municipality",))
        return _write_profile(service.municipal_profile(cur, code, args.lang), args.format, args.output)
    else:  # index
        weights = service.parse_weights(args.weights)
        # The `note` and `study_coverage` columns say on every row how many of the study's six
        # indicators went in and which are proxies, so the file stays plain CSV.
        df, result = service.index_frame(cur, args.indicators.split(",") if args.indicators else None, weights)
        for note in result.notes:
            print(f"note: {note}", file=sys.stderr)
    _write_frame(df, args.format, args.output)
    return 0


def _plain(v):
    """A nested document as plain JSON values: numpy/pandas types unwrapped, NaN and NA as null."""
    import math

    if isinstance(v, pd.DataFrame):
        return [_plain(r) for r in v.to_dict("records")]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set | pd.Series | np.ndarray):
        return [_plain(x) for x in list(v)]
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return v if isinstance(v, str | int | float | bool) else str(v)


def _write_profile(profile, fmt: str, output: str | None) -> int:
    """A municipal profile: a table as any export, a nested document as JSON only."""
    if isinstance(profile, pd.DataFrame):
        _write_frame(profile, fmt, output)
        return 0
    if fmt != "json":
        raise DataError("a municipal profile is a nested document; export it with --format json")
    text = json.dumps(_plain(profile), ensure_ascii=False, indent=1, allow_nan=False)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0


def cmd_findings(args: argparse.Namespace) -> int:
    from metrics import service

    cur = _cursor()
    try:
        code = service.resolve_region(cur, args.region)
    except service.AmbiguousRegion as exc:
        print(f"chiiki: error: findings: {exc}", file=sys.stderr)
        for c in exc.candidates:
            print(f"  {c['code']}  {c['name_ja']}  ({c['prefecture_ja']})", file=sys.stderr)
        return 2
    except DataError as exc:
        raise DataError(f"findings: {exc}") from None
    if len(code) == 5:
        # A municipality's findings are part of its profile (ranks in its prefecture and 類似団体).
        found = [SimpleNamespace(**f) for f in service.municipal_profile(cur, code, args.lang)["findings"]]
    else:
        found = service.region_findings(cur, code)
    if args.format == "text":
        for f in found:
            print(f.text_en if args.lang == "en" else f.text_ja)
        return 0
    df = pd.DataFrame([dict(kind=f.kind, subject=f.subject, text_ja=f.text_ja, text_en=f.text_en,
                            numbers=json.dumps(f.numbers, ensure_ascii=False)) for f in found])
    _write_frame(df, args.format, args.output)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from loaders.importers import run_import

    files = [Path(f) for f in args.file]
    koyo_books = args.kind == "koyo" and files[0].suffix.lower() in (".xlsx", ".xlsm", ".xls")
    if koyo_books and (len(files) > 1 or _is_koyo_workbook(files[0])):
        from loaders.importers.koyo import import_workbooks

        print(import_workbooks(files, source=args.source, replace_official=args.replace_official), file=sys.stderr)
        return 0
    if len(files) > 1:
        raise DataError(f"import {args.kind} takes one file; only koyo takes the 年報 and 月報 workbooks together")
    report = run_import(args.kind, files[0], indicator=args.indicator, mapping=args.mapping,
                        source=args.source, replace_official=args.replace_official)
    print(report, file=sys.stderr)
    return 0


def _is_koyo_workbook(path: Path) -> bool:
    from loaders.importers.koyo import workbook_kind

    return path.is_file() and workbook_kind(path) is not None


def cmd_fetch(args: argparse.Namespace) -> int:
    from loaders.estat_fetch import fetch_and_import

    if args.source_kind == "koyo":
        from loaders.estat_fetch import fetch_koyo, parse_fiscal_years

        print(fetch_koyo(parse_fiscal_years(args.fy), replace_official=args.replace_official), file=sys.stderr)
        return 0
    if args.source_kind == "patents":
        from loaders.estat_fetch import fetch_patents

        print(fetch_patents(replace_official=args.replace_official), file=sys.stderr)
        return 0
    if args.source_kind != "estat":
        raise DataError(f"unknown fetch source {args.source_kind!r}; expected: estat, koyo, patents")
    if not args.table_id:
        raise DataError("fetch estat needs a table id (e-Stat statsDataId, 10 digits)")
    print(fetch_and_import(args.table_id, indicator=args.indicator, mapping=args.mapping,
                           replace_official=args.replace_official), file=sys.stderr)
    return 0


def _doctor_text(h: dict) -> str:
    """``store.health()`` as lines a person reads at a terminal."""
    def mb(n):
        return "?" if n is None else f"{n / 1e6:,.1f} MB"

    s, u = h["serving"], h["user_store"]
    lines = [f"chiiki doctor: {h['status']}"]
    if s:
        where = " (temporary copy)" if s["fallback"] else ""
        lines.append(f"  serving database  {s['path']}{where}: data version {h['data_version']}, "
                     f"{h['imports']} imports, built {s['built_at']}, {mb(s['size_bytes'])}")
    else:
        lines.append("  serving database  none")
    count = f", {u['imports']} imports" if u["imports"] is not None else ""
    detail = f" ({u['detail']})" if u["detail"] else ""
    lines.append(f"  user store        {u['path']}: {u['status']}{count}{detail}")
    newest = f", newest {h['backups'][0]['path']} ({h['backups'][0]['imports']} imports, " \
             f"{h['backups'][0]['created']})" if h["backups"] else ""
    lines.append(f"  backups           {len(h['backups'])}{newest}")
    lines.append(f"  free disk space   {mb(h['disk']['free_bytes'])} in {h['disk']['path']} "
                 f"(an import needs about {mb(h['disk']['needed_for_import_bytes'])})")
    writable = "writable" if h["user_dir"]["writable"] else "NOT writable"
    lines.append(f"  user directory    {h['user_dir']['path']} ({writable})")
    if h["limits"]:
        lines.append(f"  DuckDB limits     memory_limit {h['limits']['memory_limit']}, threads "
                     f"{h['limits']['threads']} per process")
    for p in h["problems"]:
        lines += [f"problem: {p['what']}", f"  repair: {p['repair']}"]
    return "\n".join(lines)


def cmd_doctor(args: argparse.Namespace) -> int:
    from loaders import store

    if args.restore_backup is not None:
        print(store.restore_backup(args.restore_backup or None), file=sys.stderr)
    if args.backup:
        print(store.backup_user_store(), file=sys.stderr)
    if args.rebuild:
        print(f"rebuilt {store.build_serving_db()}", file=sys.stderr)
    h = store.health(current=False)
    if args.format == "json":
        print(json.dumps(h, ensure_ascii=False, indent=1))
    else:
        print(_doctor_text(h))
    # Scripts and monitoring can act on the exit status alone.
    return {"ok": 0, "degraded": 1}.get(h["status"], 2)


def cmd_serve(args: argparse.Namespace) -> int:
    import ipaddress
    import logging
    import os

    try:
        loopback = args.host == "localhost" or ipaddress.ip_address(args.host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    # The one local user of a loopback server administers their own copy: uploads need no token.
    # Reachable from other machines, only CHIIKI_ADMIN_TOKEN allows them.
    if loopback:
        os.environ["CHIIKI_LOCAL_ADMIN"] = "1"
    else:
        os.environ.pop("CHIIKI_LOCAL_ADMIN", None)
    # chiiki logs one line per request itself (without query strings); werkzeug's would double it.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from app import app
    from callbacks.data_callbacks import upload_mode

    uploads = {"local": "allowed (this computer only)", "token": "with CHIIKI_ADMIN_TOKEN", "off": "off"}
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"chiiki: serving on http://{host}:{args.port}/ (uploads: {uploads[upload_mode()]})", file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=False)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chiiki", description="Regional statistics of Japan: build, query, "
                                "import and serve.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build data/ from the official raw files")
    b.add_argument("--raw", required=True, help="folder with the raw files (e.g. ../shared/data/raw)")
    b.add_argument("--output", help="data folder to write (default: the project's data/)")
    b.add_argument("--assets", help="assets folder for boundaries (default: the project's assets/)")
    b.set_defaults(func=cmd_build)

    formats = ("csv", "xlsx", "json")
    i = sub.add_parser("indicators", help="list the indicator catalog")
    i.add_argument("--format", choices=formats, default="csv")
    i.add_argument("--output", help="file to write instead of stdout")
    i.set_defaults(func=cmd_indicators)

    e = sub.add_parser("export", help="export an indicator, location quotients, a comparison, the index, the peers "
                                      "or the profile of a region")
    e.add_argument("what", choices=["indicator", "lq", "compare", "index", "peers", "profile"])
    e.add_argument("id", nargs="?", help="indicator id (indicator, compare); region code or name (peers, profile)")
    e.add_argument("--year", type=int)
    e.add_argument("--level", choices=["prefecture", "municipality"], default="prefecture")
    e.add_argument("--measure", choices=["employees", "establishments", "value_added"], default="employees",
                   help="for lq")
    e.add_argument("--against", choices=["nation", "prefecture"], default="nation",
                   help="for lq of municipalities: the nation or their own prefecture")
    e.add_argument("--prefecture", help="for indicator at municipality level: limit to a prefecture (01–47)")
    e.add_argument("--norm", default="none", choices=NORMALISATIONS,
                   help="for indicator: show as (default: the value as published)")
    e.add_argument("--indicators", help="for index: comma-separated indicator ids (default: the catalog's)")
    e.add_argument("--weights", help="for index: id=weight,… (default: equal)")
    e.add_argument("--kind", choices=["ruiji", "distance"],
                   help="for peers: only the 類似団体 (same type) or only the nearest on the profile (default: both)")
    e.add_argument("--lang", choices=["ja", "en"], default="ja", help="for peers and profile: language of the text")
    e.add_argument("--format", choices=formats, default="csv")
    e.add_argument("--output", help="file to write instead of stdout")
    e.set_defaults(func=cmd_export)

    im = sub.add_parser("import", help="import an official file (estat, koyo, gnt, tidy)")
    im.add_argument("kind", choices=["estat", "koyo", "gnt", "tidy"])
    im.add_argument("file", nargs="+", help="the file; for koyo the official 年報 第25表(1) and previous March 月報 "
                                            "第1表 workbooks (any number of fiscal years)")
    im.add_argument("--indicator", help="catalog indicator the e-Stat table maps to")
    im.add_argument("--mapping", help="e-Stat mapping as JSON, e.g. '{\"filters\": {\"cat01\": \"100\"}}'")
    im.add_argument("--source", help="source note stored with the import")
    im.add_argument("--replace-official", action="store_true",
                    help="administrators only: allow values that replace figures of the bundled official data "
                         "(the import log records how many)")
    im.set_defaults(func=cmd_import)

    fi = sub.add_parser("findings", help="written findings for a prefecture or municipality",
                        description="Exit status 2 for an unknown region or a name several municipalities share "
                                    "(the candidates are listed with their prefectures).")
    fi.add_argument("region", help="code or name, e.g. 17, 石川県, 08202, 日立市, 東京都府中市")
    fi.add_argument("--lang", choices=["ja", "en"], default="ja")
    fi.add_argument("--format", choices=["text", *formats], default="text")
    fi.add_argument("--output", help="file to write instead of stdout")
    fi.set_defaults(func=cmd_findings)

    f = sub.add_parser("fetch", help="download official tables and import them: estat ID and patents (ESTAT_APP_ID), "
                                     "koyo (no id needed)")
    f.add_argument("source_kind", choices=["estat", "koyo", "patents"])
    f.add_argument("table_id", nargs="?", help="for estat: e-Stat statsDataId (10 digits)")
    f.add_argument("--fy", help="for koyo: fiscal years, e.g. 2024 or 2022-2024 (default: all recorded)")
    f.add_argument("--indicator", help="catalog indicator the table maps to")
    f.add_argument("--mapping", help="mapping as JSON (filters for the other dimensions)")
    f.add_argument("--replace-official", action="store_true",
                   help="administrators only: allow values that replace figures of the bundled official data")
    f.set_defaults(func=cmd_fetch)

    dr = sub.add_parser("doctor", help="check the serving database, user store, backups and disk; repair them",
                        description="Exit status: 0 ok, 1 degraded (data serves, something needs repair), "
                                    "2 nothing can be served.")
    dr.add_argument("--rebuild", action="store_true", help="rebuild the serving database now")
    dr.add_argument("--backup", action="store_true", help="back up the user store now")
    dr.add_argument("--restore-backup", nargs="?", const="", metavar="FILE",
                    help="put the newest readable backup (or FILE) back as the user store, keeping the "
                         "current one aside, and rebuild")
    dr.add_argument("--format", choices=["text", "json"], default="text")
    dr.set_defaults(func=cmd_doctor)

    s = sub.add_parser("serve", help="start the dashboard")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8050)
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Any serving file this command builds (an import rebuilds it) carries the precomputed results,
    # like one the server builds; a file built without them would be served without them.
    from metrics import precompute

    precompute.register()
    try:
        return args.func(args)
    except (DataError, FileNotFoundError) as exc:
        print(f"chiiki: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
