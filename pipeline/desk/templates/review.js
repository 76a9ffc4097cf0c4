(function () {
  "use strict";
  // Every control with data-action writes one correction (POST, JSON, CSRF header), then the
  // page reloads from the server, so what it shows is always what is stored. The player is
  // the sheet's (sheet.js); this listener runs first and keeps control clicks from playing.
  var csrf = document.querySelector('meta[name="kijkwijzer-csrf"]').getAttribute("content");
  var status = document.getElementById("desk-status");

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.detail || String(response.status)); }
        return data;
      });
    });
  }

  function fail(error) {
    status.textContent = status.getAttribute("data-error").replace("{reason}", error.message);
  }

  function correct(body) {
    return post("corrections", body).then(function () {
      try { window.sessionStorage.setItem("desk-scroll", String(window.scrollY)); } catch (e) { /* off */ }
      window.location.reload();
    }).catch(fail);
  }

  function value(id) { return document.getElementById(id).value; }

  function act(control) {
    var action = control.getAttribute("data-action");
    var target = control.getAttribute("data-target");
    if (action === "publish") {
      var result = document.getElementById("publish-result");
      control.disabled = true;
      result.textContent = control.getAttribute("data-busy");
      post("publish", {}).then(function (data) {
        result.textContent = "";
        data.message.forEach(function (line) {
          var p = document.createElement("p");
          p.textContent = line;
          result.appendChild(p);
        });
        control.disabled = false;
      }).catch(function (error) { result.textContent = ""; control.disabled = false; fail(error); });
      return;
    }
    if (action === "bounds") {
      correct({ kind: "fragment_bounds", target: target, after: {
        start: parseFloat(value(control.getAttribute("data-start-field"))),
        end: parseFloat(value(control.getAttribute("data-end-field")))
      } });
      return;
    }
    if (action === "add") {
      var picked = document.querySelectorAll("input.pick:checked");
      if (!picked.length) { fail(new Error(control.textContent)); return; }
      correct({ kind: "fragment_add", target: null, after: {
        first: picked[0].getAttribute("data-target"),
        last: picked[picked.length - 1].getAttribute("data-target")
      } });
      return;
    }
    var body = { kind: control.getAttribute("data-kind"), target: target, after: null };
    var after = control.getAttribute("data-after");
    if (after !== null) { body.after = JSON.parse(after); }
    var field = control.getAttribute("data-field");
    if (field) {
      body.after = control.hasAttribute("data-number") ? parseInt(value(field), 10) : value(field);
    }
    correct(body);
  }

  document.addEventListener("click", function (event) {
    var control = event.target.closest("button[data-action]");
    if (!control) {
      if (event.target.closest(".desk-controls")) { event.stopPropagation(); } // no playing from a form
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (!control.disabled) { act(control); }
  }, true);

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-action=role]")) {
      correct({ kind: "role", target: select.getAttribute("data-target"), after: select.value });
    }
  });

  try {
    var scroll = window.sessionStorage.getItem("desk-scroll");
    if (scroll !== null) { window.sessionStorage.removeItem("desk-scroll"); window.scrollTo(0, parseFloat(scroll)); }
  } catch (e) { /* storage off */ }
})();
