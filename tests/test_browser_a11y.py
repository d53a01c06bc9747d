"""Accessibility of every page in both languages, in headless Chromium.

axe-core (pinned in tests/axe/package.json, installed by ``npm ci --prefix tests/axe``) runs on every
page: no serious or critical violation. Every control is reached with Tab and shows a focus ring that
contrasts with what is behind it. An English page shows no Japanese outside the names and credit lines
that have no English form; a Japanese page shows no English UI words.

One server and one browser serve the whole module (see ``session``), so the run stays short.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"

PAGES = ["/", "/map", "/map?level=municipality", "/profile?region=13", "/compare", "/industry", "/index", "/data",
         "/api", "/profile?region=08202",
         "/compare?regions=08202,08,peer-08202,00&ind=aging_rate"]     # a municipality compared (issue 13)


def with_lang(path: str, lang: str) -> str:
    return path if lang == "ja" else path + ("&" if "?" in path else "?") + "lang=en"


# --- one app server and one browser per module ---------------------------------------------------------


@pytest.fixture(scope="module")
def session(bundled_serving_db, tmp_path_factory):
    """(driver, base url): the app in a thread and one headless Chromium for every test of the module."""
    yield from serve_and_browse(bundled_serving_db, tmp_path_factory)


def serve_and_browse(bundled_serving_db, tmp_path_factory):
    """The app in a thread and a headless Chromium, yielded as (driver, base url), stopped afterwards.

    Each test still gets its own user directory (conftest's autouse ``user_dir``); the store follows
    the directory of the test that is running when a request arrives.
    """
    from dash.testing.application_runners import ThreadedRunner
    from selenium import webdriver

    from tests.conftest import pytest_setup_options

    d = tmp_path_factory.mktemp("a11y-user")
    shutil.copy(bundled_serving_db, d / "serving.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHIIKI_USER_DIR", str(d))
        mp.setenv("CHIIKI_ACCESS_LOG", "0")
        from app import create_app

        # A port nobody holds: the runner's own counter starts at a fixed number, and a server another
        # test run left there would answer in this app's place.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        runner = ThreadedRunner()
        runner.start(create_app(), start_timeout=30, port=port)
        driver = webdriver.Chrome(options=pytest_setup_options())
        try:
            yield driver, runner.url.rstrip("/")
        finally:
            driver.quit()
            runner.stop()


READY_JS = """
if (!document.querySelector('main h1')) return false;
if (document.querySelector('[data-dash-is-loading="true"]')) return false;
for (const g of document.querySelectorAll('.js-plotly-plot')) {
  if (!g.querySelector('.main-svg') || !g._fullLayout) return false;
}
return document.fonts.status === 'loaded';
"""


def open_page(driver, base: str, path: str, *, size: tuple[int, int] = (1280, 720), timeout: float = 40,
              reuse: bool = False) -> None:
    """Load ``path`` and wait until Dash has no pending callback and every chart is drawn, twice over a
    short pause (a callback may answer and start another). With ``reuse``, a page the previous test
    left as it was loaded (only read, never changed) is not loaded again."""
    if reuse and getattr(driver, "chiiki_loaded", None) == (path, size):
        return
    driver.chiiki_loaded = None
    driver.set_window_size(*size)
    driver.get(base + path)
    settle(driver, timeout)
    driver.chiiki_loaded = (path, size)


def settle(driver, timeout: float = 40) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    for _ in range(2):
        WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: d.execute_script(READY_JS))
        time.sleep(0.6)


@pytest.fixture(scope="module", params=PAGES)
def path(request) -> str:
    """The page under test; module scope groups each page's tests, so they share one load."""
    return request.param


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's browser build; in CI (CHIIKI_REQUIRE_BROWSER=1) a missing install is a failure."""
    if not AXE.is_file():
        msg = f"axe-core not installed at {AXE} (run: npm ci --prefix tests/axe --no-audit --no-fund)"
        if os.environ.get("CHIIKI_REQUIRE_BROWSER") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return AXE.read_text(encoding="utf-8")


# --- axe -----------------------------------------------------------------------------------------------


AXE_RUN_JS = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => n.target.join(' '))})))).catch(e => done(String(e)));
"""


def axe_violations(driver, axe_js: str) -> list[dict]:
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(axe_js)
    driver.set_script_timeout(60)
    result = driver.execute_async_script(AXE_RUN_JS)
    assert isinstance(result, list), f"axe.run failed: {result}"
    return [v for v in result if v["impact"] in ("serious", "critical")]


# --- keyboard --------------------------------------------------------------------------------------------

# The focused element, what draws its focus indicator (an outline or a box-shadow), and the colour
# behind it: the first opaque background among its ancestors.
FOCUS_JS = r"""
const el = document.activeElement;
if (!el || el === document.body) return null;
const parse = (c) => { const m = c && c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
const bg = (node) => { for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
  const c = parse(getComputedStyle(n).backgroundColor); if (c && c[3] > 0.5) return c; } return [255, 255, 255, 1]; };
