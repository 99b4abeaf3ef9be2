// Reading settings, applied before the first paint. This script runs in <head>,
// neither deferred nor async, so it must stay tiny: it copies the reader's saved
// choices onto <html> as data attributes (data-theme, data-text-size,
// data-text-font, data-text-width) that quire.css turns into colours, size,
// typeface and line width. A default choice sets no attribute, so a page
// without JavaScript looks exactly like a reader who never changed anything.
// It also adds the "js" class, which shows controls that need JavaScript.
// reading.js (the settings panel) uses window.QuireReading.
(function () {
  "use strict";
  const KEY = "quire-reading";
  const CHOICES = {
    theme: ["auto", "light", "dark", "sepia"],
    size: ["1", "2", "3", "4", "5", "6"],
    font: ["serif", "sans"],
    width: ["narrow", "medium", "wide"],
  };
  const DEFAULTS = { theme: "auto", size: "2", font: "serif", width: "medium" };
  const ATTRIBUTES = {
    theme: "data-theme",
    size: "data-text-size",
    font: "data-text-font",
    width: "data-text-width",
  };
  const root = document.documentElement;

  function clean(wanted) {
    const settings = {};
    Object.keys(DEFAULTS).forEach(function (name) {
      const value = wanted && String(wanted[name]);
      settings[name] = CHOICES[name].indexOf(value) >= 0 ? value : DEFAULTS[name];
    });
    return settings;
  }

  // What the page came with: a signed-in reader's saved preferences, which the
  // server puts on <html>; the defaults for everyone else.
  function fromPage() {
    const settings = {};
    Object.keys(ATTRIBUTES).forEach(function (name) {
      settings[name] = root.getAttribute(ATTRIBUTES[name]);
    });
    return clean(settings);
  }
  const PAGE = fromPage();

  function clean(wanted, fallback) {
    const base = fallback || DEFAULTS;
    const settings = {};
    Object.keys(DEFAULTS).forEach(function (name) {
      const value = wanted && String(wanted[name]);
      settings[name] = CHOICES[name].indexOf(value) >= 0 ? value : base[name];
    });
    return settings;
  }

  // This browser's own choices win; without any, the page's.
  function read() {
    try {
      const stored = window.localStorage.getItem(KEY);
      return stored === null ? PAGE : clean(JSON.parse(stored), PAGE);
    } catch (error) {
      return PAGE; // storage blocked or garbled
    }
  }

  function apply(settings) {
    Object.keys(ATTRIBUTES).forEach(function (name) {
      if (settings[name] === DEFAULTS[name]) {
        root.removeAttribute(ATTRIBUTES[name]);
      } else {
        root.setAttribute(ATTRIBUTES[name], settings[name]);
      }
    });
  }

  function save(settings) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(settings));
    } catch (error) {
      // Storage blocked: the choice holds for this page only.
    }
  }

  root.classList.add("js");
  apply(read());
  // A choice made in another tab shows here too.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY || event.key === null) {
      apply(read());
    }
  });
  window.QuireReading = { defaults: DEFAULTS, clean: clean, read: read, apply: apply, save: save };
})();
