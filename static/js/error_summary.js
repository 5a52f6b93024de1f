// Moves the focus to the error summary of a form sent back with errors, so that a
// keyboard or screen reader user hears "Le formulaire contient N erreurs" first and can
// follow its links to each field (RGAA 11.10, 11.11).
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
