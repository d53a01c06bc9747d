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

  // Pages without a state store (start, data) and Dash's client-side navigation: follow the address.
  function followAddress() {
    const on = new URLSearchParams(window.location.search).get("present") === "1";
    document.body.classList.toggle("presenting", on);
    showStep();
  }
  document.addEventListener("DOMContentLoaded", followAddress);
  window.setInterval(followAddress, 500);

  document.addEventListener("keydown", function (ev) {
    if (!document.body.classList.contains("presenting")) { return; }
    if (ev.target && ["INPUT", "TEXTAREA", "SELECT"].includes(ev.target.tagName)) { return; }
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
        localStorage.setItem(TOUR_KEY, JSON.stringify(list));
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
