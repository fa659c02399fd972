// Periodic task admin (django-celery-beat): under the crontab chooser, the chosen schedule
// in words. It replaces the package's inline script, which the site's Content-Security-
// Policy (script-src 'self') does not run.
(function () {
  "use strict";
  var data = document.getElementById("readable-crontabs");
  var select = document.getElementById("id_crontab");
  if (!data || !select) { return; }
  var readable = JSON.parse(data.textContent);
  var script = document.currentScript || document.querySelector("script[data-label]");
  var label = (script && script.getAttribute("data-label")) || "";
  var row = document.querySelector(".field-crontab_translation");
  if (row) { row.hidden = true; }
  var note = document.createElement("div");
  note.className = "help crontab-readable";
  note.setAttribute("aria-live", "polite");
  var help = document.querySelector(".field-crontab .help");
  (help ? help.parentNode : select.parentNode).appendChild(note);

  function update() {
    var text = readable[select.value];
    note.textContent = text ? label + " " + text : "";
  }
  select.addEventListener("change", update);
  update();
})();
