// Agent queue: "mark all" checkbox and showing only the value field the bulk action needs.
(function () {
  "use strict";
  var all = document.getElementById("sp-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = all.checked; });
    });
  }
  var action = document.getElementById("bulk-action");
  if (!action) { return; }
  var fields = { assign: "bulk_assignee", state: "bulk_state", priority: "bulk_priority" };
  function sync() {
    Object.keys(fields).forEach(function (key) {
      var field = document.getElementById(fields[key]);
      if (field) { field.hidden = action.value !== key; }
    });
  }
  action.addEventListener("change", sync);
  sync();
})();
