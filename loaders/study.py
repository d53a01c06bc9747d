"""The regional-innovation study the composite index follows: which indicators it names, and why the
stand-ins (proxies) the project uses until those are loaded are related to it.

Data only, no figures and no queries. The study is METI's 地域経済産業政策 study group material
(「地域別のデータ」①–⑧): ① Global Niche Top firms per 100,000 establishments, ② patent
applications per 100 establishments, ③ business opening and closing rates, ④ venture-capital
(startup) investment, ⑥ the share of firms doing R&D, ⑧ university and graduate students as a
share of the population. ⑤ (cluster activity) and ⑦ (R&D spending by funder) are maps and
compositions, not one value per prefecture, so they are not indicators here.

Six study indicators: ③ counts once, as the opening rate (the closing rate has no agreed
direction, so it cannot enter an index where higher must mean better or worse).

Each proxy names the study indicators it stands in for (``stands_for``). Once one of those is loaded
the proxy steps aside from the default index: the real measure of the same dimension replaces it
(:func:`metrics.index.default_indicators`). A user can still pick a proxy by hand.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StudyIndicator:
    """One indicator the study names, with the catalog id that measures it."""

    id: str
    item: str                 # the study's numbering, ①–⑧
    name_ja: str
    name_en: str
    caveat_ja: str = ""       # where the catalog's indicator differs from the study's figure
    caveat_en: str = ""


@dataclass(frozen=True)
class Proxy:
    """An indicator used in the index in place of study indicators that are not loaded."""

    id: str
    link_ja: str              # one sentence: why it is related to the study's indicators
    link_en: str
    stands_for: tuple[str, ...] = ()   # study indicator ids whose dimension this proxy measures


STUDY_INDICATORS: tuple[StudyIndicator, ...] = (
    StudyIndicator("gnt_per_100k_estab", "①", "GNT企業数（10万事業所当たり）",
                   "Global Niche Top firms per 100,000 establishments"),
    StudyIndicator("patents_per_100_estab", "②", "特許出願件数（100事業所当たり）",
                   "Patent applications per 100 establishments"),
    StudyIndicator("opening_rate", "③", "開業率（廃業率と対の指標）",
                   "Business opening rate (paired with the closing rate)",
                   caveat_ja="研究は開業率と廃業率を並べて示すが、廃業率は良し悪しの方向が定まらないため指数には開業率のみを使う",
                   caveat_en="The study shows opening and closing rates side by side; the closing rate has no "
                             "direction, so only the opening rate enters the index"),
    StudyIndicator("vc_per_capita", "④", "ベンチャーキャピタル投資額（人口1人当たり）",
                   "Venture capital investment per person"),
    StudyIndicator("rd_firm_share", "⑥", "研究開発を行う企業の割合", "Share of firms doing R&D"),
    StudyIndicator("univ_students_per_1000", "⑧", "大学学部学生数（人口千人当たり）",
                   "University undergraduates per 1,000 people",
                   caveat_ja="研究は大学生・大学院生の割合を示すが、この指標は学部学生のみを数える",
                   caveat_en="The study shows undergraduates and graduate students; this indicator counts "
                             "undergraduates only"),
)

STUDY_IDS: tuple[str, ...] = tuple(s.id for s in STUDY_INDICATORS)

PROXIES: tuple[Proxy, ...] = (
    Proxy("ict_employee_share",
          "情報通信業の従業者の割合は、研究が東京への集中を指摘するVC投資やIT人材の偏在と同じく、デジタル・新事業の担い手が"
          "どれだけ地域にいるかを表す代理指標である。",
          "The share of employees in information and communications stands in for the digital and start-up "
          "capacity that the study's VC-investment figure and its note on IT talent concentrated in Tokyo describe.",
          stands_for=("vc_per_capita",)),
    Proxy("professional_employee_share",
          "学術研究、専門・技術サービス業の従業者の割合は、研究開発を行う企業の割合や特許出願と同じく、研究・技術の"
          "担い手の厚みを表す代理指標である。",
          "The share of employees in scientific research, professional and technical services stands in for the "
          "research and technical capacity behind the study's R&D-firm share and patent applications.",
          stands_for=("rd_firm_share", "patents_per_100_estab")),
)

PROXY_IDS: tuple[str, ...] = tuple(p.id for p in PROXIES)
STANDS_FOR: dict[str, tuple[str, ...]] = {p.id: p.stands_for for p in PROXIES}


def study_indicator(indicator_id: str) -> StudyIndicator | None:
    """The study indicator with this catalog id, or None."""
    return next((s for s in STUDY_INDICATORS if s.id == indicator_id), None)


def proxy(indicator_id: str) -> Proxy | None:
    """The proxy with this catalog id, or None."""
    return next((p for p in PROXIES if p.id == indicator_id), None)
