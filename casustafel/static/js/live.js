// The live meeting screen: item timers and keyboard entry. Progressive enhancement only: the
// server renders the time used and every form submits without JavaScript.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function minutesText(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    return Math.floor(s / 60) + ":" + pad(s % 60);
  }

  // <span data-timer-started="ISO" data-timer-used="seconds before this run" data-timer-planned="minutes">
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-timer-started]").forEach(function (el) {
      var started = Date.parse(el.getAttribute("data-timer-started"));
      if (isNaN(started)) { return; }
      var used = parseFloat(el.getAttribute("data-timer-used") || "0") + (now - started) / 1000;
      var planned = parseFloat(el.getAttribute("data-timer-planned") || "0") * 60;
      var out = el.querySelector("[data-timer-value]");
      if (out) { out.textContent = minutesText(used); }
      el.classList.toggle("ct-timer--over", planned > 0 && used > planned);
    });
  }

  // Ctrl+Enter (or Cmd+Enter) submits the form the focus is in, so a textarea entry never
  // needs the mouse; a plain Enter stays a new line.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
    var form = event.target && event.target.form;
    if (!form || !form.closest("[data-live]")) { return; }
    event.preventDefault();
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
  });

  // An answer saved while the user went on typing: the server answers with the saved state
  // only; the textarea itself is never replaced, so nothing typed in between is lost.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form[data-autosave]")) { return; }
    form.classList.toggle("ct-autosave--failed", !event.detail.successful);
  });

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
  });
})();
