// Choosers (padron/choosers.py): find a code by its name as you type.
//
// Every control with data-chooser-url (a code <input> or a <select>) keeps working without
// JavaScript. This script puts an ARIA 1.2 combobox in front of it: the clerk types part of
// a name (or a code), the server answers the best matches (JSON {results: [{code, label,
// detail}]}), and the chosen code is written into the original control, which is the one
// the form posts. Keys: Down/Up move through the options (Alt+Down opens the list), Enter
// chooses, Escape closes the list (a second Escape restores the last choice), Tab leaves.
(function () {
  "use strict";
  var controls = Array.prototype.slice.call(document.querySelectorAll("[data-chooser-url]"));
  if (!controls.length || !window.fetch) { return; }

  function enhance(control, index) {
    var url = control.getAttribute("data-chooser-url");
    var isSelect = control.tagName === "SELECT";
    var baseId = control.id || ("chooser-" + index);
    var wrapper = document.createElement("div");
    var box = document.createElement("input");
    var list = document.createElement("ul");
    var status = document.createElement("span");
    var label = document.querySelector("label[for='" + baseId + "']");
    var nameNote = document.getElementById(baseId + "_nombre");
    var options = [];
    var active = -1;
    var timer = null;
    var sequence = 0;
    var chosen;

    wrapper.className = "chooser";
    box.type = "text";
    box.id = baseId;
    control.id = baseId + "_codigo";
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", baseId + "_opciones");
    box.setAttribute("autocomplete", "off");
    box.setAttribute("spellcheck", "false");
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (control.hasAttribute(name)) { box.setAttribute(name, control.getAttribute(name)); }
    });
    if (control.required) { box.setAttribute("aria-required", "true"); }
    list.id = baseId + "_opciones";
    list.className = "chooser-list";
    list.setAttribute("role", "listbox");
    if (label) {
      label.id = label.id || (baseId + "_etiqueta");
      list.setAttribute("aria-labelledby", label.id);
    }
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    if (isSelect) {
      var selected = control.options[control.selectedIndex];
      chosen = { code: control.value, label: control.value && selected ? selected.text : "" };
      control.hidden = true;
      control.setAttribute("aria-hidden", "true");
      control.tabIndex = -1;
    } else {
      chosen = { code: control.value, label: control.getAttribute("data-chooser-label") || control.value };
      control.type = "hidden";
    }
    if (nameNote) {
      // The box itself shows the name now: hide the note and stop announcing it twice.
      nameNote.hidden = true;
      var described = (box.getAttribute("aria-describedby") || "").split(/\s+/)
        .filter(function (id) { return id && id !== nameNote.id; }).join(" ");
      if (described) { box.setAttribute("aria-describedby", described); }
      else { box.removeAttribute("aria-describedby"); }
    }
    box.value = chosen.label;

    control.parentNode.insertBefore(wrapper, control);
    wrapper.appendChild(box);
    wrapper.appendChild(list);
    wrapper.appendChild(status);
    wrapper.appendChild(control);

    function say(count) {
      if (count === 0) { status.textContent = control.getAttribute("data-chooser-none") || ""; }
      else if (count === 1) { status.textContent = control.getAttribute("data-chooser-one") || ""; }
      else { status.textContent = (control.getAttribute("data-chooser-count") || "").replace("%(count)s", count); }
    }

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(position) {
      var items = list.querySelectorAll("[role=option]");
      active = position;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === position ? "true" : "false");
      });
      if (position >= 0 && items[position]) {
        box.setAttribute("aria-activedescendant", items[position].id);
        items[position].scrollIntoView({ block: "nearest" });
      } else {
        box.removeAttribute("aria-activedescendant");
      }
    }

    function setValue(code) {
      if (isSelect && code) {
        var exists = Array.prototype.some.call(control.options, function (o) { return o.value === code; });
        if (!exists) { control.add(new Option(code, code)); }
      }
      control.value = code;
    }

    function choose(position) {
      var option = options[position];
      if (!option) { return; }
      // A municipality keeps its province in the box: there are many "Villanueva".
      var shown = option.detail && !isSelect ? option.label + " (" + option.detail + ")" : option.label;
      chosen = { code: option.code, label: shown };
      setValue(option.code);
      box.value = shown;
      close();
      control.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(results) {
      options = results;
      list.textContent = "";
      results.forEach(function (option, i) {
        var item = document.createElement("li");
        item.id = baseId + "_opcion_" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "chooser-label";
        name.textContent = option.label;
        item.appendChild(name);
        var extra = (isSelect ? [option.detail] : [option.detail, option.code]).filter(Boolean);
        if (extra.length) {
          var more = document.createElement("span");
          more.className = "chooser-detail";
          more.textContent = extra.join(" · ");
          item.appendChild(more);
        }
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(i); box.focus(); });
        list.appendChild(item);
      });
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "chooser-none";
        none.textContent = control.getAttribute("data-chooser-none") || "";
        list.appendChild(none);
      }
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
      highlight(results.length ? 0 : -1);
      say(results.length);
    }

    function search() {
      var mine = ++sequence;
      var separator = url.indexOf("?") < 0 ? "?" : "&";
      fetch(url + separator + "q=" + encodeURIComponent(box.value.trim()), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (data) {
        if (mine === sequence && document.activeElement === box) { show(data.results || []); }
      }).catch(function () { /* offline: the typed text is still posted and checked */ });
    }

    box.addEventListener("input", function () {
      // Until an option is chosen, the typed text itself is posted: the server accepts a
      // code or an unambiguous full name, and explains anything else.
      if (isSelect) { control.value = ""; } else { control.value = box.value.trim(); }
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });

    box.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open || event.altKey) { search(); return; }
        if (!options.length) { return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if (event.key === "Enter") {
        // Enter chooses; it never posts the whole form from a box whose text is not a
        // choice (the list open with "Ninguna coincidencia", or the answer still on its way).
        if (open && active >= 0) { event.preventDefault(); choose(active); }
        else if (open || box.value !== chosen.label) {
          event.preventDefault();
          if (!open) { clearTimeout(timer); search(); }
        }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
        else if (box.value !== chosen.label) {
          event.preventDefault();
          box.value = chosen.label;
          setValue(chosen.code);
        }
      } else if (event.key === "Tab") {
        if (open && active >= 0 && box.value.trim() && box.value !== chosen.label) { choose(active); }
        close();
      }
    });

    box.addEventListener("blur", function () {
      setTimeout(function () {
        if (document.activeElement !== box) { close(); }
        if (!box.value.trim()) { setValue(""); }
      }, 150);
    });
  }

  controls.forEach(enhance);
})();
