"""No clipped or overlapping text: every chart on every page, at 1280×720 and 1920×1080, in both languages,
on screen and in the SVG it exports; and no page wider than the window or text cut off by its box.

A chart's texts (titles, tick labels, legend, colour bar, annotations) must lie inside the chart's SVG,
must not overlap one another (measured on the rotated glyph boxes, so slanted tick labels count as they
are drawn), and the source line must stay clear of everything else. Labels placed on data points (the
scatter's region names) are data, not layout, and are left out.
"""

from __future__ import annotations

import pytest

from tests.test_browser_a11y import PAGES, luminance, open_page, serve_and_browse, settle, with_lang

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def session(bundled_serving_db, tmp_path_factory):
    yield from serve_and_browse(bundled_serving_db, tmp_path_factory)


SIZES = [(1280, 720), (1920, 1080)]

# Runs on a root element holding a chart (the live one, or an exported SVG put into the page). Each text
# is a rectangle in screen coordinates: its SVG bounding box through the screen transform, so rotation
# is kept. Two rectangles overlap unless an axis separates them (separating-axis test).
CHECK_JS = r"""
const root = arguments[0], name = arguments[1];
const problems = [];
const main = root.querySelector('svg.main-svg') || root.querySelector('svg');
const box = main.getBoundingClientRect();
const shown = (el) => {
  for (let n = el; n && n !== root; n = n.parentNode) {
    if (n.nodeType !== 1) continue;
    const cs = getComputedStyle(n);
    if (cs.display === 'none' || cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) return false;
  }
  return true;
};
const corners = (t, inset) => {
  const b = t.getBBox(), m = t.getScreenCTM();
  const x0 = b.x + inset, y0 = b.y + inset, x1 = b.x + b.width - inset, y1 = b.y + b.height - inset;
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]].map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
};
const separated = (p, q) => {
  for (const poly of [p, q]) {
    for (let i = 0; i < 4; i++) {
      const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
      const nx = y2 - y1, ny = x1 - x2;
      if (!nx && !ny) continue;
      const proj = (pts) => pts.map(([x, y]) => x * nx + y * ny);
      const a = proj(p), c = proj(q);
      if (Math.max(...a) <= Math.min(...c) || Math.max(...c) <= Math.min(...a)) return true;
    }
  }
  return false;
};
const what = (t) => {
  const g = t.closest('.xtick, .ytick, .ycbtick, .xcbtick, .legendtext, .g-xtitle, .g-ytitle, .gtitle, ' +
                      '.annotation, .cbtitle, .colorbar, .legend');
  const kind = g ? (g.getAttribute('class') || '').split(' ')[0] : (t.getAttribute('class') || 'text');
  const idx = t.closest('.annotation') ? '#' + t.closest('.annotation').getAttribute('data-index') : '';
  return kind + idx + ' "' + t.textContent.slice(0, 40) + '"';
};
const texts = [...root.querySelectorAll('text')].filter(t =>
  t.textContent.trim() && !t.closest('.hoverlayer, .textpoint, .modebar') && shown(t) && t.getBBox().width > 0);
const rects = texts.map(t => ({t, tight: corners(t, 1), full: corners(t, 0), label: what(t)}));
for (const r of rects) {
  const xs = r.full.map(p => p[0]), ys = r.full.map(p => p[1]);
  if (Math.min(...xs) < box.left - 0.5 || Math.max(...xs) > box.right + 0.5 ||
      Math.min(...ys) < box.top - 0.5 || Math.max(...ys) > box.bottom + 0.5) {
    const at = (v, o) => Math.round(v - o);
    problems.push(`${name}: ${r.label} outside the chart (x ${at(Math.min(...xs), box.left)}..` +
      `${at(Math.max(...xs), box.left)} of ${Math.round(box.width)}, y ${at(Math.min(...ys), box.top)}..` +
      `${at(Math.max(...ys), box.top)} of ${Math.round(box.height)})`);
  }
}
for (let i = 0; i < rects.length; i++) {
  for (let j = i + 1; j < rects.length; j++) {
    if (!separated(rects[i].tight, rects[j].tight)) {
      problems.push(`${name}: ${rects[i].label} overlaps ${rects[j].label}`);
    }
  }
}
// The source line must also keep clear of the legend's and colour bar's boxes (swatches included).
const source = root.querySelector('.annotation[data-index="0"]');
if (source && shown(source)) {
  const s = source.getBoundingClientRect();
  for (const g of root.querySelectorAll('.legend, .colorbar')) {
    const r = g.getBoundingClientRect();
    if (r.width && r.height && shown(g) && s.left < r.right - 1 && r.left < s.right - 1 && s.top < r.bottom - 1 &&
        r.top < s.bottom - 1) {
      problems.push(`${name}: the source line overlaps the ${g.getAttribute('class').split(' ')[0]}`);
    }
  }
}
// Text colours against the white paper, for the contrast check in Python; and the colours of lines,
// markers, bars and reference lines (graphical objects: 3:1), blended with white by their opacity.
const fills = [...new Set(texts.map(t => getComputedStyle(t).fill))];
const marks = [];
if (root._fullData) {
  for (const tr of root._fullData) {
    if (!['scatter', 'bar'].includes(tr.type) || tr.visible !== true) continue;
    const op = (tr.opacity ?? 1) * ((tr.marker && typeof tr.marker.opacity === 'number') ? tr.marker.opacity : 1);
    const name = tr.name || tr.type;
    if (tr.mode && tr.mode.includes('lines') && tr.line) marks.push([`${name} line`, tr.line.color, tr.opacity ?? 1]);
    if (tr.marker && typeof tr.marker.color === 'string' && (tr.type === 'bar' || (tr.mode || '').includes('markers')))
      marks.push([`${name} marker`, tr.marker.color, op]);
  }
  for (const s of root._fullLayout.shapes || []) {
    if (s.line && s.line.width > 0) marks.push(['reference line', s.line.color, 1]);
  }
}
return {problems, fills, marks, count: texts.length};
"""

