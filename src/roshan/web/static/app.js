// roshan web app: keyboard shortcuts in the review queue, job progress polling.
// No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  onReady(function () {
    // Review: m / n / u decide, s skips — unless the reviewer is typing in a field.
    var form = document.getElementById("decide-form");
    if (form) {
      document.addEventListener("keydown", function (ev) {
        var tag = (ev.target && ev.target.tagName) || "";
        if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
        // The physical key (event.code: "KeyM", "KeyN", ...), not the character it types, so
        // the shortcuts work on a Persian keyboard layout too (M types «ئ», N «د» there).
        var code = ev.code || "";
        var key = /^Key[A-Z]$/.test(code) ? code.charAt(3).toLowerCase() : "";
        if (!key && ev.key && ev.key.length === 1) { key = ev.key.toLowerCase(); }
        var el = key ? form.querySelector('[data-key="' + key + '"]') : null;
        if (el) { ev.preventDefault(); el.click(); }
      });
    }
    // Job page: poll the job's row until it is done or failed.
    var job = document.getElementById("job");
    if (job) {
      var id = job.getAttribute("data-job-id");
      var poll = function () {
        fetch("/api/jobs/" + id, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (j) {
            document.getElementById("job-status").textContent = job.getAttribute("data-label-" + j.status) || j.status;
            document.getElementById("job-progress").value = j.progress || 0;
            document.getElementById("job-message").textContent = j.message || "";
            job.setAttribute("data-status", j.status);
            if (j.status === "done" || j.status === "failed") {
              document.getElementById("job-result").textContent = j.result ? JSON.stringify(j.result, null, 1) : "";
            } else { setTimeout(poll, 1000); }
          })
          .catch(function () { setTimeout(poll, 3000); });
      };
      var st = job.getAttribute("data-status");
      if (st !== "done" && st !== "failed") { setTimeout(poll, 500); }
    }
  });
})();