const cs = getComputedStyle(el);
let ring = null;
if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1) ring = parse(cs.outlineColor);
const shadows = [];
if (cs.boxShadow && cs.boxShadow !== 'none') {
  for (const part of cs.boxShadow.split(/,(?![^(]*\))/)) {
    const c = parse(part); const nums = part.replace(/rgba?\([^)]*\)/, '').trim().split(/\s+/).map(parseFloat);
    // A shadow draws a ring when its spread (4th length) is at least 1px.
    if (c && c[3] > 0.5 && nums.length >= 4 && nums[3] >= 1) shadows.push(c);
  }
}
const r = el.getBoundingClientRect();
const label = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
  ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"';
const key = el.id || label + '@' + Math.round(r.left) + ',' + Math.round(r.top + window.scrollY);
return {key: key, label: label, ring: ring, shadows: shadows, bg: bg(el.parentElement || el),
        visible: r.width > 0 && r.height > 0};
"""

# Everything a keyboard user must reach: links, buttons, form fields, dropdowns, radio items, sliders,
# and the tables' sort buttons.
CONTROLS_JS = r"""
const sel = 'main a[href], main button:not([disabled]), main input:not([type=hidden]):not([disabled]), ' +
  'main [role=slider], main .column-header--sort, nav a[href]';
const out = [];
for (const el of document.querySelectorAll(sel)) {
  if (el.closest('[hidden], .modebar, .dash-dropdown-content')) continue;
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') continue;
  // Inside a closed <details> (a chart's table): reached once the person opens it.
  if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) continue;
  // A radio group is one tab stop (arrow keys move within it): only its checked radio is reached.
  if (el.type === 'radio' && !el.checked &&
      document.querySelector('input[type=radio][name="' + el.name + '"]:checked')) continue;
  // Dropdown triggers are focused through their wrapper's focus proxy.
  if (el.classList.contains('dash-dropdown-focus-target')) continue;
  // The table's page-number box and disabled pager buttons are part of the pager, reached from it.
  out.push(el);
}
return out;
"""


def luminance(rgb) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def tab_through(driver, max_steps: int = 400) -> tuple[list[str], list]:
    """Press Tab until focus comes back round; returns (problems, the elements that took focus)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver.execute_script("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur();"
                          "document.body.focus();")
    problems, seen, focused = [], [], []
    for _ in range(max_steps):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        info = driver.execute_script(FOCUS_JS)
        if info is None:
            if seen:
                break
            continue
        if info["key"] in seen:
            break
        seen.append(info["key"])
        focused.append(driver.switch_to.active_element)
        rings = ([info["ring"]] if info["ring"] and info["ring"][3] > 0.5 else []) + info["shadows"]
        best = max((contrast(c, info["bg"]) for c in rings), default=0.0)
        if best < 3.0:
            problems.append(f"{info['label']}: focus indicator contrast {best:.2f}:1 against "
                            f"rgb{tuple(info['bg'][:3])} (needs ≥ 3:1)")
    return problems, focused


# --- one language per page -----------------------------------------------------------------------------

JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Words a Japanese page may show in Latin letters: file formats, units, abbreviations, names of
# standards and services, and the app's own name.
JA_PAGE_LATIN = {"LQ", "CSV", "PNG", "SVG", "API", "e-Stat", "SSDSE", "Excel", "JSON", "HTTP", "URL", "ID",
                 "chiiki", "English", "Jenks", "OpenAPI", "README", "JIS", "NSTAC", "GNT", "RIS", "VC", "IT",
                 "km", "g", "g1", "sd", "KIND", "tidy", "estat", "koyo", "gnt", "raw", "meta", "UTF-8", "BOM",
                 "x", "y", "r", "GET", "curl", "Esc", "RESAS", "RFC",
                 # units as the statistics write them, the study material's label (seed 004), a publisher's acronym
                 "ha", "mm", "t", "seed", "VEC",
                 # colour scales are known by these names (ColorBrewer, matplotlib)
                 "viridis", "cividis", "Blues", "YlGnBu", "PuOr", "RdBu"}

