// The writing pages, made quicker where a script runs; every form works without it.
// - Suggested tags: a chip adds its tag to the form in place (without it, the chip
//   submits the form, and the server adds the tag). Enter in a tag field ends the tag.
// - Text boxes with a length limit count what is left.
// - The chapter text gets a small toolbar (bold, italic…) that writes HTML or
//   Markdown, whichever the chapter is written in; Ctrl/Cmd+B and +I work too.
// - Reordering chapters gets "move up" and "move down" buttons beside the numbers.
// - A form sent back with problems puts the focus on their summary.
(function () {
  "use strict";

  function announce(text) {
    let region = document.getElementById("compose-status");
    if (!region) {
      region = document.createElement("p");
      region.id = "compose-status";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      document.body.append(region);
    }
    region.textContent = text;
  }

  // A form sent back with problems: start at their summary, which links to each field.
  const problems = document.querySelector(".error-summary");
  if (problems) {
    problems.setAttribute("tabindex", "-1");
    problems.focus();
  }

  // Suggested tags.
  function addSuggestion(chip) {
    const form = document.getElementById(chip.getAttribute("form"));
    const type = chip.dataset.tagType;
    const name = chip.dataset.tagName;
    if (!form || !type || !name) { return false; }
    if (type === "rating" || type === "warning") {
      const group = type === "rating" ? "rating" : "warnings";
      const box = Array.from(form.elements.namedItem(group) || []).find(function (input) {
        return input.value === name;
      });
      if (!box) { return false; }
      box.checked = true;
    } else {
      const field = form.querySelector('input[data-type="' + type + '"]');
      if (!field) { return false; }
      const names = field.value.split(",").map(function (part) { return part.trim(); })
        .filter(Boolean);
      if (!names.some(function (known) { return known.toLowerCase() === name.toLowerCase(); })) {
        names.push(name);
      }
      field.value = names.join(", ");
    }
    chip.setAttribute("aria-pressed", "true");
    chip.disabled = true;
    chip.firstElementChild.textContent = "✓";
    announce("Added " + name + ". Save the form to keep it.");
    return true;
  }

  document.addEventListener("click", function (event) {
    const chip = event.target.closest("button.suggestion-chip[data-tag-name]");
    if (chip && addSuggestion(chip)) { event.preventDefault(); }
  });

  // Enter in a tag field ends the tag (", " for the next one), as on AO3, instead of
  // sending the whole form half filled.
  document.addEventListener("keydown", function (event) {
    const field = event.target;
    if (event.key !== "Enter" || !field.matches || !field.matches(".compose input[data-multiple]")) {
      return;
    }
    event.preventDefault();
    const value = field.value.replace(/[\s,]+$/, "");
    if (value) {
      field.value = value + ", ";
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });

  // What is left of a limited text box.
  function counted(area) {
    const limit = Number(area.getAttribute("maxlength"));
    if (!limit || limit > 100000) { return; }
    const counter = document.createElement("p");
    counter.className = "field__count";
    counter.id = area.id + "_count";
    area.after(counter);
    const described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      const left = limit - area.value.length;
      counter.textContent = left.toLocaleString() + " of " + limit.toLocaleString() +
        " characters left";
      counter.classList.toggle("field__count--over", left < 0);
    }
    area.addEventListener("input", update);
    update();
  }
  document.querySelectorAll(".compose textarea[maxlength]").forEach(counted);

  // The chapter text's toolbar.
  const TOOLS = [
    { key: "bold", label: "B", title: "Bold", html: ["<strong>", "</strong>"], md: ["**", "**"], shortcut: "b" },
    { key: "italic", label: "I", title: "Italic", html: ["<em>", "</em>"], md: ["*", "*"], shortcut: "i" },
    { key: "strike", label: "S", title: "Strikethrough", html: ["<s>", "</s>"], md: ["~~", "~~"] },
    { key: "quote", label: "❝", title: "Quotation", html: ["<blockquote>", "</blockquote>"], md: ["> ", ""] },
    { key: "link", label: "Link", title: "Link", html: ['<a href="https://">', "</a>"], md: ["[", "](https://)"] },
    { key: "break", label: "⁂", title: "Scene break", html: ["\n<hr />\n", ""], md: ["\n\n---\n\n", ""] },
  ];

  function formatOf(form) {
    const chosen = form.querySelector('input[name$="text_format"]:checked');
    return chosen && chosen.value === "markdown" ? "md" : "html";
  }

  function apply(area, tool) {
    const [before, after] = tool[formatOf(area.form)];
    const start = area.selectionStart;
    const end = area.selectionEnd;
    const chosen = area.value.slice(start, end);
    area.focus();
    area.setRangeText(before + chosen + after, start, end, "end");
    if (start === end) {
      const caret = start + before.length;
      area.setSelectionRange(caret, caret);
    }
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function toolbar(holder) {
    const area = holder.querySelector("textarea");
    if (!area) { return; }
    const bar = document.createElement("div");
    bar.className = "compose-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Formatting");
    bar.setAttribute("aria-controls", area.id);
    TOOLS.forEach(function (tool) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "tool-" + tool.key;
      button.textContent = tool.label;
      button.title = tool.title + (tool.shortcut ? " (Ctrl+" + tool.shortcut.toUpperCase() + ")" : "");
      button.setAttribute("aria-label", tool.title);
      button.addEventListener("click", function () { apply(area, tool); });
      bar.append(button);
    });
    area.before(bar);
    area.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) { return; }
      const tool = TOOLS.find(function (known) { return known.shortcut === event.key.toLowerCase(); });
      if (tool) { event.preventDefault(); apply(area, tool); }
    });
  }
  document.querySelectorAll("[data-compose-text]").forEach(toolbar);

  // Reordering chapters: buttons that move a row and number every row again.
  function renumber(list) {
    list.querySelectorAll(".reorder__item").forEach(function (item, index) {
      item.querySelector("input").value = String(index + 1);
    });
  }

  function mover(item, list, label, direction) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small";
    button.textContent = direction < 0 ? "↑" : "↓";
    const title = item.querySelector(".reorder__title").firstChild.textContent.trim();
    button.setAttribute("aria-label", label + ": " + title);
    button.addEventListener("click", function () {
      const sibling = direction < 0 ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling) { return; }
      if (direction < 0) { sibling.before(item); } else { sibling.after(item); }
      renumber(list);
      button.focus();
      announce(title + " is now number " + item.querySelector("input").value + ".");
    });
    return button;
  }

  document.querySelectorAll("[data-reorder] .reorder__list").forEach(function (list) {
    list.querySelectorAll(".reorder__item").forEach(function (item) {
      const moves = document.createElement("span");
      moves.className = "reorder__moves";
      moves.append(mover(item, list, "Move up", -1), mover(item, list, "Move down", 1));
      item.append(moves);
    });
  });
})();
