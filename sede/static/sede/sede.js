// Submit forms marked data-once a single time: the button is disabled after the first
// click (the server also recognises a repeated submission and files it only once).
document.querySelectorAll("form[data-once]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("is-sending");
    });
  });
});

// Fields that only matter while a box is ticked (data-shown-with="<checkbox name>", e.g.
// the represented person's) are hidden while it is not. Without JavaScript they are all
// shown; the server validates them when the box is ticked and ignores them otherwise.
document.querySelectorAll("form").forEach(function (form) {
  var groups = {};
  form.querySelectorAll("[data-shown-with]").forEach(function (input) {
    var name = input.getAttribute("data-shown-with");
    (groups[name] = groups[name] || []).push(input.closest(".field") || input);
  });
  Object.keys(groups).forEach(function (name) {
    var box = form.querySelector("input[type=checkbox][name='" + name + "']");
    if (!box) { return; }
    var ids = groups[name].map(function (field, index) {
      field.id = field.id || "mostrar-" + name + "-" + index;
      return field.id;
    });
    box.setAttribute("aria-controls", ids.join(" "));
    function sync() {
      box.setAttribute("aria-expanded", box.checked ? "true" : "false");
      groups[name].forEach(function (field) { field.hidden = !box.checked; });
    }
    box.addEventListener("change", sync);
    sync();
  });
});
