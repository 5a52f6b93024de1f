// Saves a draft form as the person types: a form with data-autosave="true" is posted in
// the background (header X-Autosave: 1) a few seconds after the last change, and on leaving.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave='true']");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;
  var dirty = false;

  function save() {
    if (!dirty) { return; }
    dirty = false;
    var data = new FormData(form);
    data.append("draft", "1");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      headers: { "X-Autosave": "1" },
      credentials: "same-origin",
      keepalive: true
    }).then(function (response) {
      return response.json().then(function (body) {
        if (body.saved) {
          if (body.url && body.url !== window.location.pathname) {
            form.setAttribute("action", body.url);
            window.history.replaceState(null, "", body.url);
          }
          if (status) { status.textContent = "Brouillon enregistré à " + new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" }) + "."; }
        } else if (status) {
          status.textContent = "Le brouillon n'a pas pu être enregistré : vérifiez les champs signalés en l'envoyant.";
        }
      });
    }).catch(function () {
      if (status) { status.textContent = "Brouillon non enregistré (connexion perdue). Vos saisies restent sur la page."; }
      dirty = true;
    });
  }

  function changed() {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 3000);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { dirty = false; window.clearTimeout(timer); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(); }
  });
})();
