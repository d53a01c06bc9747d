"""Figure builders returning plain plotly dicts (cheap to build and to serialise).

Every figure carries its title with the unit and a source line inside the figure, so an exported
PNG or SVG stands on its own.
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np
from plotly.colors import get_colorscale, sample_colorscale

from layouts.numbers import AXIS_FORMAT, TABLE_FORMAT, plain

# Colour-blind-safe sequential scales and diverging scales (ColorBrewer / matplotlib families).
SEQUENTIAL = {"viridis": "Viridis", "cividis": "Cividis", "blues": "Blues", "ylgnbu": "YlGnBu"}
DIVERGING = {"puor": "PuOr", "rdbu": "RdBu"}
# plotly.js knows only these names, case-sensitively, and silently draws its default for any other
# (it has no "PuOr"): every scale the app sends is therefore an explicit list of [position, colour].
PLOTLYJS_NAMED_SCALES = frozenset({"Greys", "YlGnBu", "Greens", "YlOrRd", "Bluered", "RdBu", "Reds", "Blues",
                                   "Picnic", "Rainbow", "Portland", "Jet", "Hot", "Blackbody", "Earth", "Electric",
                                   "Viridis", "Cividis"})


def explicit_scale(name: str) -> list[list]:
    """A named scale (resolved by plotly.py, which knows ColorBrewer's) as [[position, colour], …]."""
    return [[float(p), c] for p, c in get_colorscale(name)]
NO_DATA = "#d9d9d9"
FONT = "Noto Sans JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"

# The chart toolbar's words in Japanese (plotly.js's own ja locale, with "Pan" corrected), passed with the
# config so no locale script is fetched; Japanese pages select it with "locale": "ja" (common.in_page_language).
MODEBAR_JA = {"Autoscale": "自動ズーム", "Box Select": "矩形選択", "Compare data on hover": "ホバー中のデータを比較",
              "Double-click on legend to isolate one trace": "凡例をダブルクリックすると1つの系列だけを表示",
              "Double-click to zoom back out": "ダブルクリックでズームを戻します",
              "Download plot as a PNG": "PNGファイルでダウンロード", "Download plot": "ダウンロード",
              "Lasso Select": "投げ縄選択", "Pan": "移動", "Produced with Plotly.js": "Plotly.jsにより作成",
              "Reset": "リセット", "Reset axes": "軸をリセット", "Reset view": "表示をリセット",
              "Reset views": "表示をリセット", "Show closest data on hover": "ホバー時に一番近いデータを表示",
              "Image download succeeded": "画像のダウンロードに成功しました",
              "Sorry, there was a problem downloading your image!": "画像をダウンロードできませんでした",
              "Preparing image - this may take a few seconds": "画像を準備しています",
              "Zoom": "ズーム", "Zoom in": "拡大", "Zoom out": "縮小", "Toggle Spike Lines": "スパイクラインの表示切替",
              "Toggle show closest data on hover": "一番近いデータの表示切替", "trace": "系列"}

# No "share to Plotly Cloud": a view is shared by its link (assets/app.js adds "copy link" to every
# chart's modebar, and every export bar has the same button).
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "topojsonURL": "/assets/topojson/", "showSendToCloud": False,
                "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "chiiki"},
                "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                "locales": {"ja": {"dictionary": MODEBAR_JA}}}


def _num(v: float | None) -> float | None:
    """JSON-safe rounded number (4 significant digits is plenty for colour and hover)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return float(f"{v:.6g}")


def numbers(values) -> list[float | None]:
    return [_num(float(v)) if v is not None else None for v in values]


# Text is wrapped for the narrowest chart the pages draw (half of a 1280-pixel window, about 480 px), in
# ems of its font: a CJK character is one em, other characters about 0.6.
TITLE_EM = 27
SOURCE_EM = 34
SOURCE_LINE_PX = 13
# Room under the plot for the x axis: tick labels alone, or tick labels and the axis title.
AXIS_TICKS_PX = 34
ROW_PX = 18
# Series colours (Okabe–Ito and ColorBrewer Dark2 tones), each at least 3:1 against the white paper
# (WCAG 1.4.11); plotly's default set has three that are not (orange, olive, cyan).
COLORWAY = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#333333", "#8c564b", "#7570b3", "#a6761d"]
AXIS_TITLED_PX = 62


def text_em(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.6 for c in text)


def wrap(text: str, max_em: float) -> str:
    """``text`` in lines of at most ``max_em`` ems, joined with <br>: broken after clause ends (。、. ; ,)
    where it can, between words next, and anywhere only inside a word longer than a line."""
    if not text or "<br>" in text or text_em(text) <= max_em:
        return text
    tokens, tok = [], ""
    for i, c in enumerate(text):
        tok += c
        after = text[i + 1] if i + 1 < len(text) else " "
        # A clause ends after 、。 or after . , ; followed by a space (not inside 1,000 or 3.5).
        if c in "。、．，；" or (c in ".,;" and after.isspace()) or (c.isspace() and not after.isspace()):
            tokens.append(tok)
            tok = ""
    if tok:
        tokens.append(tok)
    lines, line = [], ""
    for tok in tokens:
        if line and text_em(line + tok.rstrip()) > max_em:
            lines.append(line.rstrip())
            line = ""
        while text_em(tok.rstrip()) > max_em:         # a clause longer than a line: between words, or anywhere
            cut, em = 0, 0.0
            for i, c in enumerate(tok):
                em += text_em(c)
                if em > max_em:
                    break
                if c == " " or unicodedata.east_asian_width(c) in ("W", "F"):
                    cut = i + 1
            cut = cut or max(1, int(max_em))
            lines.append(tok[:cut].rstrip())
            tok = tok[cut:].lstrip()
        line += tok
    if line.strip():
        lines.append(line.rstrip())
    return "<br>".join(lines)


def place_source(layout: dict, axis_px: int) -> dict:
    """Put the source line ``axis_px`` pixels under the plot (clear of the x axis's ticks and title) and
    make the bottom margin hold it; the figure's other texts push their own margins (automargin)."""
    source = layout["annotations"][0]
    lines = source["text"].count("<br>") + 1
    source.update({"y": 0, "yanchor": "top", "yshift": -axis_px})
    layout["margin"]["b"] = axis_px + lines * SOURCE_LINE_PX + 8
    return layout


def base_layout(title: str, source: str, *, height: int | None = None) -> dict:
    # The title stands on the plot and pushes the top margin as far as its lines need (automargin), so a
    # long title stays inside the figure; pad.b is the room between (a legend or label can stand there).
    layout = {
        "title": {"text": wrap(title, TITLE_EM), "x": 0.01, "xanchor": "left", "font": {"size": 16},
                  "yref": "paper", "y": 1, "yanchor": "bottom", "automargin": True, "pad": {"t": 6, "b": 10}},
        "font": {"family": FONT, "size": 13},
        "colorway": COLORWAY,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 50},
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "annotations": [{"text": wrap(source, SOURCE_EM), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
                         "xanchor": "left", "yanchor": "top", "align": "left", "showarrow": False,
                         "font": {"size": 10, "color": "#444"}}],
    }
    place_source(layout, AXIS_TITLED_PX)
    if height:
        layout["height"] = height
    return layout


def stepped_colorscale(edges: list[float], palette: str) -> tuple[list, float, float]:
    """A colorscale with one flat colour per class, plus zmin/zmax = the outer breaks."""
    k = max(1, len(edges) - 1)
    colours = sample_colorscale(SEQUENTIAL.get(palette, "Viridis"), [i / max(1, k - 1) for i in range(k)]) \
        if k > 1 else sample_colorscale(SEQUENTIAL.get(palette, "Viridis"), [0.5])
    lo, hi = edges[0], edges[-1]
    if hi == lo:
        return [[0, colours[0]], [1, colours[0]]], lo, hi + 1
    scale = []
    for j in range(k):
        a = (edges[j] - lo) / (hi - lo)
        b = (edges[j + 1] - lo) / (hi - lo)
        scale += [[a, colours[j]], [b, colours[j]]]
    scale[0][0], scale[-1][0] = 0.0, 1.0
    return scale, lo, hi


def colour_spec(values, *, edges: list[float] | None, palette: str, centre: float | None) -> dict:
    """Trace attributes for colour: classed sequential, or continuous diverging around ``centre``."""
    if centre is not None:
        v = np.asarray([x for x in values if x is not None and math.isfinite(x)], dtype="float64")
        span = float(np.max(np.abs(v - centre))) if v.size else 1.0
        span = span or 1.0
        return {"colorscale": explicit_scale(DIVERGING.get(palette, "PuOr")), "zmid": _num(centre),
                "zmin": _num(centre - span), "zmax": _num(centre + span), "reversescale": False,
                "colorbar": {"tickvals": None}}
    scale, lo, hi = stepped_colorscale(edges or [0, 1], palette)
    ticks = spaced_ticks([_num(e) for e in (edges or []) if _num(e) is not None], lo, hi)
    return {"colorscale": scale, "zmin": _num(lo), "zmax": _num(hi), "zmid": None,
            "colorbar": {"tickvals": ticks, "ticktext": [plain(t) for t in ticks]}}


def spaced_ticks(ticks: list[float], lo: float, hi: float, min_gap: float = 0.06) -> list[float]:
    """The class breaks that can be labelled on the colour bar without their labels overlapping (breaks
    bunched at one end of a skewed range share the space): each at least ``min_gap`` of the bar from the
    one before; the top break is always labelled. The table beside the map lists every class."""
    if hi <= lo or len(ticks) < 2:
        return ticks
    kept: list[float] = []
    for v in ticks:
        if not kept or (v - kept[-1]) / (hi - lo) >= min_gap:
            kept.append(v)
    if kept[-1] != ticks[-1]:
        if len(kept) > 1 and (ticks[-1] - kept[-1]) / (hi - lo) < min_gap:
            kept.pop()
        kept.append(ticks[-1])
    return kept


# Measured in headless Chromium: a two-line title pushes the top margin to 71 px, a colour bar with labels
# such as 5,795万 the right one to 113 px. Anything larger still gets its room (plotly grows the margin).
MAP_MARGIN_T = 72
MAP_MARGIN_R = 118


def choropleth(*, geojson_url: str, locations: list[str], names: list[str], z: list, ranks: list,
               colour: dict, unit: str, title: str, source: str, hover_rank: str, hover_national: str,
               national: float | None, height: int = 560, details: list[str] | None = None,
               value_texts: list[str] | None = None, national_text: str | None = None) -> dict:
    """A choropleth whose geometry is a URL: plotly.js fetches it once and caches it.

    ``details`` adds one line per region to the hover (the dataset a value came from, or the count
    behind a location quotient); ``value_texts`` and ``national_text`` are the values as written in
    the hover (see :mod:`layouts.numbers`; plotly's own number format would print 5.795e+7).
    """
    nat_text = national_text if national_text is not None else (
        "—" if national is None else f"{plain(national)} {unit}")
    if details is None and value_texts is None:
        customdata, rank_ref, detail_ref, value_ref = ranks, "%{customdata}", "", f"%{{z:{TABLE_FORMAT}}} {unit}"
    else:
        details = details or [""] * len(ranks)
        value_texts = value_texts or [f"{plain(v)} {unit}" for v in z]
        customdata = [[r, d, v] for r, d, v in zip(ranks, details, value_texts, strict=True)]
        rank_ref, detail_ref, value_ref = "%{customdata[0]}", "<br>%{customdata[1]}", "%{customdata[2]}"
    trace = {
        "type": "choropleth", "geojson": geojson_url, "featureidkey": "id", "locations": locations,
        "z": z, "text": names, "customdata": customdata,
        "marker": {"line": {"width": 0.4, "color": "white"}},
        "hovertemplate": (f"<b>%{{text}}</b><br>{value_ref}<br>{hover_rank}: {rank_ref}"
                          f"<br>{hover_national}: {nat_text}{detail_ref}<extra></extra>"),
        "colorbar": {"title": {"text": unit, "side": "right"}, "thickness": 14, "len": 0.8},
    }
    colorbar = colour.pop("colorbar", {})
    trace.update({k: v for k, v in colour.items() if v is not None})
    trace["colorbar"].update({k: v for k, v in colorbar.items() if v is not None})
    layout = base_layout(title, source, height=height)
    # Room for the colour bar and a two-line title, reserved: plotly only grows a margin for what does not fit,
    # and a margin that changes makes it draw the whole map a second time (on an indicator change, a title one
    # line longer or tick labels a few digits wider cost that second draw). The map also keeps its size and
    # place when the indicator changes.
    layout["margin"].update(t=MAP_MARGIN_T, r=MAP_MARGIN_R)
    layout["geo"] = {"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"},
                     "bgcolor": "white"}
    place_source(layout, 6)
    layout["dragmode"] = False
    return {"data": [trace], "layout": layout}


