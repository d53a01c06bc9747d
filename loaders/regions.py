"""Regions: the nation, 8 blocks, the metropolitan grouping, 47 prefectures, municipalities.

Prefecture names and blocks come from the dataofjapan/land reference tables (JIS X 0401 codes);
municipalities come from SSDSE-A. The metropolitan grouping (三大都市圏) is the definition the
project's issue tracker fixed: 首都圏 1都7県 including 茨城・栃木・群馬・山梨, 中京圏 3県, 近畿圏 2府4県.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.errors import DataError

NATION_CODE = "00"

METRO_GROUPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "metro-shutoken": ("首都圏", "Greater Tokyo", ("08", "09", "10", "11", "12", "13", "14", "19")),
    "metro-chukyo": ("中京圏", "Chukyo (Nagoya)", ("21", "23", "24")),
    "metro-kinki": ("近畿圏", "Kinki (Osaka)", ("25", "26", "27", "28", "29", "30")),
}
METRO_ALL = "metro-all"
NON_METRO = "non-metro"

# dataofjapan/land numbers Okinawa as a ninth region; the customary eight blocks put it in Kyushu.
_BLOCK_MERGE = {"8": "7"}
_BLOCK_NAMES_MERGED = {"7": ("九州・沖縄", "Kyushu-Okinawa")}

REGION_COLUMNS = ["code", "level", "name_ja", "name_en", "prefecture_code", "block_code", "metro_code",
                  "sort_order"]


def pref_code(value: int | str) -> str:
    """Two-digit JIS prefecture code for 1..47 given as int or string."""
    return f"{int(value):02d}"


def read_prefecture_reference(prefectures_csv: Path, blocks_csv: Path) -> pd.DataFrame:
    """Read the 47 prefectures with their block from the dataofjapan/land CSVs.

    Returns columns code, name_ja, name_en, block_code, block_name_ja, block_name_en.
    """
    prefs = pd.read_csv(prefectures_csv, dtype=str, encoding="utf-8")
    blocks = pd.read_csv(blocks_csv, dtype=str, encoding="utf-8")
    for col in ("id", "name-ja", "name-en", "regions"):
        if col not in prefs.columns:
            raise DataError(f"missing column {col!r}", file=str(prefectures_csv))
    if len(prefs) != 47:
        raise DataError(f"expected 47 prefectures, found {len(prefs)}", file=str(prefectures_csv))
    block_names = {r["id"]: (r["name-ja"], r["name-en"]) for _, r in blocks.iterrows()}
    block_names.update(_BLOCK_NAMES_MERGED)
    out = pd.DataFrame({
        "code": prefs["id"].map(pref_code),
        "name_ja": prefs["name-ja"],
        "name_en": prefs["name-en"],
        "block_id": prefs["regions"].map(lambda b: _BLOCK_MERGE.get(b, b)),
    })
    out["block_name_ja"] = out["block_id"].map(lambda b: block_names[b][0])
    out["block_name_en"] = out["block_id"].map(lambda b: block_names[b][1])
    out["block_code"] = "block-" + out["block_name_en"].str.lower().str.replace(r"[^a-z]+", "-", regex=True)
    if sorted(out["code"]) != [pref_code(i) for i in range(1, 48)]:
        raise DataError("prefecture ids are not exactly 1..47", file=str(prefectures_csv))
    return out.drop(columns="block_id")


def metro_code_of(prefecture: str) -> str:
    for code, (_, _, members) in METRO_GROUPS.items():
        if prefecture in members:
            return code
    return NON_METRO


def build_regions(prefs: pd.DataFrame, municipalities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Assemble the regions table and the group membership table.

    Parameters
    ----------
    prefs : DataFrame
        Output of :func:`read_prefecture_reference`.
    municipalities : DataFrame
        Columns code (5 digits), name_ja, prefecture_code.

    Returns
    -------
    regions : DataFrame
        One row per region with ``REGION_COLUMNS``; level is one of nation, block, metro,
        prefecture, municipality.
    members : DataFrame
        group_code, prefecture_code for every block and metropolitan group (and 全国).
    """
    rows: list[dict] = [dict(code=NATION_CODE, level="nation", name_ja="全国", name_en="Japan")]
    blocks = prefs.drop_duplicates("block_code")
    rows += [dict(code=b.block_code, level="block", name_ja=b.block_name_ja, name_en=b.block_name_en)
             for b in blocks.itertuples()]
    rows.append(dict(code=METRO_ALL, level="metro", name_ja="三大都市圏", name_en="Three metropolitan areas"))
    rows += [dict(code=c, level="metro", name_ja=ja, name_en=en) for c, (ja, en, _) in METRO_GROUPS.items()]
    rows.append(dict(code=NON_METRO, level="metro", name_ja="地方圏", name_en="Non-metropolitan areas"))
    for p in prefs.itertuples():
        rows.append(dict(code=p.code, level="prefecture", name_ja=p.name_ja, name_en=p.name_en,
                         prefecture_code=p.code, block_code=p.block_code, metro_code=metro_code_of(p.code)))
    pref_lookup = prefs.set_index("code")
    for m in municipalities.sort_values("code").itertuples():
        if m.prefecture_code not in pref_lookup.index:
            raise DataError(f"municipality {m.code} has unknown prefecture {m.prefecture_code}")
        p = pref_lookup.loc[m.prefecture_code]
        rows.append(dict(code=m.code, level="municipality", name_ja=m.name_ja, name_en=None,
                         prefecture_code=m.prefecture_code, block_code=p.block_code,
                         metro_code=metro_code_of(m.prefecture_code)))
    regions = pd.DataFrame(rows).reindex(columns=REGION_COLUMNS)
    regions["sort_order"] = range(len(regions))
    regions["sort_order"] = regions["sort_order"].astype("int32")

    members = []
    for p in prefs.itertuples():
        members.append((NATION_CODE, p.code))
        members.append((p.block_code, p.code))
        metro = metro_code_of(p.code)
        members.append((metro, p.code))
        if metro != NON_METRO:
            members.append((METRO_ALL, p.code))
    members_df = pd.DataFrame(members, columns=["group_code", "prefecture_code"])
    members_df = members_df.sort_values(["group_code", "prefecture_code"]).reset_index(drop=True)
    return regions, members_df
