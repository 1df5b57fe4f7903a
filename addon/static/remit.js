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
// Pay links: Copy puts the made link on the clipboard in one click (without JavaScript the
// read-only field stays selectable, and the button stays hidden).
(function () {
  "use strict";
  document.querySelectorAll("button[data-copies]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copies"));
    var status = document.querySelector("[data-copied-message]");
    if (!field) { return; }
    button.hidden = false;
    var copied = function () {
      if (status) { status.textContent = status.getAttribute("data-copied-message"); }
    };
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(copied, function () {
          if (document.execCommand("copy")) { copied(); }
        });
      } else if (document.execCommand("copy")) {
        copied();
      }
    });
  });
})();
