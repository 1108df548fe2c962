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
})();
