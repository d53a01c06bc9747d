"""Cluster programmes of seed 004's map ⑤ (地域別のデータ（⑤クラスター活動等の分布）) as a table.

The study material lists 161 numbered programmes (「各種クラスター報告書等の公表情報に基づき作成」; it
includes programmes that have ended, and places multi-field or wide-area programmes by their main
activity or area). The list is read from the seed text as it is stored (``../shared/seeds/``), the way
raw files are read from ``../shared/data/raw``; its sha256 goes into the build manifest.

Each programme gets:

* **family** — the text keeps the map's colour legend (eight entries) but not which colour each
  number has. The numbers fall in eight runs that the printed list separates (1–24, 25–42, 43–51,
  52–55, 56–78, 79–95, 96–140, 141–161), one run per legend entry; see :data:`FAMILY_RUNS` for the
  run → family judgement and how sure it is (``family_basis``).
* **fields** — the field(s) in the trailing brackets where the list states them
  (ライフサイエンス, 情報通信, ナノテク・材料, 環境); empty where it does not.
* **area** — one or more prefectures or blocks, with the basis and the reason on every row:
  ``auto``: the name names prefectures or cities (matched from :data:`PLACE_NAMES`, longest first,
  so 北九州 is 福岡 and 東京都 never matches 京都); ``curated``: a judgement row of
  ``curated/cluster_areas.csv`` (wide-area programmes in their block, place names that need a reading
  such as 三遠南信 or けいはんな), which wins over ``auto``; ``not_stated``: neither the name nor a lead
  body named in it says where.

The per-prefecture indicator ``cluster_programmes`` counts, for each prefecture, the programmes placed
in it (one programme placed in three prefectures counts once in each). Block-level and not-stated
programmes are in no prefecture's count, so the prefectures do not add up to the list's 161: the
indicator has no national row and is not additive. It has no direction either (a count of policy
programmes, ended ones included, is not a performance), so it stays out of findings and the index.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.catalog import Indicator
from loaders.errors import DataError

SEED_NAME = "004_f478f2f433150f9e.txt"
CURATED_CSV = Path(__file__).parent / "curated" / "cluster_areas.csv"
CURATED_COLUMNS = ["no", "name", "area", "reason"]
EXPECTED_COUNT = 161
# The material is from the study group's 2021 meeting (its survey ran in February 2021).
REFERENCE_YEAR = 2021
DATASET_ID = "meti-clusters-seed004"
SOURCE_JA = "経済産業省 地域イノベーション研究会資料（seed 004）"
SOURCE_EN = "METI regional-innovation study group material (seed 004), map ⑤"
CREDIT = "経済産業省 地域イノベーション研究会資料「地域別のデータ（⑤クラスター活動等の分布）」を加工して作成"
INDICATOR_ID = "cluster_programmes"

_START = "地域別のデータ（⑤クラスター活動等の分布）"
_END = "経済産業省「第Ⅱ期・産業クラスター計画」"
FIELDS = ("ライフサイエンス", "情報通信", "ナノテク・材料", "環境")


@dataclass(frozen=True)
class FamilyRun:
    first: int
    last: int
    family_ja: str
    family_en: str
    basis: str    # "certain" or "inferred", with why in ``note``
    note: str


# Legend entries as the text gives them. Runs 1–24 (METI bureaus' programmes in bureau order), 25–42
# (the 18 regions of 第Ⅰ期 知的クラスター, 2002), 56–78 (long project titles, the 都市エリア style),
# 96–140 (「…戦略推進地域」「…創出エリア」) and 141–161 (「…イノベーション・エコシステム」) match one
# legend entry each by their names. The three 第Ⅱ期-era runs (43–51, 52–55, 79–95) name the same
# regions and the text cannot tell their legend entries apart; the assignment below follows the
# selection rounds (nine regions in 2007 = グローバル拠点育成型; four smaller regions added after;
# seventeen regions = all of them as carried into the 地域イノベーションクラスタープログラム) and is
# marked "inferred".
FAMILY_RUNS: tuple[FamilyRun, ...] = (
    FamilyRun(1, 24, "産業クラスター計画（第Ⅱ期、経済産業省）", "Industrial Cluster Plan, phase II (METI)", "certain",
              "names are the METI regional bureaus' cluster plans, listed bureau by bureau"),
    FamilyRun(25, 42, "知的クラスター創生事業（第Ⅰ期、文部科学省）", "Knowledge Cluster Initiative, phase I (MEXT)",
              "certain", "the eighteen regions of phase I"),
    FamilyRun(43, 51, "知的クラスター創生事業（第Ⅱ期）グローバル拠点育成型（文部科学省）",
              "Knowledge Cluster Initiative, phase II, global hub type (MEXT)", "inferred",
              "nine regions, the first phase II round; the text does not say which phase II legend entry"),
    FamilyRun(52, 55, "知的クラスター創生事業（第Ⅱ期、文部科学省）", "Knowledge Cluster Initiative, phase II (MEXT)",
              "inferred", "four smaller regions; the text does not say which phase II legend entry"),
    FamilyRun(56, 78, "地域イノベーションクラスタープログラム（都市エリア型、文部科学省）",
              "Regional Innovation Cluster Program, city-area type (MEXT)", "certain",
              "project titles without a cluster name, the city-area style"),
    FamilyRun(79, 95, "地域イノベーションクラスタープログラム（グローバル型、文部科学省）",
              "Regional Innovation Cluster Program, global type (MEXT)", "inferred",
              "seventeen phase II-era regions; the text does not say which legend entry"),
    FamilyRun(96, 140, "地域イノベーション戦略推進地域（文部科学省）", "Regional Innovation Strategy areas (MEXT)",
              "certain", "names end in 戦略推進地域 / 創出エリア / 推進地域"),
    FamilyRun(141, 161, "地域イノベーション・エコシステム形成プログラム（文部科学省）",
              "Regional Innovation Ecosystem Program (MEXT)", "certain", "names of the ecosystem projects"),
)

# Prefecture codes by the names a programme name may use: 都道府県 names with and without 都/府/県,
# hiragana and romanised spellings, cities and old province names. Longest names are matched first.
_PREFS = ("北海道", "青森", "岩手", "宮城", "秋田", "山形", "福島", "茨城", "栃木", "群馬", "埼玉", "千葉",
          "東京", "神奈川", "新潟", "富山", "石川", "福井", "山梨", "長野", "岐阜", "静岡", "愛知", "三重",
          "滋賀", "京都", "大阪", "兵庫", "奈良", "和歌山", "鳥取", "島根", "岡山", "広島", "山口", "徳島",
          "香川", "愛媛", "高知", "福岡", "佐賀", "長崎", "熊本", "大分", "宮崎", "鹿児島", "沖縄")
# "": no hiragana spelling worth matching (the kanji name is the usual one).
_KANA = ("", "あおもり", "いわて", "みやぎ", "あきた", "やまがた", "ふくしま", "いばらき", "とちぎ", "ぐんま",
         "さいたま", "ちば", "", "かながわ", "にいがた", "とやま", "いしかわ", "ふくい", "やまなし", "",
         "ぎふ", "しずおか", "あいち", "みえ", "しが", "", "", "ひょうご", "なら", "わかやま",
         "とっとり", "しまね", "おかやま", "ひろしま", "やまぐち", "とくしま", "かがわ", "えひめ", "こうち", "ふくおか",
         "さが", "ながさき", "くまもと", "おおいた", "みやざき", "かごしま", "")
_SUFFIX = {"東京": "東京都", "京都": "京都府", "大阪": "大阪府", "北海道": "北海道"}
PLACE_NAMES: dict[str, tuple[str, str]] = {}
for _i, (_k, _h) in enumerate(zip(_PREFS, _KANA, strict=True), start=1):
    _code = f"{_i:02d}"
    _full = _SUFFIX.get(_k, _k + "県")
    PLACE_NAMES[_full] = (_code, "都道府県名")
    PLACE_NAMES.setdefault(_k, (_code, "都道府県名"))
    if _h:
        PLACE_NAMES[_h] = (_code, "都道府県名（ひらがな）" if len(_h) >= 3 else "都道府県名（ひらがな、名称の先頭）")
PLACE_NAMES.update({
    "NIIGATA": ("15", "都道府県名（ローマ字）"), "OKINAWA": ("47", "都道府県名（ローマ字）"),
    "札幌": ("01", "市名（札幌市）"), "さっぽろ": ("01", "市名（札幌市）"), "函館": ("01", "市名（函館市）"),
    "仙台": ("04", "市名（仙台市）"), "釜石": ("03", "市名（釜石市）"), "上田": ("20", "市名（上田市）"),
    "信州": ("20", "旧国名（信濃、長野県）"), "浜松": ("22", "市名（浜松市）"), "名古屋": ("23", "市名（名古屋市）"),
    "大垣": ("21", "市名（大垣市）"), "神戸": ("28", "市名（神戸市）"), "高松": ("37", "市名（高松市）"),
    "うべ": ("35", "市名（宇部市）"), "北九州": ("40", "市名（北九州市）"), "久留米": ("40", "市名（久留米市）"),
    "つくば": ("08", "市名（つくば市）"),
})
# Words that are place names only as part of a longer word; removed before matching.
_NOT_PLACES = ("九州大学", "北大")


def seed_path(raw: Path) -> Path:
    """Where the seed lives next to the raw folder: ``<shared>/seeds`` for ``<shared>/data/raw``."""
    return Path(raw).resolve().parent.parent / "seeds" / SEED_NAME


def parse_list(text: str) -> list[tuple[int, str]]:
    """(number, text) of every programme in map ⑤'s list, in number order.

    The list is printed in two columns, so a line holds one or two entries ("1 … 79 …"); an entry is
    a number standing alone before a space. DataError when the section is missing or the numbers do
    not run 1, 2, … without gaps or repeats.
    """
    start, end = text.find(_START), text.find(_END)
    if start < 0 or end < start:
        raise DataError("map ⑤'s programme list not found in the seed text")
    entries: dict[int, str] = {}
    for line in text[start + len(_START):end].splitlines():
        parts = re.split(r"(?:^|(?<=\s))(\d{1,3})\s+", line.strip())
        for num, body in zip(parts[1::2], parts[2::2], strict=True):
            n = int(num)
            if n in entries:
                raise DataError(f"programme number {n} appears twice in map ⑤'s list")
            entries[n] = body.strip()
    numbers = sorted(entries)
    if numbers != list(range(1, len(numbers) + 1)):
        gaps = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        raise DataError(f"map ⑤'s list skips numbers {gaps[:10]}")
    return [(n, entries[n]) for n in numbers]


def split_fields(text: str) -> tuple[str, tuple[str, ...]]:
    """The programme name and the fields in its trailing brackets, when those are fields.

    >>> split_fields("とやま医薬バイオクラスター （ライフサイエンス,情報通信,ナノテク・材料）")
    ('とやま医薬バイオクラスター', ('ライフサイエンス', '情報通信', 'ナノテク・材料'))
    >>> split_fields("九州地域環境・リサイクル産業交流プラザ（K-RIP）")
    ('九州地域環境・リサイクル産業交流プラザ（K-RIP）', ())
    """
    m = re.search(r"\s*（([^（）]*)）$", text)
    if m:
        parts = tuple(p.strip() for p in re.split(r"[,，、]", m.group(1)))
        if parts and all(p in FIELDS for p in parts):
            return text[:m.start()].strip(), parts
    return text.strip(), ()


def family_of(no: int) -> FamilyRun:
    return next(r for r in FAMILY_RUNS if r.first <= no <= r.last)


def auto_area(name: str) -> tuple[list[str], list[str]]:
    """Prefecture codes the name names, and the words that matched (longest first, each spot once)."""
    text = name
    for word in _NOT_PLACES:
        text = text.replace(word, "　")
    codes, words = [], []
    for word in sorted(PLACE_NAMES, key=len, reverse=True):
        if PLACE_NAMES[word][1].endswith("名称の先頭）") and not text.startswith(word):
            continue    # two-kana spellings (しが, なら, ぎふ, …) are too short to match inside a word
        if word in text:
            code, _kind = PLACE_NAMES[word]
            text = text.replace(word, "　")
            words.append(word)
            if code not in codes:
                codes.append(code)
    return sorted(codes), words


def read_curated(path: Path = CURATED_CSV) -> pd.DataFrame:
    """The judgement rows, checked: a number, the name as listed, an area and a reason on every row."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != CURATED_COLUMNS:
            raise DataError(f"columns should be {', '.join(CURATED_COLUMNS)}", file=path.name, row=1)
        rows = list(reader)
    for i, r in enumerate(rows, start=2):
        for col in CURATED_COLUMNS:
            if not (r[col] or "").strip():
                raise DataError(f"{col} is empty", file=path.name, row=i, column=col)
        if not r["no"].isdigit():
            raise DataError(f"no should be a number, found {r['no']!r}", file=path.name, row=i, column="no")
    df = pd.DataFrame(rows, columns=CURATED_COLUMNS)
    df["no"] = df["no"].astype(int)
    if df["no"].duplicated().any():
        raise DataError(f"programme {df.loc[df['no'].duplicated(), 'no'].iloc[0]} appears twice", file=path.name)
    return df


