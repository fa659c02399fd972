// "Buscar en el padrón" in the registro's new-entry form (registro/views_padron.py).
// Without JavaScript the button submits the form and the page comes back filled in; with
// it, the document is posted (never put in a URL) and the answer fills the fields of the
// same block (interesado or representante) in place. The result is announced in the
// block's status line.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-padron-url]");
  if (!buttons.length || !window.fetch || !window.FormData) { return; }
  var FIELDS = ["tipo", "tipo_documento", "documento", "nombre", "apellido1", "apellido2",
                "razon_social", "email", "telefono", "direccion"];

  Array.prototype.forEach.call(buttons, function (button) {
    var prefix = button.getAttribute("data-padron-prefix");
    var status = document.getElementById(prefix + "-padron-estado");
    function field(name) { return document.getElementById("id_" + prefix + "-" + name); }

    button.addEventListener("click", function (event) {
      event.preventDefault();
      var form = button.form;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      body.append("tipo_documento", field("tipo_documento").value);
      body.append("documento", field("documento").value);
      button.disabled = true;
      status.className = "padron-lookup-status";
      status.textContent = button.getAttribute("data-buscando") || "…";
      fetch(button.getAttribute("data-padron-url"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; });
      }).then(function (data) {
        if (data.interesado) {
          FIELDS.forEach(function (name) {
            var input = field(name);
            if (input && Object.prototype.hasOwnProperty.call(data.interesado, name)) {
              input.value = data.interesado[name];
            }
          });
        }
        status.className = "padron-lookup-status " + (data.error ? "is-error" : data.encontrado ? "is-ok" : "is-warn");
        status.textContent = data.error || data.mensaje || "";
        if (data.encontrado) { field("nombre").focus(); }
      }).catch(function () {
        status.className = "padron-lookup-status is-error";
        status.textContent = button.getAttribute("data-error") || "";
      }).then(function () { button.disabled = false; });
    });
  });
})();
