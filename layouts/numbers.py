"""Numbers written the way Japanese reports write them: thousands separators, 万/億/兆 for large
counts of people and amounts of money, and never scientific notation.

Plotly's own formats (d3 ``,.4g``) print 57,949,915 as ``5.795e+7``; every figure therefore gets its
hover and tick text from here, and tables use :data:`TABLE_FORMAT`.
"""

from __future__ import annotations

import math

# d3-format for DataTable cells and axes: separators, up to three decimals, trailing zeros trimmed.
TABLE_FORMAT = ",.3~f"
AXIS_FORMAT = ",~f"

# unit → ((threshold, divisor, unit shown), …) from the largest; amounts in the unit as published.
_JA_SCALES: dict[str, tuple[tuple[float, float, str], ...]] = {
    "人": ((1e8, 1e8, "億人"), (1e4, 1e4, "万人")),
    "円": ((1e12, 1e12, "兆円"), (1e8, 1e8, "億円"), (1e4, 1e4, "万円")),
    "千円": ((1e9, 1e9, "兆円"), (1e5, 1e5, "億円")),
    "百万円": ((1e6, 1e6, "兆円"), (1e2, 1e2, "億円")),
}
_EN_SCALES: dict[str, tuple[tuple[float, float, str], ...]] = {
    "persons": ((1e9, 1e9, "billion persons"), (1e6, 1e6, "million persons")),
    "yen": ((1e12, 1e12, "trillion yen"), (1e9, 1e9, "billion yen"), (1e6, 1e6, "million yen")),
    "thousand yen": ((1e9, 1e9, "trillion yen"), (1e6, 1e6, "billion yen")),
    "million yen": ((1e6, 1e6, "trillion yen"), (1e3, 1e3, "billion yen")),
}


def plain(v: float | None) -> str:
    """A number with separators and as many decimals as its size needs; ``—`` for missing.

    >>> plain(57949915), plain(15.9), plain(1.24), plain(0.0123), plain(float("nan"))
    ('57,949,915', '15.9', '1.24', '0.0123', '—')
    """
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    a = abs(v)
    if a >= 100 or float(v).is_integer():
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:,.1f}"
    if a >= 1:
        return f"{v:,.2f}"
    return f"{v:.3g}"


def scaled(v: float | None, unit: str, lang: str = "ja") -> str:
    """``v`` with its unit, large people and money counts scaled to 万/億/兆 (ja) or million/billion (en).

    >>> scaled(57949915, "人"), scaled(120_200_000, "百万円"), scaled(5214, "千円"), scaled(15.9, "%")
    ('5,795万人', '120.2兆円', '5,214千円', '15.9%')
    >>> scaled(57949915, "persons", "en")
    '57.95 million persons'
    """
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    table = _EN_SCALES if lang == "en" else _JA_SCALES
    for threshold, divisor, shown in table.get(unit, ()):
        if abs(v) >= threshold:
            x = v / divisor
            digits = 0 if abs(x) >= 1000 else (1 if abs(x) >= 100 else 2)
            text = f"{x:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:,.0f}"
            return f"{text} {shown}" if lang == "en" else f"{text}{shown}"
    sep = " " if lang == "en" and unit and unit != "%" else ""
    return f"{plain(v)}{sep}{unit}"
