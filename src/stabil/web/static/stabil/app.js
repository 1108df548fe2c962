// Stabil's only hand-written script: small progressive enhancements. Everything works without it.
(function () {
  "use strict";
  // Selects marked data-autosubmit submit their form on change (language switch, filters).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  // htmx requests carry the CSRF token from the page's hidden input (the cookie is HttpOnly).
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
  // Tables: ISO dates never wrap at their hyphens, and wide tables scroll sideways inside their own box
  // instead of being cut off (tablets).
  var DATE = /^\s*\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?\s*$/;
  var CODE = /^\s*[A-ZÅÄÖ0-9]{1,8}(-[A-ZÅÄÖ0-9]{1,8}){1,3}\s*$/;  // unit and team codes: BU-UTR, UTR-A
  function tidyTables(root) {
    root.querySelectorAll("table.data").forEach(function (table) {
      table.querySelectorAll("td").forEach(function (cell) {
        if (!cell.children.length && (DATE.test(cell.textContent) || CODE.test(cell.textContent))) { cell.classList.add("nowrap"); }
      });
      var parent = table.parentElement;
      if (parent && !parent.classList.contains("table-wrap")) {
        var wrap = document.createElement("div");
        wrap.className = "table-wrap";
        parent.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tidyTables(document); });
  document.addEventListener("htmx:afterSwap", function (event) { tidyTables(event.target); });
})();