def ranking_bar(*, names: list[str], values: list, unit: str, title: str, source: str, highlight: str | None,
                codes: list[str], national: float | None, national_label: str,
                value_texts: list[str] | None = None, national_text: str | None = None) -> dict:
    """Horizontal bars, largest first, with a dashed reference line (Japan, or a median municipality)."""
    order = sorted(range(len(values)), key=lambda i: (values[i] is None, -(values[i] or 0)))
    colours = ["#d95f02" if codes[i] == highlight else "#4a6fa5" for i in order]
    # 18 px a row: an 11 px name in CJK type is 16 px tall, and neighbours must not touch.
    layout = base_layout(title, source, height=max(420, ROW_PX * len(order) + 200))
    layout.update({"xaxis": {"title": {"text": unit}, "gridcolor": "#eee", "tickformat": AXIS_FORMAT,
                             "automargin": True},
                   "yaxis": {"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}},
                   "bargap": 0.25})
    # The reference line's label stands above the plot: room for it under the title.
    layout["title"]["pad"]["b"] = 26
    if national is not None and math.isfinite(national):
        layout["shapes"] = [{"type": "line", "x0": national, "x1": national, "yref": "paper", "y0": 0, "y1": 1,
                             "line": {"color": "#333", "dash": "dash", "width": 1}}]
        layout["annotations"].append({"text": f"{national_label} {national_text or plain(national)}",
                                      "x": national, "y": 1,
                                      "yref": "paper", "showarrow": False, "yanchor": "bottom",
                                      "font": {"size": 11}})
    texts = value_texts or [f"{plain(v)} {unit}" for v in values]
    return {"data": [{"type": "bar", "orientation": "h", "x": numbers([values[i] for i in order]),
                      "y": [names[i] for i in order], "marker": {"color": colours},
                      "customdata": [texts[i] for i in order],
                      "hovertemplate": "%{y}: %{customdata}<extra></extra>"}], "layout": layout}


def scatter_fit(*, x: list, y: list, labels: list[str], x_title: str, y_title: str, title: str, source: str,
                highlight: set[str] | None = None) -> dict:
    """Labelled scatter with an ordinary least-squares line (when at least three points have both values)."""
    pts = [(a, b, lab) for a, b, lab in zip(x, y, labels, strict=True)
           if a is not None and b is not None and math.isfinite(a) and math.isfinite(b)]
    data = [{"type": "scatter", "mode": "markers+text", "x": numbers([p[0] for p in pts]),
             "y": numbers([p[1] for p in pts]), "text": [p[2] for p in pts], "textposition": "top center",
             "textfont": {"size": 10},
             "marker": {"size": 9, "color": ["#d95f02" if highlight and p[2] in highlight else "#4a6fa5"
                                             for p in pts]},
             "hovertemplate": "%{text}<br>x: %{x:,.3~f}<br>y: %{y:,.3~f}<extra></extra>", "name": ""}]
    if len(pts) >= 3:
        xs = np.array([p[0] for p in pts])
        ys = np.array([p[1] for p in pts])
        if np.ptp(xs) > 0:
            slope, intercept = np.polyfit(xs, ys, 1)
            r = float(np.corrcoef(xs, ys)[0, 1])
            line_x = [float(xs.min()), float(xs.max())]
            data.append({"type": "scatter", "mode": "lines", "x": numbers(line_x),
                         "y": numbers([slope * v + intercept for v in line_x]),
                         "line": {"color": "#333", "dash": "dot"}, "hoverinfo": "skip",
                         "name": f"y = {plain(slope)}x {'−' if intercept < 0 else '+'} {plain(abs(intercept))} "
                                 f"(r = {r:.2f})"})
    layout = base_layout(title, source, height=560)
    x_title = wrap(x_title, SOURCE_EM)
    layout.update({"xaxis": {"title": {"text": x_title}, "gridcolor": "#eee",
                             "tickformat": AXIS_FORMAT, "automargin": True},
                   "yaxis": {"title": {"text": wrap(y_title, SOURCE_EM)}, "gridcolor": "#eee",
                             "tickformat": AXIS_FORMAT, "automargin": True},
                   # Above the plot, right-aligned, under the title (which pushes the margin above it).
                   "showlegend": True, "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1,
                                                  "xanchor": "right"}})
    layout["title"]["pad"]["b"] = 34
    place_source(layout, AXIS_TITLED_PX + 17 * x_title.count("<br>"))
    return {"data": data, "layout": layout}