CHARTS_JS = "return [...document.querySelectorAll('.js-plotly-plot')].filter(g => g._fullLayout && g.data && " \
            "g.data.length && g.getBoundingClientRect().width > 0);"

EXPORT_JS = r"""
const gd = arguments[0], done = arguments[arguments.length - 1];
// The size the export buttons use (assets/app.js): the chart as it is on the screen.
Plotly.toImage(gd, {format: 'svg', width: gd.clientWidth, height: gd.clientHeight}).then(url => {
  const svg = decodeURIComponent(url.slice(url.indexOf(',') + 1));
  const holder = document.createElement('div');
  holder.id = 'exported-svg';
  holder.style.cssText = 'position:absolute;left:0;top:0;z-index:99999;background:#fff';
  holder.innerHTML = svg;
  document.body.appendChild(holder);
  done(null);
}).catch(e => done(String(e)));
"""

PAGE_JS = r"""
const problems = [];
if (document.documentElement.scrollWidth > window.innerWidth) {
  problems.push(`page ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
}
// Text cut off by a box that hides its overflow (ellipsis included).
for (const el of document.querySelectorAll('main *, nav *, footer *')) {
  if (el.closest('svg, .js-plotly-plot, .visually-hidden, [hidden]') || !el.getClientRects().length) continue;
  const cs = getComputedStyle(el);
  if (!['hidden', 'clip'].includes(cs.overflowX) && !['hidden', 'clip'].includes(cs.overflowY)) continue;
  if (!(el.innerText || '').trim()) continue;
  if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
    problems.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${(el.className || '').toString()
      .trim().split(/\s+/).join('.')} clips "${el.innerText.trim().slice(0, 50)}" ` +
      `(${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`);
  }
}
return problems;
"""


def contrast_on_white(css_colour: str, opacity: float = 1.0) -> float:
    """Contrast of a colour (rgb(), rgba() or #rrggbb), drawn with ``opacity`` on white, against white."""
    import re

    if re.fullmatch(r"#[0-9a-fA-F]{6}", css_colour or ""):
        r, g, b = (int(css_colour[i:i + 2], 16) for i in (1, 3, 5))
        alpha = 1.0
    else:
        m = re.match(r"rgba?\(([^)]+)\)", css_colour or "")
        if not m:
            return 21.0
        parts = [float(v) for v in re.split(r"[ ,/]+", m.group(1).strip()) if v]
        r, g, b = parts[:3]
        alpha = parts[3] if len(parts) > 3 else 1.0
    a = alpha * opacity
    r, g, b = (a * v + (1 - a) * 255 for v in (r, g, b))
    return 1.05 / (luminance((r, g, b)) + 0.05)


