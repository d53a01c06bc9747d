"""類似団体 (peer types) of municipalities, as in 総務省「類似団体別市町村財政指数表」.

Pure functions, no I/O: :func:`classify` turns one municipality's population, industry shares and
designation into its type. The build (``loaders/ruiji.py``) applies it to all 1,741 municipalities.

The rule table is the one 総務省 has used since the 令和2年国勢調査 basis (16 types of 都市, 15 of 町村,
one type each for 政令指定都市, 特別区, 中核市 and 施行時特例市). See :func:`classify` for the table and
``loaders/ruiji.py`` for where each number was confirmed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Designations that are a type of their own, whatever the population and industry.
DESIGNATED = {
    "designated_city": ("政令指定都市", "Designated city (政令指定都市)"),
    "special_ward": ("特別区", "Special ward of Tokyo (特別区)"),
    "core_city": ("中核市", "Core city (中核市)"),
    "former_special_city": ("施行時特例市", "Former special city (施行時特例市)"),
}
# The others are classified by population and industry structure.
GENERAL = {"city": "city", "town": "town", "village": "town"}
DESIGNATIONS = (*DESIGNATED, *GENERAL)

ROMAN = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ")
ASCII_ROMAN = ("I", "II", "III", "IV", "V")

# Lower bounds (以上) of population classes Ⅱ, Ⅲ, …; class Ⅰ is below the first bound (未満).
POPULATION_BOUNDS = {"city": (50_000, 100_000, 150_000), "town": (5_000, 10_000, 15_000, 20_000)}

# Industry structure: shares of 就業者 (%) in 第2次+第3次 and in 第3次 産業.
# city: (2次+3次 bound, 3次 bound above it, 3次 bound below it) → classes 3/2 above, 1/0 below.
CITY_SECONDARY_TERTIARY = 95.0
CITY_TERTIARY_HIGH = 65.0
CITY_TERTIARY_LOW = 55.0
# town: 2次+3次 ≥ 80 splits on 3次 ≥ 55 into 2/1; below 80 is 0.
TOWN_SECONDARY_TERTIARY = 80.0
TOWN_TERTIARY = 55.0

GROUP_JA = {"city": "都市", "town": "町村"}
GROUP_EN = {"city": "City", "town": "Town/village"}


@dataclass(frozen=True)
class PeerType:
    """One municipality's 類似団体 type.

    Attributes
    ----------
    code : str
        ``designated_city``, ``special_ward``, ``core_city``, ``former_special_city``,
        ``city:II-3`` (都市 Ⅱ-3), ``town:IV-1`` (町村 Ⅳ-1), or ``unclassified`` when an input is missing.
    label_ja, label_en : str
        e.g. ``都市 Ⅱ-3`` / ``City II-3``.
    reason_ja, reason_en : str
        The rule applied, with the inputs, e.g.
        ``人口 53,210 (Ⅱ: 5万以上10万未満), 2次+3次 96.1 % ≥ 95 %, 3次 70.2 % ≥ 65 % → Ⅱ-3``.
    group : str
        ``city`` or ``town`` for the classified types, else the designation (or ``unclassified``).
    population_class : int | None
        1–4 (都市) or 1–5 (町村); None for the designated types.
    industry_class : int | None
        0–3 (都市) or 0–2 (町村); None for the designated types.
    """

    code: str
    label_ja: str
    label_en: str
    reason_ja: str
    reason_en: str
    group: str
    population_class: int | None = None
    industry_class: int | None = None


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _man(n: float) -> str:
    """5,000 → 5千, 50,000 → 5万, 150,000 → 15万 (the way the official table writes its bounds)."""
    return f"{n / 10_000:g}万" if n >= 10_000 else f"{n / 1_000:g}千"


def population_class(population: float, group: str) -> int:
    """1-based population class of a 都市 (``city``, 1–4) or 町村 (``town``, 1–5); bounds are 以上/未満."""
    return 1 + sum(population >= b for b in POPULATION_BOUNDS[group])


def _class_range(k: int, group: str, *, en: bool = False) -> str:
    bounds = POPULATION_BOUNDS[group]
    lo = bounds[k - 2] if k >= 2 else None
    hi = bounds[k - 1] if k - 1 < len(bounds) else None
    if en:
        if lo is None:
            return f"under {hi:,}"
        return f"{lo:,} or more" if hi is None else f"{lo:,} to under {hi:,}"
    if lo is None:
        return f"{_man(hi)}未満"
    return f"{_man(lo)}以上" if hi is None else f"{_man(lo)}以上{_man(hi)}未満"


def _pct(x: float, bound: float) -> str:
    # One decimal, unless rounding would print the bound for a share on the other side of it.
    s = f"{x:.1f}"
    if float(s) == bound and x != bound:
        s = f"{x:.3f}"
    return f"{s} %"


def _cmp(x: float, bound: float) -> str:
    return f"{_pct(x, bound)} {'≥' if x >= bound else '<'} {bound:g} %"


def industry_class(share2: float, share3: float, group: str) -> tuple[int, list[str]]:
    """Industry structure class and the comparisons made, in the order the rule makes them."""
    s23, s3 = share2 + share3, share3
    if group == "city":
        if s23 >= CITY_SECONDARY_TERTIARY:
            return (3 if s3 >= CITY_TERTIARY_HIGH else 2), [f"2次+3次 {_cmp(s23, CITY_SECONDARY_TERTIARY)}",
                                                          f"3次 {_cmp(s3, CITY_TERTIARY_HIGH)}"]
        return (1 if s3 >= CITY_TERTIARY_LOW else 0), [f"2次+3次 {_cmp(s23, CITY_SECONDARY_TERTIARY)}",
                                                      f"3次 {_cmp(s3, CITY_TERTIARY_LOW)}"]
    if s23 >= TOWN_SECONDARY_TERTIARY:
        return (2 if s3 >= TOWN_TERTIARY else 1), [f"2次+3次 {_cmp(s23, TOWN_SECONDARY_TERTIARY)}",
                                                  f"3次 {_cmp(s3, TOWN_TERTIARY)}"]
    return 0, [f"2次+3次 {_cmp(s23, TOWN_SECONDARY_TERTIARY)}"]


def classify(population: float | None, share2: float | None, share3: float | None,
             designation: str) -> PeerType:
    """The 類似団体 type of one municipality.

    Parameters
    ----------
    population : float or None
        Population (令和2年国勢調査, 2020-10-01). Not used for the designated types.
    share2, share3 : float or None
        Shares (%) of 第2次 and 第3次産業 in the employed persons (就業者) of the 2020 census, whose
        denominator is 第1次+第2次+第3次 (分類不能の産業 left out). Not used for the designated types.
    designation : str
        ``designated_city`` (政令指定都市), ``special_ward`` (特別区), ``core_city`` (中核市),
        ``former_special_city`` (施行時特例市) — each a type of its own — or ``city`` (any other 市),
        ``town`` or ``village`` (町村, classified together).

    Returns
    -------
    PeerType
        Exactly one type. When a 市 or 町村 lacks an input the type is ``unclassified`` and the
        reason names what is missing; nothing is guessed.

    Raises
    ------
    ValueError
        An unknown designation, a negative population, or shares outside 0–100 % or summing above
        100 %.

    Notes
    -----
    Population classes (以上 = at or above, 未満 = below):

    ====  ================  ================
    class 都市 (市)          町村
    ====  ================  ================
    Ⅰ     < 50,000          < 5,000
    Ⅱ     50,000–99,999     5,000–9,999
    Ⅲ     100,000–149,999   10,000–14,999
    Ⅳ     ≥ 150,000         15,000–19,999
    Ⅴ     —                 ≥ 20,000
    ====  ================  ================

    Industry classes, from s23 = 2次+3次 share and s3 = 3次 share (%):

    * 都市: s23 ≥ 95 and s3 ≥ 65 → 3; s23 ≥ 95 and s3 < 65 → 2; s23 < 95 and s3 ≥ 55 → 1;
      s23 < 95 and s3 < 55 → 0.
    * 町村: s23 ≥ 80 and s3 ≥ 55 → 2; s23 ≥ 80 and s3 < 55 → 1; s23 < 80 → 0.

    The type is population class, hyphen, industry class: 都市 Ⅱ-3, 町村 Ⅴ-0, … (16 + 15 types).
    Shares are compared as given, not rounded to one decimal first.

    Examples
    --------
    >>> classify(53_210, 26.0, 70.2, "city").reason_ja
    '人口 53,210 (Ⅱ: 5万以上10万未満), 2次+3次 96.2 % ≥ 95 %, 3次 70.2 % ≥ 65 % → Ⅱ-3'
    >>> classify(None, None, None, "core_city").code
    'core_city'
    """
    if designation in DESIGNATED:
        ja, en = DESIGNATED[designation]
        return PeerType(code=designation, label_ja=ja, label_en=en,
                        reason_ja=f"{ja}は人口・産業構造によらず一つの類型", reason_en=f"{en} is one type of its own",
                        group=designation)
    if designation not in GENERAL:
        raise ValueError(f"unknown designation {designation!r}; expected one of {', '.join(DESIGNATIONS)}")
    group = GENERAL[designation]
    missing = [n for n, v in (("人口", population), ("第2次産業の割合", share2), ("第3次産業の割合", share3))
               if _missing(v)]
    if missing:
        missing_en = {"人口": "population", "第2次産業の割合": "secondary share", "第3次産業の割合": "tertiary share"}
        return PeerType(code="unclassified", label_ja="分類不能", label_en="Unclassified",
                        reason_ja=f"{'・'.join(missing)}がないため{GROUP_JA[group]}の類型を決められない",
                        reason_en=f"no {', '.join(missing_en[m] for m in missing)}: the {GROUP_EN[group].lower()} "
                                  "type cannot be determined",
                        group="unclassified")
    if population < 0:
        raise ValueError(f"population must not be negative, got {population}")
    for name, s in (("share2", share2), ("share3", share3)):
        if not 0 <= s <= 100:
            raise ValueError(f"{name} must be a percentage 0–100, got {s}")
    if share2 + share3 > 100:
        raise ValueError(f"share2 + share3 exceeds 100 % ({share2} + {share3})")

    p = population_class(population, group)
    i, tests = industry_class(share2, share3, group)
    tag_ja, tag_en = f"{ROMAN[p - 1]}-{i}", f"{ASCII_ROMAN[p - 1]}-{i}"
    pop_text = f"{population:,.0f}"
    return PeerType(
        code=f"{group}:{tag_en}",
        label_ja=f"{GROUP_JA[group]} {tag_ja}", label_en=f"{GROUP_EN[group]} {tag_en}",
        reason_ja=f"人口 {pop_text} ({ROMAN[p - 1]}: {_class_range(p, group)}), {', '.join(tests)} → {tag_ja}",
        reason_en=(f"population {pop_text} ({ASCII_ROMAN[p - 1]}: {_class_range(p, group, en=True)}), "
                   + ", ".join(t.replace("2次+3次", "secondary+tertiary").replace("3次", "tertiary") for t in tests)
                   + f" → {tag_en}"),
        group=group, population_class=p, industry_class=i)


def type_labels() -> dict[str, tuple[str, str]]:
    """Every type code → (label_ja, label_en), in display order: the four designated types, 16 都市, 15 町村.

    ``unclassified`` is not a type and is left out.
    """
    labels = dict(DESIGNATED)
    for group, classes, industry in (("city", 4, (3, 2, 1, 0)), ("town", 5, (2, 1, 0))):
        for p in range(classes):
            for i in industry:
                labels[f"{group}:{ASCII_ROMAN[p]}-{i}"] = (f"{GROUP_JA[group]} {ROMAN[p]}-{i}",
                                                            f"{GROUP_EN[group]} {ASCII_ROMAN[p]}-{i}")
    return labels


def all_type_codes() -> list[str]:
    """Every type code in display order (the keys of :func:`type_labels`)."""
    return list(type_labels())
