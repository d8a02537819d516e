// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = status === 409
      ? "Iemand anders heeft dit intussen gewijzigd. Herlaad de pagina."
      : "Dit kon niet worden opgeslagen (fout " + status + "). Uw invoer staat nog op de pagina; probeer het opnieuw.";
    var region = document.getElementById("ct-live-region");
    if (region) { region.textContent = text; }
  });
  // Buttons that need a second thought carry data-confirm with the question.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
