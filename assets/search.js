/* Find a prefecture or municipality by its name from any page (the search box in the nav).
 *
 * Nothing is loaded until the box is first focused: then the region list comes from the API
 * (/api/v1/regions, about 20 KB gzipped) and fills a <datalist>, so the browser suggests names as they
 * are typed and the arrow keys choose one. Enter (or choosing a suggestion) opens the region's profile;
 * a name shared by several places (府中市 in 東京都 and 広島県) asks for one of them.
 * Names are matched in kanji, as part of a name and with or without 市/町/村/区: there is no official
 * kana reading in the bundled data, so none is guessed.
 */
(function () {
  "use strict";
  const INPUT = "nav-search";
  const LIST = "nav-search-list";
  const STATUS = "nav-search-status";
  let entries = null;     // [{code, name, label}] once loaded
  let builtFor = null;    // the language the list was built in
  let loading = null;

  function lang() { return document.documentElement.lang === "en" ? "en" : "ja"; }

  function str(key) {
    let all = {};
    try { all = JSON.parse(document.getElementById("chiiki-strings").textContent); } catch (e) { /* none */ }
    return (all[lang()] || {})[key] || (all.ja || {})[key] || key;
  }

  function bare(name) { return name.length > 1 && "市町村区".includes(name.slice(-1)) ? name.slice(0, -1) : name; }

  function norm(text) { return String(text || "").normalize("NFKC").trim(); }

  async function rows(level) {
    const res = await fetch("/api/v1/regions?level=" + level, { headers: { Accept: "application/json" } });
    if (!res.ok) { throw new Error("regions " + res.status); }
    return (await res.json()).data || [];
  }

  async function load() {
    if (entries && builtFor === lang()) { return entries; }
    if (loading) { return loading; }
    loading = (async function () {
      const en = lang() === "en";
      const [prefs, munis] = await Promise.all([rows("prefecture"), rows("municipality")]);
      const prefName = {};
      const list = [];
      for (const p of prefs) {
        const label = en && p.name_en ? p.name_en + " (" + p.name_ja + ")" : p.name_ja;
        prefName[p.code] = en && p.name_en ? p.name_en : p.name_ja;
        list.push({ code: p.code, name: p.name_ja, en: p.name_en || "", label: label, key: norm(label) });
      }
      for (const m of munis) {
        const pref = prefName[m.prefecture_code] || "";
        const label = en ? m.name_ja + " (" + pref + ")" : m.name_ja + "（" + pref + "）";
        list.push({ code: m.code, name: m.name_ja, en: "", label: label, key: norm(label) });
      }
      let dl = document.getElementById(LIST);
      if (!dl) { dl = document.createElement("datalist"); dl.id = LIST; document.body.appendChild(dl); }
      dl.replaceChildren(...list.map(function (e) {
        const o = document.createElement("option");
        o.value = e.label;
        return o;
      }));
      const input = document.getElementById(INPUT);
      if (input) { input.setAttribute("list", LIST); }
      entries = list;
      builtFor = lang();
      return list;
    })();
    try { return await loading; } finally { loading = null; }
  }

  // The regions a typed text names: a suggestion's exact label, else the names equal to it (with or
  // without 市/町/村/区), else the names containing it.
  function resolve(text, list) {
    const q = norm(text);
    if (!q) { return []; }
    // NFKC on both sides: a typed 府中市(広島県) is the suggestion 府中市（広島県）.
    const exact = list.filter(function (e) { return e.key === q; });
    if (exact.length) { return exact; }
    const b = bare(q);
    const lower = q.toLowerCase();
    const same = list.filter(function (e) { return e.name === q || bare(e.name) === b || e.en.toLowerCase() === lower; });
    if (same.length) { return same; }
    return list.filter(function (e) {
      return e.name.includes(q) || bare(e.name).includes(b) || (e.en && e.en.toLowerCase().includes(lower));
    });
  }

  function say(text) {
    const el = document.getElementById(STATUS);
    if (el) { el.textContent = text; }
  }

  function open(entry) {
    say("");
    window.location.assign("/profile?region=" + entry.code + (lang() === "en" ? "&lang=en" : ""));
  }

  async function go(input) {
    let list;
    try { list = await load(); } catch (e) { say(str("search_none")); return; }
    const hits = resolve(input.value, list);
    if (hits.length === 1) { open(hits[0]); return; }
    say(hits.length ? str("search_many") : str("search_none"));
  }

  function relabel() {
    const input = document.getElementById(INPUT);
    const label = document.getElementById(INPUT + "-label");
    if (input) { input.placeholder = str("search_placeholder"); }
    if (label) { label.textContent = str("search_label"); }
    say("");
  }

  document.addEventListener("focusin", function (ev) {
    if (ev.target && ev.target.id === INPUT) { load().catch(function () { /* said on Enter */ }); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.target && ev.target.id === INPUT && ev.key === "Enter" && !ev.isComposing) {
      ev.preventDefault();
      go(ev.target);
    }
  });
  // Choosing a suggestion replaces the whole text: open it at once (typing never does).
  document.addEventListener("input", function (ev) {
    if (!ev.target || ev.target.id !== INPUT) { return; }
    say("");
    if (entries && (!ev.inputType || ev.inputType === "insertReplacementText")) {
      const hit = entries.filter(function (e) { return e.key === norm(ev.target.value); });
      if (hit.length === 1) { open(hit[0]); }
    }
  });
  // The page's language is switched without a reload: the box and its suggestions follow it.
  new MutationObserver(relabel).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
})();
