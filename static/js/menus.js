// Header dropdowns (<details class="dropdown">): they work without JavaScript; this only
// adds what people expect from a menu: one open at a time, closing on a click outside or
// with Escape, and moving between the options with the arrow keys.
(function () {
  "use strict";
  var menus = Array.prototype.slice.call(document.querySelectorAll("details.dropdown"));
  if (!menus.length) { return; }
  function items(details) {
    return Array.prototype.slice.call(details.querySelectorAll("[role=menuitem]"));
  }
  menus.forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open) { return; }
      menus.forEach(function (other) { if (other !== details) { other.open = false; } });
    });
    details.addEventListener("keydown", function (event) {
      var list = items(details);
      var index = list.indexOf(document.activeElement);
      if (event.key === "Escape" && details.open) {
        details.open = false;
        details.querySelector("summary").focus();
        event.preventDefault();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!details.open) { details.open = true; }
        if (!list.length) { return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = index < 0 ? (step > 0 ? 0 : list.length - 1) : (index + step + list.length) % list.length;
        list[next].focus();
        event.preventDefault();
      } else if ((event.key === "Home" || event.key === "End") && index >= 0) {
        list[event.key === "Home" ? 0 : list.length - 1].focus();
        event.preventDefault();
      }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (details) {
      if (details.open && !details.contains(event.target)) { details.open = false; }
    });
  });
  document.addEventListener("focusin", function (event) {
    menus.forEach(function (details) {
      if (details.open && !details.contains(event.target)) { details.open = false; }
    });
  });
})();