PROGRAMME_COLUMNS = ["no", "name", "family_ja", "family_en", "family_basis", "fields", "area_level", "area_codes",
                     "area_names_ja", "area_basis", "area_reason", "source"]


def build_programmes(text: str, region_names: dict[str, str], curated: pd.DataFrame | None = None) -> pd.DataFrame:
    """The programme table (:data:`PROGRAMME_COLUMNS`), one row per listed programme.

    ``region_names`` maps prefecture and block codes to their Japanese names (the regions table);
    a curated area that is not one of them, or a curated row whose name differs from the list's, is a
    DataError, so the judgement file cannot drift from the seed.
    """
    curated = read_curated() if curated is None else curated
    by_no = {int(r.no): r for r in curated.itertuples(index=False)}
    listed = parse_list(text)
    unknown = sorted(set(by_no) - {n for n, _ in listed})
    if unknown:
        raise DataError(f"curated cluster areas name programmes not in the list: {unknown}")
    rows = []
    for no, body in listed:
        name, fields = split_fields(body)
        fam = family_of(no)
        if no in by_no:
            cur = by_no[no]
            if " ".join(cur.name.split()) != " ".join(name.split()):
                raise DataError(f"curated cluster area {no}: name {cur.name!r} differs from the list's {name!r}")
            codes = [c.strip() for c in cur.area.split(";")]
            bad = [c for c in codes if c not in region_names]
            if bad:
                raise DataError(f"curated cluster area {no}: unknown region {bad[0]!r}")
            basis, reason = "curated", cur.reason
        else:
            codes, words = auto_area(name)
            if codes:
                basis = "auto"
                reason = "名称が地名を挙げる: " + "、".join(
                    f"「{w}」（{PLACE_NAMES[w][1]}）→{region_names[PLACE_NAMES[w][0]]}" for w in words)
            else:
                basis, reason = "not_stated", "名称に都道府県・市の名も実施主体の名もないため地域は記載なし"
        level = ("none" if not codes else "block" if all(c.startswith("block-") for c in codes)
                 else "prefecture" if all(c[:2].isdigit() for c in codes) else "mixed")
        rows.append(dict(no=no, name=name, family_ja=fam.family_ja, family_en=fam.family_en,
                         family_basis=f"{fam.basis}: {fam.note}", fields=",".join(fields), area_level=level,
                         area_codes=",".join(codes), area_names_ja="・".join(region_names[c] for c in codes),
                         area_basis=basis, area_reason=reason, source=SOURCE_JA))
    return pd.DataFrame(rows, columns=PROGRAMME_COLUMNS).astype({"no": "int32"})


