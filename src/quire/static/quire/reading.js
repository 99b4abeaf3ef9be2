// The reading page: the "Reading settings" panel, and keys to change chapter.
// Settings are read, applied and saved by reading-prefs.js (loaded in <head>).
(function () {
  "use strict";

  const prefs = window.QuireReading;
  const widget = document.querySelector("[data-reading-settings]");
  if (prefs && widget) {
    settingsPanel(widget);
  }
  chapterKeys();

  // A disclosure button opening a panel of radio groups. Each change applies
  // at once and is remembered; Escape or a click elsewhere closes the panel.
  function settingsPanel(widget) {
    const toggle = widget.querySelector("[aria-controls]");
    const panel = document.getElementById(toggle.getAttribute("aria-controls"));
    const radios = panel.querySelectorAll("input[type=radio][data-setting]");
    let current = prefs.read();

    function show() {
      radios.forEach(function (radio) {
        radio.checked = current[radio.dataset.setting] === radio.value;
      });
    }

    function choose(settings) {
      current = prefs.clean(settings);
      prefs.apply(current);
      prefs.save(current);
      show();
    }

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", String(open));
      panel.hidden = !open;
    }

    show();
    toggle.addEventListener("click", function () {
      setOpen(panel.hidden);
    });
    panel.addEventListener("change", function (event) {
      const radio = event.target;
      if (radio.dataset && radio.dataset.setting) {
        choose(Object.assign({}, current, { [radio.dataset.setting]: radio.value }));
      }
    });
    panel.querySelector("[data-reading-reset]").addEventListener("click", function () {
      choose(prefs.defaults);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) {
        setOpen(false);
        toggle.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!panel.hidden && !widget.contains(event.target)) {
        setOpen(false);
      }
    });
    widget.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !widget.contains(event.relatedTarget)) {
        setOpen(false);
      }
    });
    window.addEventListener("storage", function () {
      current = prefs.read();
      show();
    });
  }

  // ← and → follow <link rel="prev"> and <link rel="next">, unless the reader
  // is typing in a field or holds a modifier (browser and screen reader
  // shortcuts keep working). No letter or punctuation keys: speech input
  // could set those off by accident (WCAG 2.1.4).
  function chapterKeys() {
    const targets = {
      ArrowLeft: document.querySelector("link[rel=prev]"),
      ArrowRight: document.querySelector("link[rel=next]"),
    };
    if (!targets.ArrowLeft && !targets.ArrowRight) {
      return;
    }
    document.querySelectorAll(".chapter-nav a[rel=prev]").forEach(function (link) {
      link.setAttribute("aria-keyshortcuts", "ArrowLeft");
    });
    document.querySelectorAll(".chapter-nav a[rel=next]").forEach(function (link) {
      link.setAttribute("aria-keyshortcuts", "ArrowRight");
    });
    document.addEventListener("keydown", function (event) {
      const link = targets[event.key];
      if (!link || event.defaultPrevented || event.repeat || event.isComposing) {
        return;
      }
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      const target = event.target;
      if (
        target instanceof Element &&
        (target.isContentEditable || target.closest("input, textarea, select"))
      ) {
        return;
      }
      event.preventDefault();
      window.location.assign(link.href);
    });
  }
})();
