// Names and keyboard access that Dash 4's own components leave out (checked by tests/test_browser_a11y.py).
//
// Every control on a page sits in a <label for=id> wrapper (layouts/common.control), but a <label> names
// only native form fields: Dash's radio lists, sliders and dropdown buttons need the name given with
// aria-labelledby. React sets these elements' attributes once at mount (and again only when a prop
// changes), so the fixes are applied to new or changed nodes as they appear.
(function () {
  const WORDS = {
    ja: {"Increase value": "値を増やす", "Decrease value": "値を減らす"},
    en: {"Increase value": "Increase value", "Decrease value": "Decrease value"},
  };

  function words() { return WORDS[document.documentElement.lang === "en" ? "en" : "ja"]; }

  function setIfDifferent(el, name, value) {
    if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }

  function labelId(label) {
    if (!label.id) { label.id = label.htmlFor + "--label"; }
    return label.id;
  }

  function nameControls(root) {
    for (const label of root.querySelectorAll("label.control-label[for]")) {
      const target = document.getElementById(label.htmlFor);
      if (!target) { continue; }
      const id = labelId(label);
      // Radio items and checklists: a group of native inputs, named by the label. Their wrapper labels
      // claim role=option inside a listbox, which is wrong for native inputs (and nests interactive
      // content in an option).
      if (target.classList.contains("dash-options-list")) {
        const radios = target.querySelector("input[type=radio]");
        setIfDifferent(target, "role", radios ? "radiogroup" : "group");
        setIfDifferent(target, "aria-labelledby", id);
        for (const opt of target.querySelectorAll(".dash-options-list-option")) {
          if (opt.hasAttribute("role")) { opt.removeAttribute("role"); }
          if (opt.hasAttribute("aria-selected")) { opt.removeAttribute("aria-selected"); }
        }
      }
      // Sliders: the thumb is the control; the typed-in number beside it is the same value.
      for (const thumb of target.querySelectorAll("[role=slider]")) { setIfDifferent(thumb, "aria-labelledby", id); }
      for (const input of target.querySelectorAll("input.dash-range-slider-input")) {
        setIfDifferent(input, "aria-labelledby", id);
      }
      // Dropdowns: the button names itself by its value; put the control's label first. The invisible
      // input before it only passes focus on to the button: it is no control of its own.
      if (target.classList.contains("dash-dropdown")) {
        // Then the button's own text (the value, then "N selected"), exactly as it is shown.
        setIfDifferent(target, "aria-labelledby", id + " " + target.id);
        // The clear cross is a mouse target inside the button (Tab never reaches it; the list's own
        // "deselect all" does the same by keyboard): not part of the button's name.
        for (const x of target.querySelectorAll(".dash-dropdown-clear")) { setIfDifferent(x, "aria-hidden", "true"); }
        const proxy = target.previousElementSibling;
        if (proxy && proxy.classList.contains("dash-dropdown-focus-target")) {
          if (proxy.hasAttribute("aria-hidden")) { proxy.removeAttribute("aria-hidden"); }
          setIfDifferent(proxy, "aria-labelledby", id);
        }
      }
    }
  }

  // A slider outside a labelled control (the map's year slider) takes the name of its labelled group.
  function nameLooseSliders(root) {
    for (const thumb of root.querySelectorAll("[role=slider]:not([aria-labelledby])")) {
      const group = thumb.closest("[aria-label]:not([role=slider])");
      if (group) { setIfDifferent(thumb, "aria-label", group.getAttribute("aria-label")); }
    }
  }

  // dcc.Input's number steppers name themselves in English; Japanese pages say it in Japanese.
  function translateSteppers(root) {
    const w = words();
    for (const b of root.querySelectorAll("button[aria-label]")) {
      const en = b.dataset.chiikiLabel || b.getAttribute("aria-label");
      if (!(en in WORDS.en) || typeof WORDS.en[en] !== "string" || WORDS.en[en] !== en) { continue; }
      b.dataset.chiikiLabel = en;
      setIfDifferent(b, "aria-label", w[en]);
    }
  }

  let queued = false;
  function fixAll() {
    queued = false;
    nameControls(document);
    nameLooseSliders(document);
    translateSteppers(document);
  }

  const observer = new MutationObserver(function () {
    if (!queued) { queued = true; window.requestAnimationFrame(fixAll); }
  });

  function start() {
    observer.observe(document.body, {childList: true, subtree: true, attributes: true,
                                     attributeFilter: ["aria-selected", "aria-labelledby", "role", "lang"]});
    // The document's language changes after the page's first render (see app.py's language callback).
    observer.observe(document.documentElement, {attributes: true, attributeFilter: ["lang"]});
    fixAll();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
