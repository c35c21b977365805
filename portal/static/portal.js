// Small enhancements; every page works without them.
(function () {
  "use strict";

  // Pre-select the browser's time zone on fields still at the default.
  function guessTimezone(root) {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    root.querySelectorAll("select[data-guess-timezone]").forEach(function (select) {
      if (select.value === "UTC" && select.querySelector('option[value="' + zone + '"]')) {
        select.value = zone;
      }
    });
  }

  // A suggested skill replaces the word being typed in its comma-separated field.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-skill-suggestion]");
    if (!button) { return; }
    var input = document.getElementById(button.dataset.for);
    if (!input) { return; }
    var parts = input.value.split(",").map(function (p) { return p.trim(); });
    parts[parts.length - 1] = button.dataset.skillSuggestion;
    input.value = parts.filter(Boolean).join(", ") + ", ";
    input.focus();
    var box = document.getElementById(input.id + "-suggestions");
    if (box) { box.innerHTML = ""; }
  });

  // The pairing console's pick-by-hand list: the forms below act on the mentor chosen in it.
  document.addEventListener("change", function (event) {
    if (event.target.id !== "mentor" || !event.target.form) { return; }
    document.querySelectorAll("form[data-takes-mentor] input[name=mentor]").forEach(function (input) {
      input.value = event.target.value;
    });
  });

  // A form that asks before it sends (no inline handler: the Content-Security-Policy forbids them). Answered yes
  // here, the form carries the yes, so the server skips the confirmation page it shows without JavaScript.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (!message) { return; }
    if (!window.confirm(message)) { event.preventDefault(); return; }
    if (!form.querySelector("input[name=confirmed]")) {
      var yes = document.createElement("input");
      yes.type = "hidden"; yes.name = "confirmed"; yes.value = "yes";
      form.appendChild(yes);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    guessTimezone(document);
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