def lines(*, series: list[dict], title: str, y_title: str, source: str) -> dict:
    """Time series: each item has name, x (years), y."""
    data = [{"type": "scatter", "mode": "lines+markers", "name": s["name"], "x": s["x"], "y": numbers(s["y"]),
             "hovertemplate": f"{s['name']} %{{x}}: %{{y:{TABLE_FORMAT}}}<extra></extra>"} for s in series]
    layout = base_layout(title, source, height=420)
    # Whole years, level, as many as fit (one per year would be slanted on a narrow chart).
    layout.update({"xaxis": {"tickformat": "d", "tickangle": 0, "nticks": 8, "gridcolor": "#eee", "automargin": True},
                   "yaxis": {"title": {"text": y_title}, "gridcolor": "#eee", "tickformat": AXIS_FORMAT,
                             "automargin": True},
                   # Beside the plot: the legend pushes the right margin, never onto ticks or the source.
                   "legend": {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}})
    place_source(layout, AXIS_TICKS_PX)
    return {"data": data, "layout": layout}


def grouped_bars(*, categories: list[str], series: list[dict], title: str, y_title: str, source: str) -> dict:
    data = [{"type": "bar", "name": s["name"], "x": categories, "y": numbers(s["y"]),
             "hovertemplate": f"{s['name']}: %{{y:{TABLE_FORMAT}}}<extra></extra>"} for s in series]
    layout = base_layout(title, source, height=440)
    layout.update({"barmode": "group", "yaxis": {"title": {"text": y_title}, "gridcolor": "#eee",
                                                 "tickformat": AXIS_FORMAT, "automargin": True},
                   "legend": {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}})
    # Names side by side while they fit the narrowest chart; slanted, with the room they take, when not.
    longest = max((text_em(str(c)) for c in categories), default=0)
    if len(categories) * (longest + 1) * 13 > 420:
        layout["xaxis"] = {"tickangle": -45, "automargin": True}
        place_source(layout, int(AXIS_TICKS_PX + 0.71 * longest * 13))
    else:
        layout["xaxis"] = {"automargin": True}
        place_source(layout, AXIS_TICKS_PX)
    return {"data": data, "layout": layout}