# Text of the page as a person meets it: visible text nodes, tooltips and labels, the charts' SVG text,
# and what the charts' hovers are made of (templates, trace names, hover text).
STRINGS_JS = r"""
const out = [];
const push = (where, s) => { if (s !== null && s !== undefined && String(s).trim()) out.push([where, String(s)]); };
const tag = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n; (n = walker.nextNode());) {
  const el = n.parentElement;
  // Code (commands, paths, parameters) is the same in either language.
  if (!el || el.closest('script, style, noscript, svg, .visually-hidden, code, pre, kbd, samp')) continue;
  if (!el.getClientRects().length && !el.closest('details')) continue;
  const cs = getComputedStyle(el);
  if (cs.display === 'none' || cs.visibility === 'hidden') continue;
  push('text ' + tag(el) + (el.closest('[lang]') ? ' lang=' + el.closest('[lang]').getAttribute('lang') : ''),
       n.nodeValue);
}
const attrs = '[title], [aria-label], [placeholder], [alt], [aria-valuetext], [data-title]';
for (const el of document.querySelectorAll(attrs)) {
  for (const a of ['title', 'aria-label', 'placeholder', 'alt', 'aria-valuetext', 'data-title']) {
    if (el.hasAttribute(a)) push(a + ' ' + tag(el) + (el.closest('[lang]') ?
      ' lang=' + el.closest('[lang]').getAttribute('lang') : ''), el.getAttribute(a));
  }
}
push('document.title', document.title);
for (const gd of document.querySelectorAll('.js-plotly-plot')) {
  const id = gd.closest('[id]') ? gd.closest('[id]').id : '?';
  for (const t of gd.querySelectorAll('svg text')) push('chart ' + id, t.textContent);
  for (const tr of gd.data || []) {
    push('hover ' + id, (tr.hovertemplate || '').replace(/%\{[^}]*\}/g, ' ').replace(/<[^>]*>/g, ' '));
    if (tr.showlegend !== false) push('trace name ' + id, (tr.name || '').replace(/<[^>]*>/g, ' '));
    for (const k of ['hovertext', 'customdata']) {
      const v = tr[k]; if (!v) continue;
      for (const s of (Array.isArray(v) ? v.flat(3) : [v])) if (typeof s === 'string') push(k + ' ' + id, s);
    }
  }
}
return out;
"""


def allowed_japanese() -> list[str]:
    """Japanese an English page may show: names that have no English form in the data (municipalities),
    and the credit lines the data's licences require word for word."""
    import pandas as pd

    regions = pd.read_parquet(ROOT / "data" / "regions.parquet")
    names = regions.loc[regions["name_en"].isna() | (regions["name_en"] == ""), "name_ja"].tolist()
    credits = pd.read_parquet(ROOT / "data" / "datasets.parquet")["credit"].tolist()
    catalog = pd.read_parquet(ROOT / "data" / "catalog.parquet")
    for c in catalog["credit"].dropna():
        credits += [p.strip() for p in c.split(";")]
    # Longest first, so a name inside a credit line never leaves half the line behind.
    return sorted({s for s in names + credits if s and JAPANESE.search(s)}, key=len, reverse=True)


def proper_nouns_in_latin() -> set[str]:
    """Latin-letter words in the data's own names of publishers, datasets, editions and licences
    (SmartNews Media Research Institute, dataofjapan/land …): a Japanese page writes them as they are."""
    import pandas as pd

    d = pd.read_parquet(ROOT / "data" / "datasets.parquet")
    text = " ".join(" ".join(d[c].dropna().astype(str)) for c in ("publisher_ja", "title_ja", "credit", "licence_ja",
                                                                    "edition"))
    return set(re.findall(r"[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]|[A-Za-z]", text))


