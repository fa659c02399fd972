/* New notification: the «Canal que se aplicará» cell follows the «Motivo» chosen on its
 * row (the server applies the same rule when the remesa is made: any ground or the
 * citizen's choice → comparecencia en sede; none → en papel). Our own code, served from
 * the site. */
(function () {
  "use strict";

  function update(select) {
    var row = select.closest("tr");
    var cell = row && row.querySelector("[data-canal]");
    if (!cell) {
      return;
    }
    var electronic = select.value !== "";
    var option = select.options[select.selectedIndex];
    cell.querySelector("strong").textContent =
      cell.getAttribute(electronic ? "data-sede" : "data-papel");
    cell.querySelector(".sub").textContent = electronic && option ? option.textContent
      : cell.getAttribute("data-papel-motivo");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.nt-dest select"),
      function (select) {
        select.addEventListener("change", function () { update(select); });
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