def prefecture_counts(programmes: pd.DataFrame) -> pd.DataFrame:
    """Observations of ``cluster_programmes``: the programmes placed in each of the 47 prefectures."""
    placed = programmes["area_codes"].str.split(",").explode()
    counts = placed[placed.str.fullmatch(r"\d{2}", na=False)].value_counts()
    rows = [dict(indicator_id=INDICATOR_ID, region_code=f"{i:02d}", year=REFERENCE_YEAR,
                 value=float(counts.get(f"{i:02d}", 0)), dataset_id=DATASET_ID) for i in range(1, 48)]
    return pd.DataFrame(rows)


CATALOG_INDICATOR = Indicator(
    INDICATOR_ID, "クラスター計画・事業の数", "Cluster programmes", "件", "programmes", "innovation", "source",
    definition_ja="研究会資料の地図⑤に挙がる161件のクラスター計画・事業（終了したものを含む）のうち、名称または判断表"
                  "（loaders/curated/cluster_areas.csv）でその都道府県に置かれたものの数。複数の都道府県に置かれた計画は"
                  "それぞれに1件と数え、ブロック単位の広域計画と地域の記載がない計画はどの都道府県にも数えない。そのため"
                  "都道府県の合計は一覧の総数（161件）と一致せず、全国値は置かない。方向（多いほど良い）は定めない",
    definition_en="Of the 161 cluster programmes listed in the study's map ⑤ (ended ones included), those placed in "
                  "the prefecture by their name or the judgement file (loaders/curated/cluster_areas.csv). A programme "
                  "placed in several prefectures counts once in each; block-wide programmes and those with no area "
                  "stated count in none, so prefectures do not add up to the list's 161 and there is no national "
                  "figure. No direction (more is not defined as better)",
    higher_is_better=None, source_ja=SOURCE_JA, source_en=SOURCE_EN, credit=CREDIT, dataset_ids=DATASET_ID)


def dataset_row(rel: str, sha: str) -> dict:
    """The datasets-table row of the seed list."""
    return dict(
        dataset_id=DATASET_ID, publisher_ja="経済産業省", publisher_en="METI",
        title_ja="地域イノベーション研究会資料「地域別のデータ（⑤クラスター活動等の分布）」の計画・事業一覧",
        title_en="Regional-innovation study group material, map ⑤: list of cluster programmes",
        edition="2021", reference_years=str(REFERENCE_YEAR), licence_ja="政府標準利用規約（第2.0版）",
        licence_en="Government of Japan Standard Terms of Use 2.0", credit=CREDIT, raw_file=rel, sha256=sha,
        published="2021", priority=0)
