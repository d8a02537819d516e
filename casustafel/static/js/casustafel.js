// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  // Controls only needed without JavaScript (class ct-no-js) step aside.
  document.documentElement.classList.add("ct-js");

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

  // --- Searches that pick people (the triage team, an involvement's contact) ------------------
  // Enter in the search box searches (it must never submit the form around it); a person
  // ticked among the results moves to the chosen ones (`data-picker-list`, default the triage
  // team's), so the next search keeps them. A radio choice replaces the one chosen before.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || !box.matches || !box.matches("[data-picker-search]")) { return; }
    event.preventDefault();
    if (window.htmx) { window.htmx.trigger(box, "search"); }
  });
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-picker-choice]") || !box.checked) { return; }
    var listId = box.getAttribute("data-picker-list") || "team-chosen-list";
    var list = document.getElementById(listId);
    if (!list) { return; }
    var prefix = listId.replace(/-chosen-list$/, "") + "-member-";
    if (box.type === "radio") {
      Array.prototype.forEach.call(list.querySelectorAll("input"), function (other) {
        if (other.value !== "") { other.closest("li").remove(); }
      });
    }
    var item = document.createElement("li");
    var chosen = document.createElement("input");
    chosen.type = box.type;
    chosen.className = box.className;
    chosen.name = box.name;
    chosen.value = box.value;
    chosen.id = prefix + box.value;
    chosen.checked = true;
    var label = document.createElement("label");
    label.className = "utrecht-form-label utrecht-form-label--" + (box.type === "radio" ? "radio" : "checkbox");
    label.htmlFor = chosen.id;
    label.textContent = box.getAttribute("data-picker-label");
    item.appendChild(chosen);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(label);
    if (!document.getElementById(chosen.id)) { list.appendChild(item); }
    box.closest("li").remove();
    chosen.checked = true;
    var empty = document.getElementById("team-chosen-empty");
    if (empty && listId === "team-chosen-list") { empty.hidden = true; }
    announce(label.textContent + " gekozen.");
    markDirty(chosen.form);
  });

  // --- Nothing typed is lost ------------------------------------------------------------------
  // A form with input not yet saved is "dirty". Leaving the page with a dirty form asks first;
  // a form swapped in by htmx is fresh (saved) unless the server sent it back with errors.
  var leaving = false;

  function tracked(form) {
    return form && form.method === "post" && !form.hasAttribute("data-no-dirty") && !form.closest("header");
  }
  function markDirty(form) { if (tracked(form)) { form.setAttribute("data-dirty", ""); } }
  function dirtyForms() { return Array.prototype.slice.call(document.querySelectorAll("form[data-dirty]")); }

  document.addEventListener("input", function (event) { markDirty(event.target.form); });
  document.addEventListener("change", function (event) { markDirty(event.target.form); });
  document.addEventListener("submit", function (event) {
    // htmx cancels the submits it sends itself (the page stays); any other submit leaves the
    // page on purpose with what it posts, unless another form still holds unsaved input.
    // Logging out or switching the language saves nothing, so those still ask.
    if (event.defaultPrevented || event.target.closest("header")) { return; }
    var form = event.target;
    leaving = dirtyForms().every(function (dirty) { return dirty === form; });
  });
  document.addEventListener("htmx:afterSettle", function () {
    // A form the server sent back with errors or a question still holds unsaved input.
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      if (form.querySelector(".utrecht-form-field--invalid, .utrecht-alert--error, .utrecht-alert--warning")) {
        markDirty(form);
      }
    });
  });
  document.addEventListener("htmx:beforeRedirect", function () { leaving = true; });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || !dirtyForms().length) { return; }
    event.preventDefault();
    event.returnValue = "";
  });
  window.addEventListener("pageshow", function () { leaving = false; });

  // Out-of-band updates (the list of persons a problem can be about, say) replace controls the
  // user may have set already: carry their value over when the new control still offers it.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    var fragment = event.detail.fragment;
    if (!target || !fragment || !target.querySelectorAll) { return; }
    Array.prototype.forEach.call(target.querySelectorAll("select[name]"), function (old) {
      var fresh = fragment.querySelector('select[name="' + old.name + '"]');
      if (fresh && old.value && fresh.querySelector('option[value="' + old.value + '"]')) {
        fresh.value = old.value;
        Array.prototype.forEach.call(fresh.options, function (option) { option.defaultSelected = option.value === old.value; });
      }
    });
  });

  // --- The idle timeout -----------------------------------------------------------------------
  // When the session is about to run out, the page posts what is typed on it to the server,
  // which keeps it for this user and page and ends the session; after logging in again the
  // page gets it back. Another tab of the same session may still be in use: the server says
  // how long is left before anything is done.
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var statusUrl = body.getAttribute("data-session-status-url");
  var holdUrl = body.getAttribute("data-session-hold-url");
  var idleTimer = null;

  function csrfToken() {
    var headers = body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function schedule(seconds) {
    if (!idleSeconds || !statusUrl) { return; }
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(checkIdle, Math.max(1, seconds) * 1000);
  }
  function goTo(url) { leaving = true; window.location.assign(url); }
  function hold() {
    var data = new FormData();
    dirtyForms().forEach(function (form) {
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string" && name !== "csrfmiddlewaretoken") { data.append(name, value); }
      });
    });
    data.append("ct-held-page", window.location.pathname + window.location.search);
    fetch(holdUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "HX-Request": "true"}
    }).then(function (response) {
      goTo(response.headers.get("HX-Redirect") || "/inloggen/");
    }).catch(function () { schedule(30); });
  }
  function checkIdle() {
    fetch(statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.seconds_left > 5) { schedule(status.seconds_left + 1); } else { hold(); }
      })
      .catch(function () { schedule(30); });
  }
  schedule(idleSeconds + 1);
  document.addEventListener("htmx:afterRequest", function () { schedule(idleSeconds + 1); });

  // After logging in again: what was held goes back into the forms of this page, unsaved.
  var held = document.getElementById("ct-held-input");
  if (held) {
    var fields = {};
    try { fields = JSON.parse(held.textContent); } catch (e) { fields = {}; }
    Object.keys(fields).forEach(function (name) {
      var values = fields[name];
      var controls = Array.prototype.filter.call(document.getElementsByName(name), function (control) {
        return control.form && tracked(control.form);
      });
      var next = 0;
      controls.forEach(function (control) {
        if (control.type === "checkbox" || control.type === "radio") {
          control.checked = values.indexOf(control.value) !== -1;
        } else if (control.tagName === "SELECT") {
          Array.prototype.forEach.call(control.options, function (option) {
            option.selected = values.indexOf(option.value) !== -1;
          });
        } else if (next < values.length) {
          control.value = values[next];
          next += 1;
        } else { return; }
        markDirty(control.form);
      });
    });
  }
})();
