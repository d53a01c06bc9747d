"""Every CSV/Excel export carries unit, source and credit, so a pasted table still says where it is from."""

from __future__ import annotations

import base64
import io

import pandas as pd


def _frame(payload: dict, fmt: str, sheet: str | int = 0) -> pd.DataFrame:
    raw = base64.b64decode(payload["content"])
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype={"region_code": str})
    return pd.read_excel(io.BytesIO(raw), sheet_name=sheet)


def test_map_export_rows_name_unit_source_credit_and_dataset():
    from callbacks import map_callbacks

    for fmt in ("csv", "xlsx"):
        df = _frame(map_callbacks.export_data("H5614", 2019, "prefecture", None, "none", "ja", fmt), fmt)
        assert {"unit", "source", "credit", "dataset"} <= set(df.columns)
        assert df["credit"].str.contains("SSDSE").all() and (df["unit"] == "%").all()
    about = _frame(map_callbacks.export_data("H5614", 2019, "prefecture", None, "none", "ja", "xlsx"), "xlsx",
                   "出典")
    assert "ごみのリサイクル率" in about.iloc[:, 1].astype(str).tolist()


def test_send_frame_without_meta_is_unchanged():
    from callbacks.exports import send_frame

    df = pd.DataFrame({"a": [1]})
    assert list(_frame(send_frame(df, "x", "csv"), "csv").columns) == ["a"]