def chart_problems(driver, size: tuple[int, int], lang: str) -> list[str]:
    problems = list(driver.execute_script(PAGE_JS))
    charts = driver.execute_script(CHARTS_JS)
    for gd in charts:
        name = driver.execute_script("const e = arguments[0].closest('[id]'); return e ? e.id : '?';", gd)
        live = driver.execute_script(CHECK_JS, gd, f"{name} on screen")
        problems += live["problems"]
        problems += [f"{name}: text colour {c} has contrast {contrast_on_white(c):.2f}:1 on white (needs ≥ 4.5:1)"
                     for c in live["fills"] if contrast_on_white(c) < 4.5]
        problems += [f"{name}: {what} colour {c} (opacity {op}) has contrast {contrast_on_white(c, op):.2f}:1 on "
                     "white (needs ≥ 3:1)" for what, c, op in live["marks"] if contrast_on_white(c, op) < 3]
        assert live["count"] > 0, f"{name}: no text found in the chart"
        err = driver.execute_async_script(EXPORT_JS, gd)
        assert err is None, f"{name}: Plotly.toImage failed: {err}"
        holder = driver.find_element("css selector", "#exported-svg")
        exported = driver.execute_script(CHECK_JS, holder, f"{name} exported SVG")
        driver.execute_script("document.getElementById('exported-svg').remove();")
        problems += exported["problems"]
        assert exported["count"] >= live["count"] * 0.8, f"{name}: exported SVG lost text"
    return [f"[{lang} {size[0]}×{size[1]}] {p}" for p in problems]


@pytest.mark.parametrize("path", PAGES)
def test_no_clipped_or_overlapping_text(session, path):
    driver, base = session
    driver.set_script_timeout(60)
    report = []
    for lang in ("ja", "en"):
        open_page(driver, base, with_lang(path, lang), size=SIZES[0])
        report += chart_problems(driver, SIZES[0], lang)
        # The larger window: charts follow it (responsive), as they do when a person resizes the window.
        driver.set_window_size(*SIZES[1])
        settle(driver)
        driver.chiiki_loaded = None
        report += chart_problems(driver, SIZES[1], lang)
    assert not report, f"{path}:\n  " + "\n  ".join(report[:40]) + (
        f"\n  … and {len(report) - 40} more" if len(report) > 40 else "")


def test_the_check_sees_overlap_clipping_and_overflow(session):
    """The checks themselves, on a chart made to fail: a tick label pushed onto its neighbour, a title
    outside the figure, and a page and a box too narrow for their text."""
    driver, base = session
    driver.set_script_timeout(60)
    open_page(driver, base, "/compare")
    gd = driver.execute_script(CHARTS_JS)[0]
    driver.execute_script("""
      const gd = arguments[0];
      const ticks = gd.querySelectorAll('.xtick text, .ytick text');
      ticks[1].setAttribute('transform', ticks[0].getAttribute('transform') || '');
      ticks[1].setAttribute('x', ticks[0].getAttribute('x')); ticks[1].setAttribute('y', ticks[0].getAttribute('y'));
      gd.querySelector('.gtitle').setAttribute('x', -400);
    """, gd)
    found = driver.execute_script(CHECK_JS, gd, "probe")["problems"]
    assert any("overlaps" in p for p in found), found
    assert any("outside the chart" in p for p in found), found
    driver.execute_script("""
      document.querySelector('main').insertAdjacentHTML('afterbegin',
        '<div style="width:4000px">wide</div><p style="width:3em;overflow:hidden;white-space:nowrap">cut off here</p>');
    """)
    page = driver.execute_script(PAGE_JS)
    assert any("wide in a" in p for p in page) and any("clips" in p for p in page), page
