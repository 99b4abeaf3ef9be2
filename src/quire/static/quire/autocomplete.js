// Tag name suggestions for any input with data-autocomplete="URL": a native
// <datalist> is filled as the person types, so the keyboard and screen readers
// work as with any input. data-type limits the tag type; data-multiple means
// comma-separated names, and only the last one is completed.
(function () {
  "use strict";
  let counter = 0;
  function attach(input) {
    const list = document.createElement("datalist");
    list.id = "autocomplete-" + (++counter);
    input.setAttribute("list", list.id);
    input.after(list);
    let timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { refresh(input, list); }, 150);
    });
  }
  function refresh(input, list) {
    const parts = input.value.split(",");
    const term = parts[parts.length - 1].trim();
    if (term.length < 2) { list.replaceChildren(); return; }
    const url = new URL(input.dataset.autocomplete, window.location.href);
    url.searchParams.set("q", term);
    if (input.dataset.type) { url.searchParams.set("type", input.dataset.type); }
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (tags) {
        const before = input.hasAttribute("data-multiple") && parts.length > 1
          ? parts.slice(0, -1).join(",") + ", " : "";
        list.replaceChildren.apply(list, tags.map(function (tag) {
          const option = document.createElement("option");
          option.value = before + tag.name;
          option.label = tag.canonical ? tag.name + " (canonical)" : tag.name;
          return option;
        }));
      })
      .catch(function () { list.replaceChildren(); });
  }
  document.querySelectorAll("input[data-autocomplete]").forEach(attach);
})();
