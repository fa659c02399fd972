/* Template and draft editors: a live preview and merge-field buttons.
 *
 * A form with data-previa-url posts itself (debounced, with its CSRF token) to that URL
 * whenever it changes, and puts the HTML fragment it answers into the element named by
 * data-previa-target; data-previa-status names an element for «Actualizando…» and errors.
 * Buttons with data-campo insert «{{ campo }}» at the cursor of the textarea named by
 * data-target. Without JavaScript the form's «Vista previa» button does the same by
 * submitting the form. Our own code, served from the site: nothing is loaded from outside.
 */
(function () {
  "use strict";

  var DELAY = 500;

  function setupPreview(form) {
    var url = form.getAttribute("data-previa-url");
    var target = document.getElementById(form.getAttribute("data-previa-target"));
    var status = document.getElementById(form.getAttribute("data-previa-status") || "");
    if (!url || !target) {
      return;
    }
    var timer = null;
    var sequence = 0;

    function say(text) {
      if (status) {
        status.textContent = text || "";
      }
    }

    function refresh() {
      var mine = ++sequence;
      say(status && status.getAttribute("data-loading"));
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" }
      }).then(function (response) {
        return response.text();
      }).then(function (html) {
        if (mine === sequence) {
          target.innerHTML = html;
          say("");
        }
      }).catch(function () {
        if (mine === sequence) {
          say(status && status.getAttribute("data-error"));
        }
      });
    }

    function later(event) {
      if (event.target && event.target.type === "file") {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, event.type === "change" ? 0 : DELAY);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // Text typed before this script ran (it is deferred), or restored by the browser on
    // reload, raised no event we heard: preview it now.
    var edited = Array.prototype.some.call(form.querySelectorAll("textarea, input[type=text]"),
      function (field) { return field.value !== field.defaultValue; });
    if (edited) {
      refresh();
    }
  }

  function insertField(button) {
    var textarea = document.getElementById(button.getAttribute("data-target"));
    if (!textarea) {
      return;
    }
    var text = "{{ " + button.getAttribute("data-campo") + " }}";
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || start;
    if (typeof textarea.setRangeText === "function") {
      textarea.setRangeText(text, start, end, "end");
    } else {
      textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    }
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-previa-url]"), setupPreview);
    Array.prototype.forEach.call(document.querySelectorAll("button[data-campo]"), function (button) {
      button.addEventListener("click", function () { insertField(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
