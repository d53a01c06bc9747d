"""The indicator catalog: every indicator any page or command can show, loaded or not.

Source items (one per SSDSE item code and the 県民経済計算 series) are described from the raw
files at build time. The definitions below are the indicators the regional-innovation study uses
that are *computed* from others (derived) or that need an official file the project does not bundle
(import). They carry no figures; a derived indicator is computed in the query layer from its
numerator and denominator, and is loaded exactly when both are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

CATALOG_COLUMNS = [
    "id", "name_ja", "name_en", "unit", "unit_en", "theme", "kind", "levels",
    "definition_ja", "definition_en", "numerator", "denominator", "scale", "denominator_year",
    "higher_is_better", "aggregation", "in_index", "additive", "source_ja", "source_en", "credit", "dataset_ids",
    "how_to_load", "superseded_by",
]


@dataclass(frozen=True)
class Indicator:
    """One catalog row.

    ``kind`` is source (bundled file), derived (ratio of two others), lq (location quotients per
    industry, computed by metrics.lq) or import (needs the user's official file).
    """

    id: str
    name_ja: str
    name_en: str
    unit: str
    unit_en: str
    theme: str
    kind: str
    levels: str = "prefecture"
    definition_ja: str = ""
    definition_en: str = ""
    numerator: str | None = None
    denominator: str | None = None
    scale: float | None = None
    # "same": numerator and denominator of the same year; "nearest": the denominator's closest year
    # (stated in the definition, used where the numerator's survey years differ from the census).
    denominator_year: str | None = None
    higher_is_better: bool | None = None
    # How a group (block, 三大都市圏) is summarised: "ratio" = Σ numerators / Σ denominators of the same
    # year (derived indicators, and published ratios whose components are loaded), "mean" = the
    # unweighted mean of member prefectures, always labelled as such where shown (counts, and
    # published ratios whose components are not loaded).
    aggregation: str = "mean"
    # Part of the default composite innovation index when loaded.
    in_index: bool = False
    # A count or amount that adds up over regions, so per-capita and share-of-Japan views make sense.
    additive: bool = False
    source_ja: str = ""
    source_en: str = ""
    credit: str = ""
    dataset_ids: str = ""
    how_to_load: str = ""
    # The id of a newer base of the same figure (e.g. 平成23年基準 → 平成27年基準), if any.
    superseded_by: str | None = None

    def row(self) -> dict:
        row = asdict(self)
        if self.kind == "derived":
            row["aggregation"] = "ratio"
        return row


_GNT_SRC = ("経済産業省「グローバルニッチトップ企業100選」(2014年版・2020年版)",
            "METI, Global Niche Top 100 companies (2014 and 2020 editions)")
_KOYO_LOAD = "chiiki fetch koyo  (or chiiki import koyo ANNUAL.xlsx MARCH.xlsx)"
_KOYO_SRC = ("厚生労働省「雇用保険事業年報」都道府県労働局別適用状況（事業所関係）",
             "MHLW, Employment Insurance Annual Report, establishments covered by prefectural labour bureau")

IMPORT_INDICATORS: list[Indicator] = [
    Indicator("gnt_firms", "グローバルニッチトップ企業数", "Global Niche Top firms", "社", "firms",
              "innovation", "import", additive=True,
              definition_ja="GNT企業100選に選定された企業の本社所在都道府県別の数（版ごと）",
              definition_en="Firms selected for the GNT 100, counted by prefecture of head office, per edition",
              higher_is_better=True, source_ja=_GNT_SRC[0], source_en=_GNT_SRC[1],
              how_to_load="chiiki import gnt FILE  (columns: firm, address or prefecture, edition; product optional)"),
    Indicator("gnt_per_100k_estab", "GNT企業数（10万事業所当たり）", "GNT firms per 100,000 establishments",
              "社/10万事業所", "per 100k establishments", "innovation", "derived",
              definition_ja="GNT企業数 ÷ 民営事業所数 × 100,000。事業所数は版の年に最も近い経済センサスの年を使う"
                            "（2014年版→2016年、2020年版→2021年）",
              definition_en="GNT firms / private establishments × 100,000, establishments from the census year "
                            "nearest the edition (2014 edition → 2016, 2020 edition → 2021)",
              numerator="gnt_firms", denominator="C2108", scale=100_000, denominator_year="nearest",
              in_index=True, higher_is_better=True, source_ja=_GNT_SRC[0], source_en=_GNT_SRC[1],
              how_to_load="chiiki import gnt FILE"),
    Indicator("patent_applications", "特許出願件数", "Patent applications", "件", "applications",
              "innovation", "import", additive=True,
              definition_ja="特許出願件数（筆頭出願人の住所による都道府県別）",
              definition_en="Patent applications by prefecture of the first applicant's address",
              higher_is_better=True, source_ja="特許庁「特許行政年次報告書」",
              source_en="JPO, Annual Report on Patent Administration",
              how_to_load="chiiki fetch patents  (ESTAT_APP_ID; or chiiki import estat FILE for an e-Stat "
                          "download of table 0003398336)"),
    Indicator("patents_per_100_estab", "特許出願件数（100事業所当たり）",
              "Patent applications per 100 establishments", "件/100事業所", "per 100 establishments",
              "innovation", "derived",
              definition_ja="特許出願件数 ÷ 民営事業所数 × 100（事業所数は最も近い経済センサスの年）",
              definition_en="Patent applications / private establishments × 100 "
                            "(establishments from the nearest census year)",
              numerator="patent_applications", denominator="C2108", scale=100, denominator_year="nearest",
              in_index=True, higher_is_better=True, source_ja="特許庁「特許行政年次報告書」",
              source_en="JPO, Annual Report on Patent Administration",
              how_to_load="load patent_applications (see that indicator)"),
    Indicator("patent_registrations", "特許登録件数", "Patent registrations", "件", "registrations",
              "innovation", "import", additive=True,
              definition_ja="特許登録件数（日本人、筆頭出願人の住所による都道府県別）。e-Stat 統計表 0003398337 の"
                            "cat01=100（特許）",
              definition_en="Patent registrations (Japanese applicants) by prefecture of the first applicant; "
                            "e-Stat table 0003398337, cat01=100",
              higher_is_better=True, source_ja="特許庁（e-Stat 統計表 0003398337）",
              source_en="JPO via e-Stat table 0003398337",
              how_to_load="chiiki import estat FILE  (the catalog knows table 0003398337)"),
    Indicator("new_establishments", "新規適用事業所数", "Newly covered establishments", "事業所",
              "establishments", "innovation", "import", additive=True,
              definition_ja="雇用保険の適用事業所のうち年度中に新規に成立したもの", definition_en=
              "Establishments newly covered by employment insurance during the fiscal year",
              source_ja=_KOYO_SRC[0], source_en=_KOYO_SRC[1], how_to_load=_KOYO_LOAD),
    Indicator("closed_establishments", "廃止適用事業所数", "Establishments ceasing coverage", "事業所",
              "establishments", "innovation", "import", additive=True,
              definition_ja="雇用保険の適用事業所のうち年度中に廃止されたもの", definition_en=
              "Establishments whose employment-insurance coverage ended during the fiscal year",
              source_ja=_KOYO_SRC[0], source_en=_KOYO_SRC[1], how_to_load=_KOYO_LOAD),
    Indicator("covered_establishments_prev", "前年度末適用事業所数", "Covered establishments at prior year end",
              "事業所", "establishments", "innovation", "import", additive=True,
              definition_ja="前年度末の雇用保険適用事業所数（開廃業率の分母）",
              definition_en="Establishments covered by employment insurance at the end of the prior fiscal year",
              source_ja=_KOYO_SRC[0], source_en=_KOYO_SRC[1], how_to_load=_KOYO_LOAD),
    Indicator("opening_rate", "開業率", "Business opening rate", "%", "%", "innovation", "derived",
              definition_ja="当該年度の新規適用事業所数 ÷ 前年度末の適用事業所数 × 100（雇用保険事業年報ベース）",
              definition_en="Newly covered establishments in the fiscal year / covered establishments at the "
                            "end of the prior year × 100 (employment-insurance basis)",
              numerator="new_establishments", denominator="covered_establishments_prev", scale=100,
              denominator_year="same", in_index=True, higher_is_better=True,
              source_ja=_KOYO_SRC[0], source_en=_KOYO_SRC[1], how_to_load=_KOYO_LOAD),
    Indicator("closing_rate", "廃業率", "Business closing rate", "%", "%", "innovation", "derived",
              definition_ja="当該年度の廃止適用事業所数 ÷ 前年度末の適用事業所数 × 100（雇用保険事業年報ベース）",
              definition_en="Establishments ceasing coverage in the fiscal year / covered establishments at the "
                            "end of the prior year × 100 (employment-insurance basis)",
              numerator="closed_establishments", denominator="covered_establishments_prev", scale=100,
              denominator_year="same", higher_is_better=None,
              source_ja=_KOYO_SRC[0], source_en=_KOYO_SRC[1], how_to_load=_KOYO_LOAD),
    Indicator("vc_per_capita", "ベンチャーキャピタル投資額（人口1人当たり）", "Venture capital investment per person",
              "円/人", "yen per person", "innovation", "derived",
              definition_ja="ベンチャーキャピタル投資額（百万円） ÷ 総人口 × 1,000,000（人口は最も近い年）",
              definition_en="Venture capital investment (million yen) / total population × 1,000,000 "
                            "(population of the nearest year)",
              numerator="vc_investment", denominator="A1101", scale=1_000_000, denominator_year="nearest",
              in_index=True, higher_is_better=True, source_ja="利用者が取り込む公式資料",
              source_en="official file the user imports", how_to_load="load vc_investment (see that indicator)"),
    Indicator("vc_investment", "ベンチャーキャピタル投資額", "Venture capital investment", "百万円",
              "million yen", "innovation", "import", additive=True,
              definition_ja="所在都道府県別のベンチャーキャピタル投資額（出典の定義による）",
              definition_en="Venture capital invested, by prefecture of the investee (as the source defines it)",
              higher_is_better=True,
              source_ja="ベンチャーエンタープライズセンター（VEC）「ベンチャー白書」など利用者が取り込む公式資料"
                        "（都道府県別の公表表はない）",
              source_en="VEC Venture White Paper or another official file the user imports (no per-prefecture "
                        "table is published)",
              how_to_load="chiiki import tidy FILE  (template: data/templates/tidy_template.csv)"),
    Indicator("rd_firm_share", "研究開発を行う企業の割合", "Share of firms doing R&D", "%", "%",
              "innovation", "import",
              definition_ja="研究開発を実施している企業数 ÷ 企業数 × 100（出典の定義による）",
              definition_en="Firms performing R&D / all firms × 100 (as the source defines it)",
              in_index=True, higher_is_better=True,
              source_ja="経済産業省「企業活動基本調査」（研究開発を行う企業の割合、都道府県別）を利用者が取り込む",
              source_en="METI Basic Survey of Japanese Business Structure and Activities (share of firms doing "
                        "R&D by prefecture), imported by the user",
              how_to_load="chiiki import tidy FILE  (template: data/templates/tidy_template.csv)"),
]

_SSDSE_CREDIT = "独立行政法人統計センター「教育用標準データセット（SSDSE）」を加工して作成"
_KENMIN_CREDIT = "内閣府 経済社会総合研究所「県民経済計算」を加工して作成"

DERIVED_INDICATORS: list[Indicator] = [
    Indicator("univ_students_per_1000", "大学学部学生数（人口千人当たり）",
              "University undergraduates per 1,000 people",
              "人/千人", "per 1,000 people", "innovation", "derived",
              definition_ja="大学学生数 ÷ 総人口 × 1,000（同じ年）。SSDSEの大学学生数は学校基本調査の学部学生数に"
                            "一致し、大学院生を含まない",
              definition_en="University students / total population × 1,000 (same year). SSDSE's 大学学生数 "
                            "matches the School Basic Survey's undergraduate count: graduate students are not "
                            "included",
              numerator="E6302", denominator="A1101", scale=1000, denominator_year="same",
              in_index=True, higher_is_better=True, source_ja="SSDSE（学校基本調査、人口推計・国勢調査）",
              source_en="SSDSE (School Basic Survey; population estimates / census)", credit=_SSDSE_CREDIT),
    Indicator("estab_per_1000", "民営事業所数（人口千人当たり）", "Private establishments per 1,000 people",
              "事業所/千人", "per 1,000 people", "industry", "derived", levels="prefecture,municipality",
              definition_ja="民営事業所数 ÷ 総人口 × 1,000（人口は最も近い年）",
              definition_en="Private establishments / total population × 1,000 (population of the nearest year)",
              numerator="C2108", denominator="A1101", scale=1000, denominator_year="nearest",
              higher_is_better=True, source_ja="SSDSE（経済センサス‐活動調査、人口推計・国勢調査）",
              source_en="SSDSE (Economic Census for Business Activity; population)", credit=_SSDSE_CREDIT),
    Indicator("value_added_per_employee", "従業者1人当たり付加価値額", "Value added per employee",
              "千円/人", "thousand yen per person", "industry", "derived",
              definition_ja="経済活動別県内総生産（名目、16産業の合計） ÷ 民営事業所の従業者数 × 1,000（同じ年）。"
                            "分子は公務を含み分母は民営のみのため、水準の比較に使い絶対値として読まない",
              definition_en="Nominal value added (sum of 16 sectors, million yen) / employees of private "
                            "establishments × 1,000 (same year). The numerator includes government, the "
                            "denominator is private only: compare levels, do not read it as productivity",
              numerator="va_total", denominator="C2208", scale=1000, denominator_year="same",
              higher_is_better=True, source_ja="県民経済計算、経済センサス‐活動調査（SSDSE）",
              source_en="Prefectural accounts; Economic Census (SSDSE)", credit=f"{_KENMIN_CREDIT}; {_SSDSE_CREDIT}"),
]

def _industry_share(ident: str, jsic: str, ja: str, en: str, *, theme: str, better: bool | None,
                    in_index: bool = False) -> Indicator:
    return Indicator(
        ident, f"{ja}従業者の割合", f"Share of employees in {en}", "%", "%", theme, "derived",
        levels="prefecture,municipality",
        definition_ja=f"民営事業所の{ja}の従業者数 ÷ 全産業の従業者数 × 100（経済センサス‐活動調査、同じ出典・同じ年）",
        definition_en=f"Employees of private establishments in {en} / employees in all industries × 100 "
                      "(Economic Census, same source and year)",
        numerator=f"employees:jsic-{jsic}", denominator="employees:total", scale=100, denominator_year="same",
        higher_is_better=better, in_index=in_index, source_ja="経済センサス‐活動調査（SSDSE）",
        source_en="Economic Census for Business Activity (SSDSE)", credit=_SSDSE_CREDIT)


DERIVED_INDICATORS += [
    _industry_share("ict_employee_share", "G", "情報通信業", "information and communications",
                    theme="innovation", better=True, in_index=True),
    _industry_share("professional_employee_share", "L", "学術研究、専門・技術サービス業",
                    "scientific research, professional and technical services", theme="innovation",
                    better=True, in_index=True),
    _industry_share("manufacturing_employee_share", "E", "製造業", "manufacturing", theme="industry",
                    better=None),
    Indicator("physicians_per_100k", "医師数（人口10万人当たり）", "Physicians per 100,000 people", "人/10万人",
              "per 100,000 people", "I", "derived", levels="prefecture,municipality",
              definition_ja="医師数 ÷ 総人口 × 100,000（人口は最も近い年）",
              definition_en="Physicians / total population × 100,000 (population of the nearest year)",
              numerator="I6100", denominator="A1101", scale=100_000, denominator_year="nearest",
              higher_is_better=True, source_ja="SSDSE（医師・歯科医師・薬剤師統計、人口）",
              source_en="SSDSE (physician statistics; population)", credit=_SSDSE_CREDIT),
    Indicator("aging_rate", "高齢化率（65歳以上人口の割合）", "Population aged 65 and over (share)", "%", "%", "A",
              "derived", levels="prefecture,municipality",
              definition_ja="65歳以上人口 ÷ 総人口 × 100（同じ年）",
              definition_en="Population aged 65 and over / total population × 100 (same year)",
              numerator="A1303", denominator="A1101", scale=100, denominator_year="same",
              source_ja="SSDSE（人口推計・国勢調査）", source_en="SSDSE (population estimates / census)",
              credit=_SSDSE_CREDIT),
]

KENMIN_INDICATORS: list[Indicator] = [
    Indicator("kenmin_gdp_nominal", "県内総生産（名目）", "Gross prefectural product (nominal)", "百万円",
              "million yen", "C", "source", additive=True,
              definition_ja="経済活動別県内総生産（名目）の県内総生産欄。全国は47都道府県の合計（県計）",
              definition_en="Published gross prefectural product (nominal); nation = sum of the 47 prefectures",
              higher_is_better=True, source_ja="内閣府 経済社会総合研究所「県民経済計算」",
              source_en="Cabinet Office ESRI, Prefectural Accounts", credit=_KENMIN_CREDIT,
              dataset_ids="kenmin-2022"),
    Indicator("va_total", "付加価値額（16産業計、名目）", "Value added, sum of 16 sectors (nominal)", "百万円",
              "million yen", "industry", "source", additive=True,
              definition_ja="経済活動別県内総生産（名目）の16産業の合計。特化係数の分母。全国は47都道府県の合計",
              definition_en="Sum of the 16 sectors of nominal GDP by activity; the denominator of value-added "
                            "location quotients; nation = sum of the 47 prefectures",
              higher_is_better=True, source_ja="内閣府 経済社会総合研究所「県民経済計算」",
              source_en="Cabinet Office ESRI, Prefectural Accounts", credit=_KENMIN_CREDIT,
              dataset_ids="kenmin-2022"),
]


_LQ_DENOMINATORS = {
    "employees": ("民営事業所の従業者数（経済センサス‐活動調査）。分母は同じ出典の全産業計: "
                  "2016年は公表された都道府県・全国の合計、2021年はSSDSE-Aの市区町村の合計（都道府県・全国とも）",
                  "employees of private establishments (Economic Census). Denominators are the all-industry "
                  "total of the same source: the published prefecture and national totals for 2016, the sums of "
                  "SSDSE-A municipalities (for prefectures and the nation) for 2021", "人", "persons"),
    "establishments": ("民営事業所数（経済センサス‐活動調査）。分母は従業者数と同じく同じ出典の全産業計",
                       "private establishments (Economic Census); denominators as for employees", "事業所",
                       "establishments"),
    "value_added": ("経済活動別県内総生産（名目、県民経済計算）。分母は16産業の合計（公表の県内総生産は輸入品に課される"
                    "税・関税等を含むため使わない）、全国は47都道府県の合計",
                    "nominal value added by activity (Prefectural Accounts). The denominator is the sum of the 16 "
                    "sectors (the published GPP includes import duties and a tax deduction, so it is not used); the "
                    "nation is the sum of the 47 prefectures", "百万円", "million yen"),
}
_LQ_NAMES = {"employees": ("従業者", "employees"), "establishments": ("事業所数", "establishments"),
             "value_added": ("付加価値額", "value added")}

# The sources each LQ measure really uses (dataset ids as in data/datasets.parquet).
_LQ_SOURCES = {
    "employees": ("SSDSE-A-2026（令和3年経済センサス‐活動調査、市区町村、2021年）、"
                  "SSDSE-E-2023（平成28年経済センサス‐活動調査、都道府県、2016年）",
                  "SSDSE-A-2026 (2021 Economic Census, municipalities) and SSDSE-E-2023 (2016 Economic Census, "
                  "prefectures)", _SSDSE_CREDIT, "ssdse-a-2026,ssdse-e-2023"),
    "value_added": ("内閣府 経済社会総合研究所「県民経済計算」経済活動別県内総生産（名目）",
                    "Cabinet Office ESRI, Prefectural Accounts: nominal GPP by economic activity", _KENMIN_CREDIT,
                    "kenmin-2022"),
}
_LQ_SOURCES["establishments"] = _LQ_SOURCES["employees"]

LQ_INDICATORS: list[Indicator] = [
    Indicator(f"lq_{m}", f"特化係数（{_LQ_NAMES[m][0]}）", f"Location quotient ({_LQ_NAMES[m][1]})", "", "",
              "industry", "lq", levels="prefecture" if m == "value_added" else "prefecture,municipality",
              definition_ja=f"（地域の産業 ÷ 地域の全産業）÷（全国の産業 ÷ 全国の全産業）。対象: {ja}",
              definition_en=f"(region's industry / region's total) / (nation's industry / nation's total), on {en}",
              numerator=f"{m}:<industry>", denominator=f"{m}:total", source_ja=_LQ_SOURCES[m][0],
              source_en=_LQ_SOURCES[m][1], credit=_LQ_SOURCES[m][2], dataset_ids=_LQ_SOURCES[m][3])
    for m, (ja, en, _u, _ue) in _LQ_DENOMINATORS.items()
]


def static_indicators() -> list[Indicator]:
    """Catalog rows defined in code (県民経済計算, derived, location-quotient and import rows)."""
    return [*KENMIN_INDICATORS, *DERIVED_INDICATORS, *LQ_INDICATORS, *IMPORT_INDICATORS]


# e-Stat tables whose layout the catalog knows: statsDataId → how to map it to an indicator.
ESTAT_MAPPINGS: dict[str, dict] = {
    # 特許行政年次報告書, applications by first applicant's prefecture: cat02=100 patents (issue 14).
    "0003398336": {"indicator": "patent_applications", "filters": {"cat01": "100", "cat02": "100"},
                   "area": "area", "time": "time"},
    "0003398337": {"indicator": "patent_registrations", "filters": {"cat01": "100"},
                   "area": "area", "time": "time"},
}
