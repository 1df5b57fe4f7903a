// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // "Add new gateway" opens the list in a dialog instead of a separate page.
  document.querySelectorAll("[data-opens-dialog]").forEach(function (link) {
    var dialog = document.getElementById(link.getAttribute("data-opens-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
  });
  // A currency's account pickers show only while the currency is ticked.
  document.querySelectorAll("input[data-controls]").forEach(function (box) {
    var section = document.getElementById(box.getAttribute("data-controls"));
    if (!section) { return; }
    var sync = function () { section.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  });
})();

// Session expiry: a form refused because the session or its CSRF token expired comes back with
// what was typed (addon/auth/expiry.py); fill it in again. Hidden fields (the fresh CSRF token)
// and buttons are left as the page has them.
(function () {
  "use strict";
  var note = document.getElementById("kept-form");
  if (!note) { return; }
  var pairs;
  try { pairs = JSON.parse(note.getAttribute("data-values") || "[]"); } catch (e) { return; }
  var action = note.getAttribute("data-action");
  var form = Array.prototype.find.call(document.forms, function (candidate) {
    // getAttribute: a field named "action" (the set-up form's buttons) shadows form.action.
    var target = candidate.getAttribute("action") || document.location.href;
    return new URL(target, document.baseURI).pathname === action;
  });
  if (!form) { return; }
  var byName = {};
  pairs.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
  var skipped = ["hidden", "submit", "button", "reset", "file", "password", "image"];
  var touched = [];
  Array.prototype.forEach.call(form.elements, function (field) {
    if (!field.name || skipped.indexOf(field.type) !== -1) { return; }
    var values = byName[field.name] || [];
    if (field.type === "checkbox" || field.type === "radio") {
      field.checked = values.indexOf(field.value) !== -1;
    } else if (field.tagName === "SELECT") {
      Array.prototype.forEach.call(field.options, function (option) {
        option.selected = values.indexOf(option.value) !== -1;
      });
    } else if (values.length) {
      field.value = values.shift();  // several fields of one name: in page order
    } else {
      return;
    }
    touched.push(field);
  });
  touched.forEach(function (field) {
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
