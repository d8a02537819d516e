// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("ct-live-region");
    if (region) { region.textContent = text; }
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    announce(status === 409
      ? "Iemand anders heeft dit intussen gewijzigd. Herlaad de pagina."
      : "Dit kon niet worden opgeslagen (fout " + status + "). Uw invoer staat nog op de pagina; probeer het opnieuw.");
  });

  // Buttons that need a second thought carry data-confirm with the question.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // A select marked data-submit-on-change (the language choice) applies on change. Arrow keys on
  // a closed select change its value one step at a time: those changes wait for Enter or the
  // form's own button, so a keyboard user is not sent away on the first arrow press.
  var arrowKeys = ["ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"];
  var steppedAt = 0;
  document.addEventListener("keydown", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-submit-on-change]")) { return; }
    if (arrowKeys.indexOf(event.key) !== -1) { steppedAt = Date.now(); }
    if (event.key === "Enter") { event.preventDefault(); select.form.requestSubmit(); }
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-submit-on-change]")) { return; }
    if (Date.now() - steppedAt < 500) { return; }
    select.form.requestSubmit();
  });
})();
