// Portafirmas inbox: "Marcar todos" ticks every item of the page (the batch works without
// JavaScript too, ticking each one).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-marcar-todos]").forEach((toggle) => {
    const name = toggle.getAttribute("data-marcar-todos");
    const boxes = () => toggle.form.querySelectorAll(`input[type=checkbox][name="${name}"]`);
    toggle.addEventListener("change", () => {
      boxes().forEach((box) => { box.checked = toggle.checked; });
    });
  });
});