def heatmap(*, z: list[list], x: list[str], y: list[str], title: str, source: str, colorbar: str,
            text: list[list[str]] | None = None) -> dict:
    """LQ heatmap on a log scale centred on 1 (LQ 2 and 0.5 get opposite colours of equal strength).

    ``text`` is one hover line per cell (the count behind the LQ); without it the hover shows the LQ.
    """
    zlog = [[None if v is None or not math.isfinite(v) or v <= 0 else math.log2(v) for v in row] for row in z]
    ticks = [0.25, 0.5, 1, 2, 4]
    hover = "%{y} × %{x}<br>%{text}<extra></extra>" if text is not None else \
        "%{y} × %{x}<br>LQ %{customdata:.2f}<extra></extra>"
    data = [{"type": "heatmap", "z": [numbers(r) for r in zlog], "x": x, "y": y, "colorscale": explicit_scale("PuOr"),
             "zmid": 0, "zmin": -2, "zmax": 2, "customdata": [numbers(r) for r in z],
             **({"text": text} if text is not None else {}), "hovertemplate": hover,
             "colorbar": {"title": {"text": colorbar}, "tickvals": [math.log2(t) for t in ticks],
                          "ticktext": [str(t) for t in ticks]}}]
    layout = base_layout(title, source, height=max(500, 18 * len(y) + 200))
    layout.update({"xaxis": {"side": "top", "tickangle": -45, "automargin": True},
                   "yaxis": {"autorange": "reversed", "automargin": True}})
    layout["margin"]["t"] = 160
    # Over the slanted industry names: the title takes the top of the figure and the names the room
    # under it (title automargin from the container keeps the title clear of the tick labels).
    layout["title"].update({"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12, "b": 10},
                            "text": layout["title"]["text"].replace("<br>", " ")})
    place_source(layout, 8)
    return {"data": data, "layout": layout}


