// Live progress of a job: polls the status URL given in data-status-url until it finishes.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector(".progress > span");
  var state = box.querySelector("[data-field=state]");
  var message = box.querySelector("[data-field=message]");
  var percent = box.querySelector("[data-field=percent]");
  // The log may sit in its own section, outside the progress box.
  var log = box.querySelector("[data-field=log]") || document.querySelector("[data-field=log]");
  var error = box.querySelector("[data-field=error]");
  var notice = box.querySelector("[data-field=notice]");
  // Pages with more server-rendered results (e.g. the deliveries of a communication) ask to be
  // reloaded once when the job they show finishes, so that those results are not left stale.
  var wasFinished = box.getAttribute("data-finished") === "true";
  var reloadOnFinish = box.hasAttribute("data-reload-on-finish");
  function update() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.style.width = job.progress + "%";
        box.querySelector(".progress").setAttribute("aria-valuenow", job.progress);
        percent.textContent = job.progress + " %";
        state.textContent = job.state_label;
        state.className = "badge " + job.state;
        message.textContent = job.message || "";
        if (log) { log.textContent = job.log || ""; }
        if (error) { error.textContent = job.error || ""; error.hidden = !job.error; }
        if (notice) { notice.textContent = job.pending_notice; notice.hidden = !job.pending_notice; }
        if (!job.finished) { window.setTimeout(update, 1500); return; }
        if (reloadOnFinish && !wasFinished) { wasFinished = true; window.setTimeout(function () { window.location.reload(); }, 800); }
      })
      .catch(function () { window.setTimeout(update, 5000); });
  }
  update();
})();
