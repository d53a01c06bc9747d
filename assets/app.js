// Browser-side helpers: keep the address bar in step with the view (without reloading the page),
// export charts as PNG/SVG, and step through views in presentation mode with the arrow keys.
(function () {
  const TOUR_KEY = "chiiki-pinned-views";
  // Views as the app writes them into the address bar (defaults left out), so the current view is found.
  // Every page once (a facilitator's walk through the tool), then back to the start.
  const BUILTIN_TOUR = ["/", "/map", "/map?ind=ict_employee_share", "/profile", "/compare", "/industry", "/index",
                        "/data"];

  function tourList() {
    try {
      const pinned = JSON.parse(localStorage.getItem(TOUR_KEY) || "[]");
      return pinned.length ? pinned : BUILTIN_TOUR;
    } catch (e) { return BUILTIN_TOUR; }
  }

  function withParam(url, key, value) {
    const u = new URL(url, window.location.origin);
    if (value === null || value === undefined || value === "") { u.searchParams.delete(key); }
    else { u.searchParams.set(key, value); }
    return u.pathname + u.search;
  }

  // The current view's place in the tour: the exact link, else the first stop on the same page (a
  // page may write its defaults into the address, e.g. the latest year).
  function tourIndex(list) {
    const here = withParam(window.location.pathname + window.location.search, "present", "1");
    const exact = list.findIndex(function (v) { return withParam(v, "present", "1") === here; });
    if (exact >= 0) { return exact; }
    const path = window.location.pathname;
    return list.findIndex(function (v) { return new URL(v, window.location.origin).pathname === path; });
  }

  // "3 / 8" in a corner while presenting, so the room (and the presenter) knows where the tour is.
  function showStep() {
    let el = document.getElementById("tour-step");
    if (!document.body.classList.contains("presenting")) { if (el) { el.remove(); } return; }
    const list = tourList();
    const i = tourIndex(list);
    if (!el) {
      el = document.createElement("div");
      el.id = "tour-step";
      el.setAttribute("role", "status");
      document.body.appendChild(el);
    }
    el.textContent = (i >= 0 ? (i + 1) : "–") + " / " + list.length;
  }

  // Interface strings by language, written into the page from layouts/i18n.py.
  function str(key) {
    let all = {};
    try { all = JSON.parse(document.getElementById("chiiki-strings").textContent); } catch (e) { /* none */ }
    const lang = new URLSearchParams(window.location.search).get("lang") === "en" ? "en" : "ja";
    return (all[lang] || {})[key] || key;
  }

  // The view's link as a person would share it: without presentation mode.
  function viewLink() {
    return window.location.origin + withParam(window.location.pathname + window.location.search, "present", null);
  }

  // The clipboard API needs a secure page (https or localhost); an intranet server on plain http gets
  // the older copy command, and when both fail the link is shown to copy by hand.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    return new Promise(function (resolve, reject) {
      const ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      document.body.appendChild(ta);
      ta.select();
      let ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      ta.remove();
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function announce(message, link) {
    let el = document.getElementById("copy-status");
    if (!el) {
      el = document.createElement("div");
      el.id = "copy-status";
      el.setAttribute("role", "status");
      document.body.appendChild(el);
    }
    el.textContent = message;
    if (link) {
      const input = document.createElement("input");
      input.value = link;
      input.readOnly = true;
      input.setAttribute("aria-label", str("copy_link"));
      el.appendChild(document.createTextNode(" "));
      el.appendChild(input);
      input.select();
    }
    el.classList.add("shown");
    window.clearTimeout(announce.timer);
    announce.timer = window.setTimeout(function () { el.classList.remove("shown"); }, link ? 15000 : 2500);
  }

  function copyLink() {
    const link = viewLink();
    copyText(link).then(function () { announce(str("link_copied")); },
                        function () { announce(str("copy_failed"), link); });
  }

  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest(".copy-link")) { copyLink(); }
  });

  // Every chart's modebar gets "copy link" (its "share to the cloud" button is switched off in
  // layouts/figures.py GRAPH_CONFIG); Dash draws charts with Plotly.react or Plotly.newPlot.
  const LINK_ICON = {width: 1000, height: 1000,
                     path: "M420 640l-70 70a110 110 0 0 1-155-155l140-140a110 110 0 0 1 155 0l-55 55a32 32 0 0 " +
                           "0-45 0l-140 140a32 32 0 0 0 45 45l70-70zM580 360l70-70a110 110 0 0 1 155 155l-140 " +
                           "140a110 110 0 0 1-155 0l55-55a32 32 0 0 0 45 0l140-140a32 32 0 0 0-45-45l-70 70z" +
                           "M390 555l165-165 55 55-165 165z"};
  function withCopyButton(config) {
    const cfg = Object.assign({}, config || {});
    const extra = (cfg.modeBarButtonsToAdd || []).filter(function (b) { return b.name !== "copyLink"; });
    cfg.modeBarButtonsToAdd = extra.concat([{name: "copyLink", title: str("copy_link"), icon: LINK_ICON,
                                             click: copyLink}]);
    return cfg;
  }
  function wrapPlotly() {
    const P = window.Plotly;
    if (!P || P.chiikiWrapped) { return; }
    ["react", "newPlot"].forEach(function (name) {
      const orig = P[name];
      P[name] = function (gd, data, layout, config) {
        if (data && typeof data === "object" && !Array.isArray(data)) {   // (gd, {data, layout, config})
          return orig.call(this, gd, Object.assign({}, data, {config: withCopyButton(data.config)}));
        }
        return orig.call(this, gd, data, layout, withCopyButton(config));
      };
    });
    P.chiikiWrapped = true;
  }

  // Pinned views: listed under each export bar's "Tour views", to reorder or remove.
  function pinned() {
    try { return JSON.parse(localStorage.getItem(TOUR_KEY) || "[]"); } catch (e) { return []; }
  }
  function savePinned(list) {
    localStorage.setItem(TOUR_KEY, JSON.stringify(list));
    renderTours();
  }
  function viewLabel(view) {
    const u = new URL(view, window.location.origin);
    const page = u.pathname.replace(/^\//, "") || "start";
    const query = decodeURIComponent(u.search.replace(/^\?/, "")).replace(/&/g, " · ");
    return str("nav_" + page) + (query ? " — " + query : "");
  }
  function button(label, text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-small";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    b.addEventListener("click", onClick);
    return b;
  }
  let rendered = null;
  function renderTours() {
    const list = pinned();
    const key = JSON.stringify(list) + window.location.search;
    const boxes = document.querySelectorAll(".tour-views");
    document.querySelectorAll("[id$='-pin-count']").forEach(function (el) {
      if (el.textContent !== String(list.length)) { el.textContent = String(list.length); }
    });
    if (key === rendered && Array.from(boxes).every(function (b) { return b.dataset.filled === "1"; })) { return; }
    rendered = key;
    boxes.forEach(function (box) {
      box.textContent = "";
      box.dataset.filled = "1";
      if (!list.length) {
        const p = document.createElement("p");
        p.textContent = str("tour_builtin");
        box.appendChild(p);
        return;
      }
      const ol = document.createElement("ol");
      list.forEach(function (view, i) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = view;
        a.textContent = viewLabel(view);
        li.appendChild(a);
        const name = " " + viewLabel(view);
        const move = function (d) {
          return function () {
            const l = pinned();
            const j = i + d;
            if (j < 0 || j >= l.length) { return; }
            const tmp = l[i]; l[i] = l[j]; l[j] = tmp;
            savePinned(l);
          };
        };
        li.appendChild(button(str("tour_up") + name, "↑", move(-1)));
        li.appendChild(button(str("tour_down") + name, "↓", move(1)));
        li.appendChild(button(str("tour_remove") + name, "✕", function () {
          const l = pinned();
          l.splice(i, 1);
          savePinned(l);
        }));
        ol.appendChild(li);
      });
      box.appendChild(ol);
      box.appendChild(button(str("tour_clear"), str("tour_clear"), function () { savePinned([]); }));
    });
  }

  // Every chart's data as a table a screen reader can read and a keyboard can reach: a closed
  // "Chart data" disclosure under the chart, filled from the drawn figure when it is opened (and again
  // after each redraw while open), so it always shows what the chart shows, Patch updates included.
  function fmt(v) {
    if (typeof v !== "number" || !isFinite(v)) { return v === null || v === undefined ? "—" : String(v); }
    const lang = new URLSearchParams(window.location.search).get("lang") === "en" ? "en-GB" : "ja-JP";
    return v.toLocaleString(lang, {maximumFractionDigits: 3});   // separators, never 1e+7
  }
  function axisTitle(gd, axis) {
    const a = (gd.layout || {})[axis];
    const text = a && a.title && (a.title.text || a.title);
    return typeof text === "string" ? text.replace(/<br>/g, " ") : "";
  }
  function traceTable(gd, tr) {
    const item = str("chart_item");
    const value = str("chart_value");
    const rows = [];
    let head;
    if (tr.type === "choropleth") {
      const unit = tr.colorbar && tr.colorbar.title ? (tr.colorbar.title.text || "") : "";
      head = [item, unit ? value + " (" + unit + ")" : value];
      (tr.locations || []).forEach(function (loc, i) { rows.push([(tr.text || [])[i] || loc, (tr.z || [])[i]]); });
    } else if (tr.type === "heatmap") {
      head = [item].concat(tr.x || []);
      const cells = Array.isArray(tr.customdata) ? tr.customdata : tr.z;
      (tr.y || []).forEach(function (y, i) { rows.push([y].concat((cells || [])[i] || [])); });
    } else if (tr.type === "bar" && tr.orientation === "h") {
      head = [axisTitle(gd, "yaxis") || item, axisTitle(gd, "xaxis") || value];
      (tr.y || []).forEach(function (y, i) { rows.push([y, (tr.x || [])[i]]); });
    } else {
      const labels = Array.isArray(tr.text) ? tr.text : null;
      head = (labels ? [item] : []).concat([axisTitle(gd, "xaxis") || "x", axisTitle(gd, "yaxis") || value]);
      (tr.x || []).forEach(function (x, i) { rows.push((labels ? [labels[i]] : []).concat([x, (tr.y || [])[i]])); });
    }
    const table = document.createElement("table");
    table.className = "data-table";
    if (tr.name) { const c = table.createCaption(); c.textContent = tr.name; }
    const hr = table.createTHead().insertRow();
    head.forEach(function (h) { const th = document.createElement("th"); th.scope = "col"; th.textContent = h; hr.appendChild(th); });
    const body = table.createTBody();
    rows.forEach(function (r) {
      const row = body.insertRow();
      r.forEach(function (v, j) {
        const cell = j === 0 ? document.createElement("th") : row.insertCell();
        if (j === 0) { cell.scope = "row"; row.appendChild(cell); }
        cell.textContent = fmt(v);
        if (typeof v === "number") { cell.className = "num"; }
      });
    });
    return table;
  }
  function fillChartTable(gd, details) {
    const box = details.querySelector(".chart-data-tables");
    box.textContent = "";
    (gd.data || []).filter(function (tr) { return tr.hoverinfo !== "skip" && tr.visible !== false; })
      .forEach(function (tr) { box.appendChild(traceTable(gd, tr)); });
  }
  function attachChartTables() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (gd.dataset.chartTable === "1" || !gd.on) { return; }
      gd.dataset.chartTable = "1";
      const figure = gd.closest("[role=figure]") || gd.parentElement;
      const details = document.createElement("details");
      details.className = "chart-data no-present";
      const summary = document.createElement("summary");
      summary.textContent = str("chart_data");
      const box = document.createElement("div");
      box.className = "chart-data-tables table-scroll";
      details.appendChild(summary);
      details.appendChild(box);
      figure.appendChild(details);
      details.addEventListener("toggle", function () { if (details.open) { fillChartTable(gd, details); } });
      gd.on("plotly_afterplot", function () { if (details.open) { fillChartTable(gd, details); } });
    });
  }

  // Pages without a state store (start, data) and Dash's client-side navigation: follow the address.
  function followAddress() {
    const on = new URLSearchParams(window.location.search).get("present") === "1";
    document.body.classList.toggle("presenting", on);
    showStep();
    renderTours();
    attachChartTables();
  }
  document.addEventListener("DOMContentLoaded", wrapPlotly);
  document.addEventListener("DOMContentLoaded", followAddress);
  window.setInterval(followAddress, 500);

  document.addEventListener("keydown", function (ev) {
    if (!document.body.classList.contains("presenting")) { return; }
    if (ev.target && ["INPUT", "TEXTAREA", "SELECT"].includes(ev.target.tagName)) { return; }
    // A focused slider (the map's years) takes the arrow keys for itself.
    if (ev.target && ev.target.getAttribute && ev.target.getAttribute("role") === "slider") { return; }
    const list = tourList();
    const here = window.location.pathname + window.location.search;
    const i = tourIndex(list);
    if (ev.key === "ArrowRight" || ev.key === "PageDown") {
      window.location.assign(withParam(list[(i + 1) % list.length], "present", "1"));
    } else if (ev.key === "ArrowLeft" || ev.key === "PageUp") {
      window.location.assign(withParam(list[(i - 1 + list.length) % list.length], "present", "1"));
    } else if (ev.key === "Escape") {
      window.location.assign(withParam(here, "present", null));
    }
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    chiiki: {
      // Replace the query string with the view's state; returns the full link for display.
      syncUrl: function (query) {
        if (query === undefined || query === null) { return window.dash_clientside.no_update; }
        // Pages that do not carry presentation mode in their state keep it from the address.
        if (new URLSearchParams(window.location.search).get("present") === "1"
            && !new URLSearchParams(query).has("present")) {
          query = withParam("/?" + query, "present", "1").slice(2);
        }
        const url = window.location.pathname + (query ? "?" + query : "");
        if (url !== window.location.pathname + window.location.search) {
          window.history.replaceState(null, "", url);
        }
        if (new URLSearchParams(query).get("present") === "1") { document.body.classList.add("presenting"); }
        else { document.body.classList.remove("presenting"); }
        showStep();
        return window.location.origin + url;
      },
      downloadImage: function (pngClicks, svgClicks, graphId, filename) {
        const ctx = window.dash_clientside.callback_context;
        if (!ctx.triggered.length || !ctx.triggered[0].value) { return window.dash_clientside.no_update; }
        const format = ctx.triggered[0].prop_id.indexOf("-svg") >= 0 ? "svg" : "png";
        const el = document.getElementById(graphId);
        const gd = el && (el.querySelector(".js-plotly-plot") || el);
        if (gd && window.Plotly) {
          window.Plotly.downloadImage(gd, {format: format, filename: filename, scale: format === "png" ? 2 : 1,
                                           width: gd.clientWidth, height: gd.clientHeight});
        }
        return format;
      },
      pinView: function (n) {
        if (!n) { return window.dash_clientside.no_update; }
        const list = JSON.parse(localStorage.getItem(TOUR_KEY) || "[]");
        const here = withParam(window.location.pathname + window.location.search, "present", null);
        if (!list.includes(here)) { list.push(here); }
        savePinned(list);
        return String(list.length);
      },
      present: function (n) {
        if (!n) { return window.dash_clientside.no_update; }
        document.body.classList.add("presenting");
        if (document.documentElement.requestFullscreen) {
          document.documentElement.requestFullscreen().catch(function () {});
        }
        const here = withParam(window.location.pathname + window.location.search, "present", "1");
        window.history.replaceState(null, "", here);
        showStep();
        return "1";
      },
    },
  });
})();