def bubble(*, x: list, y: list, size: list, labels: list[str], title: str, source: str, x_title: str,
           y_title: str, lq_threshold: float, min_share: float, size_unit: str = "") -> dict:
    s = np.asarray([v or 0 for v in size], dtype="float64")
    ref = s.max() if s.size and s.max() > 0 else 1
    data = [{"type": "scatter", "mode": "markers+text", "x": numbers(x), "y": numbers(y), "text": labels,
             "textposition": "top center", "textfont": {"size": 10},
             "marker": {"size": numbers(list(6 + 44 * np.sqrt(s / ref))), "color": "#4a6fa5", "opacity": 0.85,
                        "line": {"color": "white", "width": 1}},
             "customdata": numbers(list(s)),
             "hovertemplate": f"%{{text}}<br>LQ %{{y:.2f}}<br>%{{x:.1%}}<br>%{{customdata:,.0f}}{size_unit}"
                              "<extra></extra>"}]
    layout = base_layout(title, source, height=520)
    # A log axis with ".0%" labels prints "0%" for every share under 0.5 %: name the ticks instead.
    ticks = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
    layout.update({"xaxis": {"title": {"text": x_title}, "type": "log", "gridcolor": "#eee", "tickvals": ticks,
                             "ticktext": [f"{t * 100:g}%" for t in ticks], "automargin": True},
                   "yaxis": {"title": {"text": y_title}, "gridcolor": "#eee", "automargin": True},
                   "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": lq_threshold,
                               "y1": lq_threshold, "line": {"color": "#d95f02", "dash": "dash"}},
                              {"type": "line", "xref": "x", "x0": min_share, "x1": min_share, "yref": "paper",
                               "y0": 0, "y1": 1, "line": {"color": "#d95f02", "dash": "dot"}}]})
    return {"data": data, "layout": layout}


