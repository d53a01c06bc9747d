"""Export wiring every page shares: PNG/SVG of a chart in the browser, CSV/Excel of a table."""

from __future__ import annotations

import io

import pandas as pd
from dash import Dash, Input, Output, dcc


def with_provenance(df: pd.DataFrame, meta: dict | None) -> pd.DataFrame:
    """Every exported row carries the unit, source and credit of its figures (from the catalog row
    ``meta``), so a CSV pasted into a council paper still says where its numbers come from."""
    if not meta:
        return df
    out = df.copy()
    if "unit" not in out:
        out["unit"] = meta.get("unit") or ""
    out["source"] = meta.get("source_ja") or ""
    out["credit"] = meta.get("credit") or ""
    return out


def send_frame(df: pd.DataFrame, name: str, fmt: str, meta: dict | None = None) -> dict:
    """A dcc.Download payload: CSV (UTF-8 with BOM, so Excel reads the Japanese) or an .xlsx file.

    With ``meta`` (a catalog row) each row gets unit, source and credit columns; the workbook also
    gets a sheet 出典 with the indicator's name, definition, source and credit.
    """
    df = with_provenance(df, meta)
    if fmt == "csv":
        return dcc.send_bytes(df.to_csv(index=False).encode("utf-8-sig"), f"{name}.csv")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        df.to_excel(writer, index=False, sheet_name="data")
        if meta:
            keys = ["id", "name_ja", "name_en", "unit", "definition_ja", "definition_en", "source_ja", "source_en",
                    "credit"]
            pd.DataFrame({"項目 / field": keys, "内容 / value": [meta.get(k) or "" for k in keys]}).to_excel(
                writer, index=False, sheet_name="出典")
    return dcc.send_bytes(buf.getvalue(), f"{name}.xlsx")


def export_format(prefix: str) -> str:
    """The format of the export button of ``prefix`` that fired: Excel for its xlsx button, else CSV.

    A crafted request may name no trigger, or another one; CSV is the harmless answer then.
    """
    from dash import ctx

    return "xlsx" if ctx.triggered_id == f"{prefix}-xlsx" else "csv"


def register_image_export(app: Dash, prefix: str, graph_id: str, filename: str, done_id: str) -> None:
    """The PNG and SVG buttons of ``prefix`` download ``graph_id`` as drawn (title, unit, source included);
    its present and pin buttons start presentation mode and add the view to the tour."""
    app.clientside_callback("function(n) { return window.dash_clientside.chiiki.present(n); }",
                            Output(f"{prefix}-present", "title"), Input(f"{prefix}-present", "n_clicks"),
                            prevent_initial_call=True)
    app.clientside_callback("function(n) { return window.dash_clientside.chiiki.pinView(n); }",
                            Output(f"{prefix}-pin-count", "children"), Input(f"{prefix}-pin", "n_clicks"),
                            prevent_initial_call=True)
    app.clientside_callback(
        f"""function(png, svg) {{ return window.dash_clientside.chiiki.downloadImage(png, svg, '{graph_id}',
                                                                                    '{filename}'); }}""",
        Output(done_id, "children"), Input(f"{prefix}-png", "n_clicks"), Input(f"{prefix}-svg", "n_clicks"),
        prevent_initial_call=True)