def language_problems(strings: list[list[str]], lang: str, allowed: list[str]) -> list[str]:
    problems = []
    for where, s in strings:
        if lang == "en":
            # The language switch names the other language in that language (and says so: lang="ja").
            if "lang=ja" in where:
                continue
            rest = s
            for a in allowed:
                if a in rest:
                    rest = rest.replace(a, " ")
            if JAPANESE.search(rest):
                problems.append(f"{where}: {s[:160]!r}")
        else:
            if "lang=en" in where:
                continue
            # Addresses, file names, parameter=value pairs and snake_case identifiers are code, not words.
            rest = re.sub(r"https?://\S+|/[\w./?=&%-]*|\b[\w./-]+\.(csv|md|json|xlsx)\b|\b\w+=[\w,.-]*|"
                          r"\b[A-Za-z0-9]+(_[A-Za-z0-9]+)+\b", " ", s)
            words = re.findall(r"[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]|[A-Za-z]", rest)
            # Codes such as SSDSE-A-2026, A1101, ssdse-e-2025 are identifiers, not words.
            stray = [w for w in words if w not in JA_PAGE_LATIN and w not in PROPER_NOUNS and not re.search(r"\d", w)
                     and not re.fullmatch(r"[A-Z]", w) and not re.fullmatch(r"(?i)ssdse(-[a-z])?", w)]
            if stray:
                problems.append(f"{where}: {stray} in {s[:160]!r}")
    return sorted(set(problems))


PROPER_NOUNS = proper_nouns_in_latin()


@pytest.fixture(scope="module")
def allowed():
    return allowed_japanese()


# --- the tests -----------------------------------------------------------------------------------------


def test_axe_finds_nothing_serious(session, axe_source, path):
    driver, base = session
    report = []
    for lang in ("en", "ja"):
        open_page(driver, base, with_lang(path, lang), reuse=True)
        for v in axe_violations(driver, axe_source):
            report.append(f"[{lang}] {v['id']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["nodes"][:8]))
    assert not report, f"axe on {path}:\n  " + "\n  ".join(report)


def test_one_language_per_page(session, allowed, path):
    driver, base = session
    report = []
    for lang in ("ja", "en"):
        open_page(driver, base, with_lang(path, lang), reuse=True)
        assert driver.execute_script("return document.documentElement.lang") == lang
        report += [f"[{lang}] {p}" for p in language_problems(driver.execute_script(STRINGS_JS), lang, allowed)]
    assert not report, f"{path}: text in the wrong language:\n  " + "\n  ".join(report[:40]) + (
        f"\n  … and {len(report) - 40} more" if len(report) > 40 else "")


def test_every_control_is_reached_by_tab_with_a_visible_focus_ring(session, path):
    driver, base = session
    open_page(driver, base, with_lang(path, "en"), reuse=True)
    problems, focused = tab_through(driver)
    controls = driver.execute_script(CONTROLS_JS)
    focused_ids = {f.id for f in focused}
    missed = [driver.execute_script(
        "const e = arguments[0]; return e.outerHTML.slice(0, 160);", c) for c in controls if c.id not in focused_ids]
    assert not missed, f"{path}: {len(missed)} controls never take focus with Tab:\n  " + "\n  ".join(missed[:15])
    assert not problems, f"{path}: focus not visible:\n  " + "\n  ".join(problems[:20])
    assert len(focused) >= 10      # the nav alone has nine links: the walk did go round the page


def test_checks_catch_what_they_claim(session, axe_source):
    """The checks themselves: a page with a colour-only, unlabelled, focus-less control fails each."""
    driver, base = session
    open_page(driver, base, "/api?lang=en")
    driver.chiiki_loaded = None      # the page is changed below
    driver.execute_script("""
      const m = document.querySelector('main');
      m.insertAdjacentHTML('afterbegin', '<p id="bad-p" style="color:#bbb">Faint text 日本語</p>' +
        '<input id="bad-in" style="outline:none !important; box-shadow:none !important">');
    """)
    ids = {v["id"] for v in axe_violations(driver, axe_source)}
    assert {"color-contrast", "label"} <= ids
    problems, _ = tab_through(driver)
    assert any("#bad-in" in p for p in problems)
    strings = driver.execute_script(STRINGS_JS)
    assert any("Faint text" in p for p in language_problems(strings, "en", []))
    assert json.dumps(language_problems([["text p", "地図を開く Open map"]], "ja", []), ensure_ascii=False) \
        == '["text p: [\'Open\', \'map\'] in \'地図を開く Open map\'"]'