def dots(*, categories: list[str], series: list[dict], title: str, source: str, x_title: str) -> dict:
    """Dot plot (one row per indicator), e.g. deviation scores of a region and its groups."""
    symbols = ["circle", "diamond", "square", "triangle-up"]
    data = [{"type": "scatter", "mode": "markers", "name": s["name"], "x": numbers(s["x"]), "y": categories,
             "marker": {"size": 12 if i == 0 else 9, "symbol": symbols[i % 4]},
             "hovertemplate": f"{s['name']}: %{{x:.1f}}<extra>%{{y}}</extra>"} for i, s in enumerate(series)]
    layout = base_layout(title, source, height=max(360, 28 * len(categories) + 160))
    layout.update({"xaxis": {"title": {"text": x_title}, "gridcolor": "#eee", "automargin": True},
                   "yaxis": {"autorange": "reversed", "automargin": True},
                   "shapes": [{"type": "line", "x0": 50, "x1": 50, "yref": "paper", "y0": 0, "y1": 1,
                               "line": {"color": "#767676", "dash": "dash"}}],
                   "legend": {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}})
    return {"data": data, "layout": layout}


def rank_band(*, names: list[str], rank: list, best: list, worst: list, title: str, source: str,
              x_title: str) -> dict:
    data = [{"type": "scatter", "mode": "markers", "x": numbers(rank), "y": names,
             "error_x": {"type": "data", "symmetric": False,
                         "array": numbers([w - r for w, r in zip(worst, rank, strict=True)]),
                         "arrayminus": numbers([r - b for r, b in zip(rank, best, strict=True)]),
                         "color": "#888"},
             "marker": {"size": 8, "color": "#4a6fa5"},
             "hovertemplate": "%{y}: %{x}<extra></extra>"}]
    layout = base_layout(title, source, height=max(420, ROW_PX * len(names) + 200))
    layout.update({"xaxis": {"title": {"text": x_title}, "autorange": "reversed", "gridcolor": "#eee",
                             "automargin": True},
                   "yaxis": {"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}}})
    return {"data": data, "layout": layout}
