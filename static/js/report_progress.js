// Shows the progress of the bilans being built: each row with data-report-status asks its
// JSON status every 3 seconds; once a bilan is ready or failed, the page reloads to show
// its download button, size and checksum.
(function () {
  "use strict";
  var rows = document.querySelectorAll("tr[data-report-status]");
  if (!rows.length) { return; }

  function poll() {
    var pending = 0;
    var requests = Array.prototype.map.call(rows, function (row) {
      if (row.dataset.done) { return Promise.resolve(); }
      return fetch(row.dataset.reportStatus, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          row.querySelector("[data-report-label]").textContent = body.label;
          var bar = row.querySelector("[data-report-progress]");
          if (bar) { bar.value = body.progress; bar.textContent = body.progress + " %"; }
          if (body.status === "ready" || body.status === "failed") { row.dataset.done = "1"; }
          else { pending += 1; }
        })
        .catch(function () { pending += 1; });
    });
    Promise.all(requests).then(function () {
      if (pending) { window.setTimeout(poll, 3000); } else { window.location.reload(); }
    });
  }
  window.setTimeout(poll, 3000);
}());
